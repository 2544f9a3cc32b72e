/**
 * The race and the recorder on wasm: three variants of the race preset train one after the other through the training
 * engine, snapshots arrive at the recording cadence, each run ends with a full probe, and no tensor is left behind.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { beforeAll, expect, it } from 'vitest';
import { compile } from '../../src/compiler/index.ts';
import { parseDocument } from '../../src/graph/index.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { dropModels, race, recurrentVariant, type RaceEvent } from '../../src/runtime/probes/race.ts';
import { RACE_DEFAULTS, raceSettings } from '../../src/runtime/probes/race-settings.ts';
import { medianPerStep } from '../../src/runtime/probes/stats.ts';

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

it('races SimpleRNN, LSTM and GRU one after the other, with snapshots every 2 steps, a final probe and a result per model, leak-free', async () => {
  const doc = preset('race-adding');
  const events: RaceEvent[] = [];
  const before = tf.memory().numTensors;
  const result = await race(doc, { seqLen: 12, units: 8, steps: 4, every: 2, batchSize: 8, probeBatch: 6 }, (e) => events.push(e));
  // The three trained models stay alive for the connectivity panel until the next race; nothing else does.
  dropModels();
  expect(tf.memory().numTensors).toBe(before);
  // One after the other: every SimpleRNN event comes before the first LSTM event, and so on.
  expect(events.map((e) => e.run).filter((r, i, a) => r !== a[i - 1])).toEqual(['SimpleRNN', 'LSTM', 'GRU']);
  for (const run of ['SimpleRNN', 'LSTM', 'GRU']) {
    const mine = events.filter((e) => e.run === run);
    expect(mine.filter((e) => e.type === 'step').length).toBe(4);
    const snaps = mine.flatMap((e) => (e.type === 'snapshot' ? [e.snapshot] : []));
    expect(snaps.map((s) => s.step)).toEqual([0, 2, 4]);
    expect(snaps[0].layers[0].gradNorm.length).toBe(12);
    const probe = mine.find((e) => e.type === 'probe');
    if (probe?.type !== 'probe') throw new Error('no probe');
    const d = probe.probe.directions[0];
    expect(d.units).toBe(8);
    expect(d.jacobian?.sigmaMax.length).toBe(12);
    expect(probe.probe.labels[0].length).toBe(12);
    const done = mine.at(-1);
    if (done?.type !== 'done') throw new Error('not done');
    // The result's ratios are g₁/g_T of the step-0 snapshot and of the final probe's median curve.
    const g = medianPerStep(d.dh, d.mask, probe.probe.seqLen, probe.probe.batch);
    expect(done.result?.gradRatioTrained).toBeCloseTo(g[0]! / g[11]!, 12);
    expect(done.result?.gradRatioInit).toBeCloseTo(snaps[0].layers[0].gradNorm[0]! / snaps[0].layers[0].gradNorm[11]!, 12);
    expect(result.models.find((m) => m.kind === run)).toEqual(done.result);
  }
  expect(result).toMatchObject({ task: 'adding', seqLen: 12, steps: 4, baseline: 1 / 6 });
  // All three share the seed: the same data, so the same baseline starts every run.
  const starts = events.filter((e) => e.type === 'start');
  expect(new Set(starts.map((e) => (e.type === 'start' ? e.baseline : 0))).size).toBe(1);
});

it('stops between models when asked, and reports only the models that finished', async () => {
  let done = 0;
  const result = await race(preset('race-adding'), { seqLen: 8, units: 4, steps: 3, every: 3, batchSize: 4, probeBatch: 2 }, (e) => {
    if (e.type === 'done') done++;
  }, () => done >= 1);
  expect(result.models.map((m) => m.kind)).toEqual(['SimpleRNN']);
});

it('raceSettings: options over the graph\'s task over RACE_DEFAULTS', () => {
  const doc = preset('race-adding');
  expect(raceSettings(doc)).toEqual(RACE_DEFAULTS);
  expect(raceSettings(doc, { seqLen: 60, units: undefined })).toEqual({ ...RACE_DEFAULTS, seqLen: 60 });
  expect(raceSettings({ ...doc, training: { seed: 1, task: 'copy' } }).task).toBe('copy');
});
