/**
 * SpatialDropout1D, Masking, RepeatVector, Permute, Softmax and AveragePooling1D: `rnn-studio predict` against
 * float64 numpy written from Keras's definitions, and the PyTorch and TF.js exports against predict, within 1e-5.
 * Masking is checked by Keras's own semantics: a left-padded row predicts what the same row without its padding does.
 * Keras configs of each form the kind was serialised in (Keras 1, tf.keras 2, Keras 3) open with their params.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { importModelJson } from '../../src/codegen/import-keras.ts';
import { compile } from '../../src/compiler/index.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { cli, graphOf, scratchDir, writeGraph, writeRandomWeights } from './helpers.ts';
import { inputOf, parity } from './kinds-helpers.ts';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';

beforeAll(async () => {
  await initTfNode('cpu');
});

const SOFTMAX = `def softmax(v, axis):
    e = np.exp(v - v.max(axis, keepdims=True))
    return e / e.sum(axis, keepdims=True)
`;

describe('reshaping, pooling and activation kinds reproduce Keras and export exactly', () => {
  it('AveragePooling1D(3, stride 2) → Permute → Softmax (over the pooled time steps) → Dense', async () => {
    const doc = graphOf([
      ['in', 'Input', { inputType: 'features', features: 3, length: 7 }, []],
      ['pool', 'AveragePooling1D', { poolSize: 3, strides: 2 }, ['in']],
      ['perm', 'Permute', {}, ['pool']],
      ['sm', 'Softmax', { axis: 2 }, ['perm']],
      ['out', 'Dense', { units: 2, activation: 'linear' }, ['sm']],
    ]);
    const { app, diffs } = await parity('pool-permute-softmax', doc, inputOf([2, 7, 3], 21), `${SOFTMAX}
# valid pooling: windows t = 0, 2, 4 of 3 steps -> [B, 3, F]
p = np.stack([x[:, t:t + 3].mean(1) for t in range(0, 7 - 3 + 1, 2)], 1)
s = softmax(p.transpose(0, 2, 1), -1)
y = s @ w["dense/kernel"] + w["dense/bias"]`);
    expect(app.shape).toEqual([2, 3, 2]);
    for (const [k, d] of Object.entries(diffs)) expect(d, k).toBeLessThanOrEqual(1e-5);
  });

  it('GlobalAveragePooling1D → RepeatVector(4) → SpatialDropout1D (identity at prediction) → Softmax(-1)', async () => {
    const doc = graphOf([
      ['in', 'Input', { inputType: 'features', features: 3, length: 0 }, []],
      ['gap', 'GlobalAveragePooling1D', {}, ['in']],
      ['d', 'Dense', { units: 5, activation: 'tanh' }, ['gap']],
      ['rep', 'RepeatVector', { n: 4 }, ['d']],
      ['sd', 'SpatialDropout1D', { rate: 0.4 }, ['rep']],
      ['sm', 'Softmax', {}, ['sd']],
    ]);
    const { app, diffs } = await parity('repeat-spatial-softmax', doc, inputOf([2, 6, 3], 22), `${SOFTMAX}
d = np.tanh(x.mean(1) @ w["dense/kernel"] + w["dense/bias"])
y = softmax(np.repeat(d[:, None, :], 4, axis=1), -1)`);
    expect(app.shape).toEqual([2, 4, 5]);
    for (const [k, d] of Object.entries(diffs)) expect(d, k).toBeLessThanOrEqual(1e-5);
  });

  it('Reshape [4, 3] → (6, 2) → Dense → (-1, 4) → pooling → Dense → (8,) → Softmax', async () => {
    const doc = graphOf([
      ['in', 'Input', { inputType: 'features', features: 3, length: 4 }, []],
      ['r', 'Reshape', { dim1: 6, dim2: 2 }, ['in']],
      ['d', 'Dense', { units: 2, activation: 'linear' }, ['r']],
      ['r2', 'Reshape', { dim1: -1, dim2: 4 }, ['d']],
      ['gap', 'GlobalMaxPooling1D', {}, ['r2']],
      ['v', 'Dense', { units: 8, activation: 'tanh' }, ['gap']],
      ['r3', 'Reshape', { dim1: 8, dim2: 0 }, ['v']],
      ['sm', 'Softmax', {}, ['r3']],
    ]);
    const { app, diffs } = await parity('reshape', doc, inputOf([2, 4, 3], 25), `${SOFTMAX}
d = x.reshape(2, 6, 2) @ w["dense/kernel"] + w["dense/bias"]
v = np.tanh(d.reshape(2, 3, 4).max(1) @ w["dense_1/kernel"] + w["dense_1/bias"])
y = softmax(v.reshape(2, 8), -1)`);
    expect(app.shape).toEqual([2, 8]);
    for (const [k, d] of Object.entries(diffs)) expect(d, k).toBeLessThanOrEqual(1e-5);
  });

  it('Masking → SpatialDropout1D → LSTM: padded steps are skipped (same as the row without them), and both exports carry the mask', async () => {
    const doc = graphOf([
      ['in', 'Input', { inputType: 'features', features: 3, length: 0 }, []],
      ['mask', 'Masking', { maskValue: 0 }, ['in']],
      ['sd', 'SpatialDropout1D', { rate: 0.3 }, ['mask']],
      ['lstm', 'LSTM', { units: 4, recurrentInitializer: 'glorotUniform' }, ['sd']],
      ['out', 'Dense', { units: 2, activation: 'softmax' }, ['lstm']],
    ]);
    // Row 1 is row 0's last 4 steps after 2 steps of zeros (the mask value); row 2 puts zeros inside.
    const steps = inputOf([1, 4, 3], 23).data;
    const zeros = [0, 0, 0, 0, 0, 0];
    const x = { dtype: 'float32', shape: [3, 6, 3], data: [...inputOf([1, 2, 3], 24).data, ...steps, ...zeros, ...steps, ...steps.slice(0, 6), ...zeros, ...steps.slice(6)] };
    const { app, diffs } = await parity('masking-lstm', doc, x);
    for (const [k, d] of Object.entries(diffs)) expect(d, k).toBeLessThanOrEqual(1e-5);

    // Keras semantics: the padded row equals the unpadded 4-step row, predicted on its own.
    const dir = scratchDir('kinds-masking-lstm-short');
    const graph = writeGraph(doc, join(dir, 'graph.json'));
    await writeRandomWeights(doc, join(dir, 'weights'), 1234);
    writeFileSync(join(dir, 'x.json'), JSON.stringify({ dtype: 'float32', shape: [2, 4, 3], data: [...steps, ...steps.slice(0, 6), ...steps.slice(6)] }));
    const short = JSON.parse((await cli(['predict', graph, '--weights', join(dir, 'weights'), '--input', join(dir, 'x.json'), '--json'])).out);
    expect(Math.max(...[0, 1].map((i) => Math.abs(app.data[2 + i] - short.data[i])))).toBeLessThanOrEqual(1e-6);
    expect(Math.max(...[0, 1].map((i) => Math.abs(app.data[4 + i] - short.data[2 + i])))).toBeLessThanOrEqual(1e-6);
    // …and the full row differs, so the mask (not chance) makes them equal.
    expect(Math.abs(app.data[0] - app.data[2])).toBeGreaterThan(1e-4);
  });
});

function open(model: unknown) {
  const r = importModelJson(model);
  if (!r.ok) throw new Error(r.error);
  const c = compile(r.model.doc);
  if (!c.ir) throw new Error(JSON.stringify(c.diagnostics));
  return c.ir;
}
/** A Sequential model as Keras 1 (bare list), tf.keras 2 ({layers} with an InputLayer) or Keras 3 (module keys) writes it. */
function sequential(form: 'keras1' | 'tfkeras' | 'keras3', shape: (number | null)[], layers: [string, Record<string, unknown>][]) {
  if (form === 'keras1') return { class_name: 'Sequential', keras_version: '1.2.2', config: layers.map(([cls, c], i) => ({ class_name: cls, config: { name: `l${i}`, ...(i === 0 ? { batch_input_shape: shape } : {}), ...c } })) };
  const input = { class_name: 'InputLayer', config: { [form === 'keras3' ? 'batch_shape' : 'batch_input_shape']: shape, dtype: 'float32', name: 'in' } };
  const wrap = (cls: string, c: Record<string, unknown>, i: number) => ({ ...(form === 'keras3' ? { module: 'keras.layers', registered_name: null } : {}), class_name: cls, config: { name: `l${i}`, trainable: true, ...c } });
  return { class_name: 'Sequential', ...(form === 'keras3' ? { module: 'keras' } : { keras_version: '2.15.0' }), config: { name: 's', layers: [input, ...layers.map(([cls, c], i) => wrap(cls, c, i))] } };
}

describe('Keras configs of every form open with their params', () => {
  const T = 6, F = 4;
  it.each([
    ['keras1', [['Masking', { mask_value: -1 }], ['SpatialDropout1D', { p: 0.2 }], ['AveragePooling1D', { pool_length: 3, stride: 1, border_mode: 'valid' }], ['Permute', { dims: [2, 1] }]]],
    ['tfkeras', [['Masking', { mask_value: -1 }], ['SpatialDropout1D', { rate: 0.2, noise_shape: null, seed: null }], ['AveragePooling1D', { pool_size: [3], strides: [1], padding: 'valid', data_format: 'channels_last' }], ['Permute', { dims: [2, 1] }]]],
    ['keras3', [['Masking', { mask_value: -1 }], ['SpatialDropout1D', { rate: 0.2, seed: null }], ['AveragePooling1D', { pool_size: [3], strides: [1], padding: 'valid', data_format: 'channels_last' }], ['Permute', { dims: [2, 1] }]]],
  ] as const)('%s: Masking, SpatialDropout1D, AveragePooling1D, Permute', (form, layers) => {
    // Masking creates a mask that AveragePooling1D refuses; the model without Masking opens with every param read.
    const ir = open(sequential(form, [null, T, F], layers.slice(1) as unknown as [string, Record<string, unknown>][]));
    expect(ir.layers.map((l) => l.kind)).toEqual(['Input', 'SpatialDropout1D', 'AveragePooling1D', 'Permute']);
    expect(ir.layers[1].params.rate).toBe(0.2);
    expect(ir.layers[2].params).toMatchObject({ poolSize: 3, strides: 1 });
    expect(ir.layers[3].outputShape.dims).toEqual([F, T - 3 + 1]);
    const masked = open(sequential(form, [null, null, F], layers.slice(0, 2) as unknown as [string, Record<string, unknown>][]));
    expect(masked.layers[1]).toMatchObject({ kind: 'Masking', params: { maskValue: -1 }, outputShape: { masked: true } });
    expect(ir.totalParams).toBe(0);
  });

  it.each(['keras1', 'tfkeras', 'keras3'] as const)('%s: RepeatVector(n=5) on a pooled vector; Softmax (not in Keras 1) with axis 2 (the last)', (form) => {
    const ir = open(sequential(form, [null, T, F], [['GlobalAveragePooling1D', {}], ['RepeatVector', { n: 5 }], ...(form === 'keras1' ? [] : [['Softmax', { axis: 2 }] as [string, Record<string, unknown>]])]));
    expect(ir.layers[2]).toMatchObject({ kind: 'RepeatVector', params: { n: 5 }, outputShape: { dims: [5, F] } });
    if (form !== 'keras1') expect(ir.layers[3]).toMatchObject({ kind: 'Softmax', params: { axis: 2 }, outputShape: { dims: [5, F] } });
  });

  it.each(['keras1', 'tfkeras', 'keras3'] as const)('%s: Reshape target_shape (-1, 2) and (12,)', (form) => {
    const ir = open(sequential(form, [null, T, F], [['Reshape', { target_shape: [-1, 2] }], ['Reshape', { target_shape: [T * F] }]]));
    expect(ir.layers[1]).toMatchObject({ kind: 'Reshape', params: { dim1: -1, dim2: 2 }, outputShape: { dims: [T * F / 2, 2] } });
    expect(ir.layers[2]).toMatchObject({ params: { dim1: T * F, dim2: 0 }, outputShape: { dims: [T * F] } });
  });

  it('what is not reproduced is refused in one line', () => {
    const bad = (layers: [string, Record<string, unknown>][]) => {
      const r = importModelJson(sequential('tfkeras', [null, T, F], layers));
      return r.ok ? null : r.error;
    };
    const overTime = importModelJson(sequential('keras3', [null, T, F], [['Softmax', { axis: 1 }]]));
    expect(overTime.ok && compile(overTime.model.doc).diagnostics.map((d) => d.message)).toEqual(['Softmax over axis 1 of [batch, 6, 4]: TF.js computes a softmax along the last axis (2) only.']);
    expect(bad([['Permute', { dims: [1, 2] }]])).toBe("Layer l0 (Permute) has dims=[1,2]; RNN Studio's Permute swaps time and features, dims (2, 1).");
    expect(bad([['AveragePooling1D', { pool_size: [2], padding: 'same' }]])).toBe('Layer l0 (AveragePooling1D) has padding="same", which RNN Studio does not support: \'same\' padding is not supported yet.');
    expect(bad([['Masking', { mask_value: { class_name: '__tensor__' } }]])).toBe('Layer l0 (Masking) has a tensor mask_value; RNN Studio takes one number.');
  });
});
