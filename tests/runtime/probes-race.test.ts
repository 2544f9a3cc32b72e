/**
 * The race and the recorder on wasm: three variants of the adding preset train side by side through the training
 * engine, snapshots arrive at the recording cadence, each run ends with a full probe, and no tensor is left behind.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { beforeAll, expect, it } from 'vitest';
import { compile } from '../../src/compiler/index.ts';
import { parseDocument } from '../../src/graph/index.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { race, recurrentVariant, type RaceEvent } from '../../src/runtime/probes/race.ts';

beforeAll(async () => {
  await initTfNode('wasm');
});

const preset = (name: string) => {
  const r = parseDocument(readFileSync(new URL(`../../presets/${name}.json`, import.meta.url), 'utf8'));
  if (!r.ok) throw new Error(r.error);
  return r.doc;
};

it('recurrentVariant swaps every recurrent kind and keeps the graph valid', () => {
  const doc = preset('lesson-bilstm-2layer');
  for (const kind of ['SimpleRNN', 'GRU'] as const) {
    const v = recurrentVariant(doc, kind);
    expect(v.nodes.filter((n) => n.parentId).map((n) => n.data.kind)).toEqual([kind, kind]);
    expect(compile(v).ok).toBe(true);
  }
});

it('races SimpleRNN, LSTM and GRU with snapshots every 2 steps and a final probe, leak-free', async () => {
  const doc = preset('adding-lstm');
  doc.nodes = doc.nodes.map((n) => (n.data.kind === 'LSTM' ? { ...n, data: { ...n.data, params: { ...n.data.params, units: 8 } } } : n));
  const events: RaceEvent[] = [];
  const before = tf.memory().numTensors;
  await race(doc, { seqLen: 12, steps: 4, every: 2, batchSize: 8, probeBatch: 6 }, (e) => events.push(e));
  expect(tf.memory().numTensors).toBe(before);
  for (const run of ['SimpleRNN', 'LSTM', 'GRU']) {
    const mine = events.filter((e) => e.run === run);
    expect(mine.filter((e) => e.type === 'step').length).toBe(4);
    const snaps = mine.flatMap((e) => (e.type === 'snapshot' ? [e.snapshot] : []));
    expect(snaps.map((s) => s.step)).toEqual([0, 2, 4]);
    expect(snaps[0].layers[0].gradNorm.length).toBe(12);
    const probe = mine.find((e) => e.type === 'probe');
    expect(probe?.type === 'probe' && probe.probe.directions[0].jacobian?.sigmaMax.length).toBe(12);
    expect(probe?.type === 'probe' && probe.probe.labels[0].length).toBe(12);
    expect(mine.at(-1)?.type).toBe('done');
  }
  // All three share the seed: their step-0 probe batches are the same data, so the same baseline starts the race.
  const starts = events.filter((e) => e.type === 'start');
  expect(new Set(starts.map((e) => (e.type === 'start' ? e.baseline : 0))).size).toBe(1);
});
