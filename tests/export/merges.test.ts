/**
 * Subtract, Multiply, Average, Maximum and Dot: `rnn-studio predict` against float64 numpy written from Keras's
 * definitions (first − second / element-wise product / sum ÷ n / maximum; Dot = batch_dot over the chosen axes, L2-normalised first with
 * normalize, TF.js's x / sqrt(max(Σx², 1e-7))), and the PyTorch and TF.js exports against predict, all within 1e-5.
 * Keras configs of tf.keras 2 and Keras 3 open with the right kinds, axes and shapes.
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

const dense = (name: string, act: string) => `${act}(x_ @ w["${name}/kernel"] + w["${name}/bias"])`;
const ACTS = `tanh, relu, sig = np.tanh, lambda v: np.maximum(v, 0), lambda v: 1 / (1 + np.exp(-v))
lin = lambda v: v
`;

describe('merges reproduce Keras and export exactly', () => {
  it('Multiply of three branches, Average and Maximum of two, on sequences', async () => {
    const doc = graphOf([
      ['in', 'Input', { inputType: 'features', features: 3, length: 0 }, []],
      ['a', 'Dense', { units: 4, activation: 'tanh' }, ['in']],
      ['b', 'Dense', { units: 4, activation: 'relu' }, ['in']],
      ['c', 'Dense', { units: 4, activation: 'sigmoid' }, ['in']],
      ['mul', 'Multiply', {}, ['a', 'b', 'c']],
      ['avg', 'Average', {}, ['a', 'b']],
      ['max', 'Maximum', {}, ['b', 'c']],
      ['cat', 'Concatenate', {}, ['mul', 'avg', 'max']],
      ['out', 'Dense', { units: 2, activation: 'linear' }, ['cat']],
    ]);
    const { app, diffs } = await parity('merges-elementwise', doc, inputOf([2, 5, 3], 11), `${ACTS}
x_ = x
a, b, c = ${dense('dense', 'tanh')}, ${dense('dense_1', 'relu')}, ${dense('dense_2', 'sig')}
x_ = np.concatenate([a * b * c, (a + b) / 2, np.maximum(b, c)], -1)
y = ${dense('dense_3', 'lin')}`);
    expect(app.shape).toEqual([2, 5, 2]);
    expect(diffs).toEqual({ pytorch: expect.any(Number), tfjs: expect.any(Number), reference: expect.any(Number) });
    for (const [k, d] of Object.entries(diffs)) expect(d, k).toBeLessThanOrEqual(1e-5);
  });

  it('Subtract of two branches on sequences, then of two vectors (the first minus the second, in edge order)', async () => {
    const doc = graphOf([
      ['in', 'Input', { inputType: 'features', features: 3, length: 0 }, []],
      ['a', 'Dense', { units: 4, activation: 'tanh' }, ['in']],
      ['b', 'Dense', { units: 4, activation: 'relu' }, ['in']],
      ['sub', 'Subtract', {}, ['a', 'b']],
      ['pool', 'GlobalMaxPooling1D', {}, ['sub']],
      ['pool2', 'GlobalAveragePooling1D', {}, ['b']],
      ['sub2', 'Subtract', {}, ['pool2', 'pool']],
      ['out', 'Dense', { units: 2, activation: 'linear' }, ['sub2']],
    ]);
    const { app, diffs } = await parity('merges-subtract', doc, inputOf([2, 5, 3], 14), `${ACTS}
x_ = x
a, b = ${dense('dense', 'tanh')}, ${dense('dense_1', 'relu')}
x_ = b.mean(1) - (a - b).max(1)
y = ${dense('dense_2', 'lin')}`);
    expect(app.shape).toEqual([2, 2]);
    expect(diffs).toEqual({ pytorch: expect.any(Number), tfjs: expect.any(Number), reference: expect.any(Number) });
    for (const [k, d] of Object.entries(diffs)) expect(d, k).toBeLessThanOrEqual(1e-5);
  });

  it('Dot as attention on sequences of fixed length: scores = q·kᵀ (axes 2, 2), then scores·v (axes 2, 1)', async () => {
    const doc = graphOf([
      ['in', 'Input', { inputType: 'features', features: 3, length: 5 }, []],
      ['q', 'Dense', { units: 4, activation: 'linear' }, ['in']],
      ['k', 'Dense', { units: 4, activation: 'linear' }, ['in']],
      ['v', 'Dense', { units: 4, activation: 'tanh' }, ['in']],
      ['s', 'Dot', { axis1: 2, axis2: 2 }, ['q', 'k']],
      ['ctx', 'Dot', { axis1: 2, axis2: 1 }, ['s', 'v']],
      ['out', 'Dense', { units: 2, activation: 'linear' }, ['ctx']],
    ]);
    const { app, diffs } = await parity('dot-attention', doc, inputOf([2, 5, 3], 12), `${ACTS}
x_ = x
q, k, v = ${dense('dense', 'lin')}, ${dense('dense_1', 'lin')}, ${dense('dense_2', 'tanh')}
s = np.einsum("btd,bsd->bts", q, k)
x_ = np.einsum("bts,bsd->btd", s, v)
y = ${dense('dense_3', 'lin')}`);
    expect(app.shape).toEqual([2, 5, 2]);
    for (const [k, d] of Object.entries(diffs)) expect(d, k).toBeLessThanOrEqual(1e-5);
  });

  it('Dot of two vectors with normalize (cosine similarity) → [batch, 1]', async () => {
    const doc = graphOf([
      ['in', 'Input', { inputType: 'features', features: 3, length: 0 }, []],
      ['pool', 'GlobalMaxPooling1D', {}, ['in']],
      ['a', 'Dense', { units: 4, activation: 'tanh' }, ['pool']],
      ['b', 'Dense', { units: 4, activation: 'linear' }, ['pool']],
      ['cos', 'Dot', { axis1: -1, axis2: -1, normalize: true }, ['a', 'b']],
    ]);
    const { app, diffs } = await parity('dot-cosine', doc, inputOf([3, 4, 3], 13), `${ACTS}
x_ = x.max(1)
a, b = ${dense('dense', 'tanh')}, ${dense('dense_1', 'lin')}
n = lambda v: v / np.sqrt(np.maximum((v ** 2).sum(-1, keepdims=True), 1e-7))
y = (n(a) * n(b)).sum(-1, keepdims=True)`);
    expect(app.shape).toEqual([3, 1]);
    expect(Math.max(...app.data.map(Math.abs))).toBeLessThanOrEqual(1 + 1e-6);
    for (const [k, d] of Object.entries(diffs)) expect(d, k).toBeLessThanOrEqual(1e-5);
  });
});

const inputLayer = { class_name: 'InputLayer', name: 'in', config: { batch_input_shape: [null, 6, 8], dtype: 'float32', name: 'in' }, inbound_nodes: [] };
const tensor = (name: string) => ({ class_name: '__keras_tensor__', config: { shape: [null, 6, 8], dtype: 'float32', keras_history: [name, 0, 0] } });

describe('Keras configs of the merges open', () => {
  it.each(['Subtract', 'Multiply', 'Average', 'Maximum'])('tf.keras 2 %s of two branches: [batch, 6, 8]', (cls) => {
    const m = {
      class_name: 'Functional', keras_version: '2.15.0',
      config: {
        name: 'm',
        layers: [
          inputLayer,
          { class_name: 'Dense', name: 'd', config: { name: 'd', units: 8, activation: 'tanh', use_bias: true }, inbound_nodes: [[['in', 0, 0, {}]]] },
          { class_name: cls, name: 'm', config: { name: 'm', trainable: true, dtype: 'float32' }, inbound_nodes: [[['in', 0, 0, {}], ['d', 0, 0, {}]]] },
        ],
        input_layers: [['in', 0, 0]], output_layers: [['m', 0, 0]],
      },
    };
    const r = importModelJson(m);
    if (!r.ok) throw new Error(r.error);
    const ir = compile(r.model.doc).ir!;
    expect(ir.layers[2]).toMatchObject({ kind: cls, outputShape: { dims: [6, 8] } });
    expect(ir.totalParams).toBe(8 * 8 + 8);
  });

  it('Keras 3 Dot with axes [2, 2] on [batch, 6, 8] twice gives [batch, 6, 6]; axes -1 reads as the last axis', () => {
    const dotLayer = (axes: unknown) => ({
      module: 'keras', class_name: 'Functional',
      config: {
        name: 'm',
        layers: [
          { module: 'keras.layers', class_name: 'InputLayer', name: 'in', config: { batch_shape: [null, 6, 8], dtype: 'float32', name: 'in' }, inbound_nodes: [] },
          { module: 'keras.layers', class_name: 'Dot', name: 'dot', config: { name: 'dot', axes, normalize: false }, inbound_nodes: [{ args: [[tensor('in'), tensor('in')]], kwargs: {} }] },
        ],
      },
    });
    for (const axes of [[2, 2], -1]) {
      const r = importModelJson(dotLayer(axes));
      if (!r.ok) throw new Error(r.error);
      expect(compile(r.model.doc).ir!.layers[1].outputShape.dims).toEqual([6, 6]);
    }
    expect(importModelJson(dotLayer([0, 1]))).toEqual({ ok: false, error: 'Layer dot (Dot) has axes=[0,1]; RNN Studio takes axes 1, 2 or -1 (vectors and sequences).' });
  });
});
