/**
 * BatchNormalization and LayerNormalization: `rnn-studio predict` against a float64 numpy model written from Keras's
 * formulas (inference: γ·(x − moving_mean)/√(moving_variance + ε) + β; LN over each step's features, biased
 * variance), and the PyTorch export (eval mode, BatchNorm1d over the transposed feature axis) and TF.js export
 * against predict, all within 1e-5. Training mode is checked in tests/runtime/normalization-train.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { graphOf } from './helpers.ts';
import { inputOf, parity } from './kinds-helpers.ts';

beforeAll(async () => {
  await initTfNode('cpu');
});

const BN = `def bn(v, name, eps):
    return w[name + "/gamma"] * (v - w[name + "/moving_mean"]) / np.sqrt(w[name + "/moving_variance"] + eps) + w[name + "/beta"]
def ln(v, name, eps):
    m = v.mean(-1, keepdims=True)
    var = ((v - m) ** 2).mean(-1, keepdims=True)
    return w[name + "/gamma"] * (v - m) / np.sqrt(var + eps) + w[name + "/beta"]
`;

describe('normalization kinds reproduce Keras inference and export exactly', () => {
  it('[B, T, F]: BatchNormalization(momentum 0.9, ε 0.01) → LayerNormalization(ε 1e-3) → Dense', async () => {
    const doc = graphOf([
      ['in', 'Input', { inputType: 'features', features: 4, length: 0 }, []],
      ['bn', 'BatchNormalization', { momentum: 0.9, epsilon: 0.01 }, ['in']],
      ['ln', 'LayerNormalization', { epsilon: 0.001 }, ['bn']],
      ['out', 'Dense', { units: 3, activation: 'linear' }, ['ln']],
    ]);
    const { app, diffs } = await parity('bn-ln-seq', doc, inputOf([3, 5, 4], 7), `${BN}
y = ln(bn(x, "batch_normalization", 0.01), "layer_normalization", 1e-3) @ w["dense/kernel"] + w["dense/bias"]`);
    expect(app.shape).toEqual([3, 5, 3]);
    expect(diffs.reference).toBeLessThanOrEqual(1e-5);
    expect(diffs.pytorch).toBeLessThanOrEqual(1e-5);
    expect(diffs.tfjs).toBeLessThanOrEqual(1e-5);
  });

  it('[B, F]: GlobalAveragePooling1D → BatchNormalization → Dense(tanh)', async () => {
    const doc = graphOf([
      ['in', 'Input', { inputType: 'features', features: 4, length: 0 }, []],
      ['pool', 'GlobalAveragePooling1D', {}, ['in']],
      ['bn', 'BatchNormalization', {}, ['pool']],
      ['out', 'Dense', { units: 2, activation: 'tanh' }, ['bn']],
    ]);
    const { app, diffs } = await parity('bn-vector', doc, inputOf([3, 6, 4], 8), `${BN}
y = np.tanh(bn(x.mean(1), "batch_normalization", 1e-3) @ w["dense/kernel"] + w["dense/bias"])`);
    expect(app.shape).toEqual([3, 2]);
    expect(diffs.reference).toBeLessThanOrEqual(1e-5);
    expect(diffs.pytorch).toBeLessThanOrEqual(1e-5);
    expect(diffs.tfjs).toBeLessThanOrEqual(1e-5);
  });

  it('a padding mask passes through both into an LSTM (PyTorch carries it as Keras does)', async () => {
    const doc = graphOf([
      ['in', 'Input', { inputType: 'tokens', vocabSize: 30, length: 0 }, []],
      ['emb', 'Embedding', { inputDim: 30, outputDim: 4, maskZero: true }, ['in']],
      ['bn', 'BatchNormalization', {}, ['emb']],
      ['ln', 'LayerNormalization', {}, ['bn']],
      ['lstm', 'LSTM', { units: 3, recurrentInitializer: 'glorotUniform' }, ['ln']],
      ['out', 'Dense', { units: 2, activation: 'softmax' }, ['lstm']],
    ]);
    const { app, diffs } = await parity('bn-ln-masked', doc, inputOf([3, 6], 9, 30));
    // Row b is left-padded by b steps. BN and LN turn the padding's embedding into non-zero values, so an export that
    // lost the mask on the way to its LSTM would read them as real steps and miss predict.
    expect(app.shape).toEqual([3, 2]);
    expect(diffs.pytorch).toBeLessThanOrEqual(1e-5);
    expect(diffs.tfjs).toBeLessThanOrEqual(1e-5);
  });
});
