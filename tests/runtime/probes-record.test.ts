/** Recording during a Training-tab session (wasm): snapshots every N steps through the training loop's hook, no leaks. */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { beforeAll, expect, it } from 'vitest';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { TrainSession, type SessionEvent } from '../../src/runtime/train-session.ts';
import { memoryRuns } from './runs-double.ts';

beforeAll(async () => {
  await initTfNode('wasm');
});

it('a training session with recordEvery 2 emits snapshots at steps 0, 2, 4 with T-long gradient curves', async () => {
  const docText = readFileSync(new URL('../../presets/race-adding.json', import.meta.url), 'utf8');
  // An unknown storage scheme: saving fails quietly (as in a private window), training and recording are unaffected.
  const session = new TrainSession('memory-that-does-not-exist://', memoryRuns().runs);
  const events: SessionEvent[] = [];
  const before = tf.memory().numTensors;
  const r = await session.start({
    docText, task: 'adding', seqLen: 10, recordEvery: 2,
    settings: { optimizer: 'rmsprop', learningRate: 1e-3, batchSize: 8, epochs: 1, steps: 4, clipNorm: 1, seed: 3, maxValSamples: 16 },
  }, 'wasm', (e) => events.push(e));
  expect(r.steps).toBe(4);
  const snaps = events.flatMap((e) => (e.type === 'snapshot' ? [e.snapshot] : []));
  expect(snaps.map((s) => s.step)).toEqual([0, 2, 4]);
  for (const s of snaps) {
    expect(s.layers[0]).toMatchObject({ kind: 'LSTM', direction: 'forward' });
    expect(s.layers[0].gradNorm.length).toBe(10);
    expect(s.layers[0].gradNorm.every((g) => g !== null && g > 0)).toBe(true);
  }
  // Snapshots arrive in order with the step events: each one right after its step.
  const order = events.filter((e) => e.type === 'step' || e.type === 'snapshot').map((e) => `${e.type}${e.type === 'snapshot' ? e.snapshot.step : e.type === 'step' ? e.step : ''}`);
  expect(order).toEqual(['snapshot0', 'step1', 'step2', 'snapshot2', 'step3', 'step4', 'snapshot4']);
  // The session keeps its model (for "try it"): the same tensors stay alive as after a session that did not record.
  const kept = tf.memory().numTensors - before;
  const plain = new TrainSession('memory-that-does-not-exist://', memoryRuns().runs);
  const before2 = tf.memory().numTensors;
  await plain.start({ docText, task: 'adding', seqLen: 10, settings: { optimizer: 'rmsprop', learningRate: 1e-3, batchSize: 8, epochs: 1, steps: 4, clipNorm: 1, seed: 3, maxValSamples: 16 } }, 'wasm', () => {});
  expect(kept).toBe(tf.memory().numTensors - before2);
});
