/**
 * BatchNormalization in training: with training on it normalises by the batch's own mean and biased variance over
 * batch and time (Keras 3's formula, written out here in float64), moves the moving statistics by
 * moving = momentum·moving + (1 − momentum)·batch, and prediction then uses the moving statistics. The app's
 * training loop trains a graph with BatchNormalization and LayerNormalization and moves both kinds' statistics/weights.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/index.ts';
import { planRun } from '../../src/datasets/plan.ts';
import type { GraphDoc } from '../../src/graph/index.ts';
import { buildModel } from '../../src/runtime/build.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { Trainer } from '../../src/runtime/train.ts';
import { chain } from '../fixtures/graphs.ts';

beforeAll(async () => {
  expect(await initTfNode('wasm')).toBe('wasm');
});

const B = 3, T = 4, C = 2;
const xs = Array.from({ length: B * T * C }, (_, i) => Math.sin(1.7 * i) * (1 + (i % C)));

describe('BatchNormalization training vs inference statistics', () => {
  it('training: batch mean and biased variance over batch and time; moving statistics move by 1 − momentum; inference uses them', () => {
    const doc = chain(['Input', { inputType: 'features', features: C, length: 0 }], ['BatchNormalization', { momentum: 0.9, epsilon: 0.01 }]);
    const model = buildModel(compile(doc).ir!);
    const gamma = [1.5, -0.5], beta = [0.2, 0.3];
    const bn = model.layers[1];
    bn.setWeights([tf.tensor1d(gamma), tf.tensor1d(beta), tf.tensor1d([0, 0]), tf.tensor1d([1, 1])]);
    const x = tf.tensor3d(xs, [B, T, C]);
    const train = Array.from((model.apply(x, { training: true }) as tf.Tensor).dataSync());
    const [mm, mv] = bn.getWeights().slice(2).map((w) => Array.from(w.dataSync()));

    // Reference, float64 from Keras's formulas.
    const col = (c: number) => xs.filter((_, i) => i % C === c);
    const mean = [0, 1].map((c) => col(c).reduce((s, v) => s + v, 0) / (B * T));
    const variance = [0, 1].map((c) => col(c).reduce((s, v) => s + (v - mean[c]) ** 2, 0) / (B * T));
    const expectTrain = xs.map((v, i) => gamma[i % C] * (v - mean[i % C]) / Math.sqrt(variance[i % C] + 0.01) + beta[i % C]);
    train.forEach((v, i) => expect(v).toBeCloseTo(expectTrain[i], 5));
    const movingMean = mean.map((m) => 0.9 * 0 + 0.1 * m);
    const movingVar = variance.map((v) => 0.9 * 1 + 0.1 * v);
    mm.forEach((v, c) => expect(v).toBeCloseTo(movingMean[c], 6));
    mv.forEach((v, c) => expect(v).toBeCloseTo(movingVar[c], 6));

    const infer = Array.from((model.predict(x) as tf.Tensor).dataSync());
    const expectInfer = xs.map((v, i) => gamma[i % C] * (v - movingMean[i % C]) / Math.sqrt(movingVar[i % C] + 0.01) + beta[i % C]);
    infer.forEach((v, i) => expect(v).toBeCloseTo(expectInfer[i], 5));
    // The two modes really differ here (the moving statistics are far from this batch's).
    expect(Math.max(...infer.map((v, i) => Math.abs(v - train[i])))).toBeGreaterThan(0.1);
    tf.dispose(x);
    model.dispose();
  });

  it("the app's training loop trains through BatchNormalization and LayerNormalization and updates the moving statistics", async () => {
    const doc: GraphDoc = {
      ...chain(['Input', { inputType: 'features', features: 2, length: 0 }], ['BatchNormalization', {}], ['LSTM', { units: 6, recurrentInitializer: 'glorotUniform' }],
        ['LayerNormalization', {}], ['Dense', { units: 1, activation: 'linear' }]),
      training: { seed: 5, task: 'adding', seqLen: 8 },
    };
    const plan = planRun(doc, { seed: 5 });
    if (!plan.ok) throw new Error(plan.error);
    const model = buildModel(plan.ir);
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    const trainer = new Trainer(model, plan.ds, plan.fit, { optimizer: 'adam', learningRate: 0.01, batchSize: 16, epochs: 1, steps: 5, clipNorm: 1, seed: 5 });
    const result = await trainer.run(() => {});
    const after = model.getWeights().map((w) => Array.from(w.dataSync()));
    const names = model.weights.map((w) => w.name);
    trainer.dispose();
    model.dispose();
    expect(result.status).toBe('done');
    expect(Number.isFinite(result.final.loss)).toBe(true);
    // Every weight moved: γ, β by the optimizer, the moving mean and variance by the batches, LN's γ, β too.
    for (const [i, name] of names.entries()) expect(Math.max(...after[i].map((v, j) => Math.abs(v - before[i][j]))), name).toBeGreaterThan(1e-6);
  });
});
