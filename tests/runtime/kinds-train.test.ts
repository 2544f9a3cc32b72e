/**
 * The app's training loop (wasm, as in the browser) trains graphs made of the added kinds: every trainable weight
 * moves and the loss stays finite. Numerics of each kind are checked in tests/export (predict against numpy).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { planRun } from '../../src/datasets/plan.ts';
import type { GraphDoc } from '../../src/graph/index.ts';
import { buildModel } from '../../src/runtime/build.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { Trainer } from '../../src/runtime/train.ts';
import { graphOf } from '../export/helpers.ts';

beforeAll(async () => {
  expect(await initTfNode('wasm')).toBe('wasm');
});

const adding = (doc: GraphDoc): GraphDoc => ({ ...doc, training: { seed: 5, task: 'adding', seqLen: 8 } });

describe.each([
  ['Masking → SpatialDropout1D → LSTM', adding(graphOf([
    ['in', 'Input', { inputType: 'features', features: 2, length: 0 }, []],
    ['mask', 'Masking', {}, ['in']],
    ['sd', 'SpatialDropout1D', { rate: 0.2 }, ['mask']],
    ['lstm', 'LSTM', { units: 6, recurrentInitializer: 'glorotUniform' }, ['sd']],
    ['out', 'Dense', { units: 1, activation: 'linear' }, ['lstm']],
  ]))],
  ['AveragePooling1D → LSTM → merges (Subtract too), Dot → RepeatVector → Permute → Softmax', adding(graphOf([
    ['in', 'Input', { inputType: 'features', features: 2, length: 0 }, []],
    ['pool', 'AveragePooling1D', { poolSize: 2, strides: 1 }, ['in']],
    ['lstm', 'LSTM', { units: 6, recurrentInitializer: 'glorotUniform' }, ['pool']],
    ['a', 'Dense', { units: 4, activation: 'tanh' }, ['lstm']],
    ['b', 'Dense', { units: 4, activation: 'relu' }, ['lstm']],
    ['mul', 'Multiply', {}, ['a', 'b']],
    ['avg', 'Average', {}, ['a', 'b']],
    ['max', 'Maximum', {}, ['mul', 'avg']],
    ['sub', 'Subtract', {}, ['max', 'b']],
    ['rep', 'RepeatVector', { n: 3 }, ['sub']],
    ['perm', 'Permute', {}, ['rep']],
    ['sm', 'Softmax', {}, ['perm']],
    ['gap', 'GlobalAveragePooling1D', {}, ['sm']],
    ['c', 'Dense', { units: 3, activation: 'linear' }, ['lstm']],
    ['dot', 'Dot', { axis1: 1, axis2: 1 }, ['gap', 'c']],
    ['out', 'Dense', { units: 1, activation: 'linear' }, ['dot']],
  ]))],
])('%s', (_name, doc) => {
  it('trains: finite loss, every trainable weight moves', async () => {
    const plan = planRun(doc, { seed: 5 });
    if (!plan.ok) throw new Error(plan.error);
    const model = buildModel(plan.ir);
    const before = model.trainableWeights.map((w) => Array.from(w.read().dataSync()));
    const trainer = new Trainer(model, plan.ds, plan.fit, { optimizer: 'adam', learningRate: 0.01, batchSize: 16, epochs: 1, steps: 4, clipNorm: 1, seed: 5 });
    const result = await trainer.run(() => {});
    const after = model.trainableWeights.map((w) => Array.from(w.read().dataSync()));
    const names = model.trainableWeights.map((w) => w.name);
    trainer.dispose();
    model.dispose();
    expect(result.status).toBe('done');
    expect(Number.isFinite(result.final.loss)).toBe(true);
    for (const [i, name] of names.entries()) expect(Math.max(...after[i].map((v, j) => Math.abs(v - before[i][j]))), name).toBeGreaterThan(1e-6);
  });
});
