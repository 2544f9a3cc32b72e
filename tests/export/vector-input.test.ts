/**
 * An Input with no time axis ([batch, F], e.g. metadata joined to a recurrent branch): Dense, BatchNormalization,
 * Activation and Dropout on [batch, F], Concatenate with an LSTM's last output. `rnn-studio predict` against a float64
 * numpy model written from Keras's formulas, and the PyTorch and TF.js exports against predict, within 1e-5; a
 * Keras config with InputLayer batch_input_shape [null, F] opens as that Input.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { importModelJson } from '../../src/codegen/import-keras.ts';
import { compile } from '../../src/compiler/index.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { graphOf } from './helpers.ts';
import { inputOf, parity } from './kinds-helpers.ts';

beforeAll(async () => {
  await initTfNode('cpu');
});

describe('an Input with no time axis', () => {
  it('[B, T, 3] → LSTM(4) and [B, 5] → Dense → BatchNormalization → Activation → Dropout, concatenated → Dense', async () => {
    const doc = graphOf([
      ['seq', 'Input', { inputType: 'features', features: 3, length: 0 }, []],
      ['meta', 'Input', { inputType: 'vector', features: 5 }, []],
      ['lstm', 'LSTM', { units: 4 }, ['seq']],
      ['d', 'Dense', { units: 6, activation: 'linear' }, ['meta']],
      ['bn', 'BatchNormalization', {}, ['d']],
      ['act', 'Activation', { activation: 'relu' }, ['bn']],
      ['drop', 'Dropout', { rate: 0.5 }, ['act']],
      ['cat', 'Concatenate', {}, ['lstm', 'drop']],
      ['out', 'Dense', { units: 2, activation: 'sigmoid' }, ['cat']],
    ]);
    const ir = compile(doc).ir!;
    expect(ir.layers.find((l) => l.id === 'cat')!.outputShape.dims).toEqual([10]);
    const { app, diffs } = await parity('vector-input', doc, [inputOf([2, 4, 3], 21), inputOf([2, 5], 22)], `
sig = lambda v: 1 / (1 + np.exp(-v))
seq, meta = x
k, r, b = w["lstm/kernel"], w["lstm/recurrent_kernel"], w["lstm/bias"]
h = c = np.zeros((2, 4))
for t in range(seq.shape[1]):
    z = seq[:, t] @ k + h @ r + b
    i, f, g, o = sig(z[:, :4]), sig(z[:, 4:8]), np.tanh(z[:, 8:12]), sig(z[:, 12:])
    c = f * c + i * g
    h = o * np.tanh(c)
d = meta @ w["dense/kernel"] + w["dense/bias"]
n = "batch_normalization"
bn = w[n + "/gamma"] * (d - w[n + "/moving_mean"]) / np.sqrt(w[n + "/moving_variance"] + 1e-3) + w[n + "/beta"]
y = sig(np.concatenate([h, np.maximum(bn, 0)], -1) @ w["dense_1/kernel"] + w["dense_1/bias"])`);
    expect(app.shape).toEqual([2, 2]);
    expect(diffs).toEqual({ pytorch: expect.any(Number), tfjs: expect.any(Number), reference: expect.any(Number) });
    for (const [k, d] of Object.entries(diffs)) expect(d, k).toBeLessThanOrEqual(1e-5);
  });

  it('a Keras float InputLayer [null, 7] that feeds a Dense opens as a vector Input; [null, null] ids stay variable-length tokens', () => {
    const model = (shape: unknown[], dtype: string, next: object) => ({
      class_name: 'Sequential', keras_version: '2.4.0',
      config: { name: 's', layers: [{ class_name: 'InputLayer', config: { batch_input_shape: shape, dtype, name: 'in' } }, next] },
    });
    const dense = { class_name: 'Dense', config: { name: 'd', units: 3, activation: 'relu', use_bias: true } };
    const r = importModelJson(model([null, 7], 'float32', dense));
    if (!r.ok) throw new Error(r.error);
    const ir = compile(r.model.doc).ir!;
    expect(ir.layers[0].params).toMatchObject({ inputType: 'vector', features: 7 });
    expect(ir.layers[1].outputShape.dims).toEqual([3]);
    expect(ir.totalParams).toBe(7 * 3 + 3);
    const t = importModelJson(model([null, null], 'int32', { class_name: 'Embedding', config: { name: 'e', input_dim: 50, output_dim: 4 } }));
    if (!t.ok) throw new Error(t.error);
    expect(compile(t.model.doc).ir!.layers[0].outputShape.dims).toEqual([null]);
    expect(importModelJson(model([null, null], 'float32', dense))).toEqual({ ok: false, error: 'Input in is a [batch, features] float32 vector with no fixed size.' });
  });
});
