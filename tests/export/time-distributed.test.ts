/**
 * TimeDistributed: `rnn-studio predict` equals a float64 numpy reference written from Keras's definition (the inner
 * Dense at every step) and the PyTorch and TF.js exports (PyTorch applies the inner module to x.reshape(B·T, F)),
 * within 1e-5; parameter totals are Keras's, by hand (an LSTM has 4·(H·(D+H)+H), a Dense D·U+U, a TimeDistributed
 * exactly its inner layer's); Keras configs in the Keras 1, tf.keras 2 and Keras 3 forms (and a nested one-layer
 * Sequential) import to the same graph, and what cannot be reproduced is refused in one line.
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

const lstm = (D: number, H: number) => 4 * (H * (D + H) + H);
const dense = (D: number, U: number) => D * U + U;

describe('TimeDistributed reproduces Keras and exports exactly', () => {
  it('[B, T, F] → TimeDistributed(Dense(tanh)): numpy, PyTorch and TF.js equal predict; params D·U+U', async () => {
    const doc = graphOf([
      ['in', 'Input', { inputType: 'features', features: 3, length: 0 }, []],
      ['td', 'TimeDistributed', {}, ['in']],
      ['d', 'Dense', { units: 4, activation: 'tanh' }, [], 'td'],
    ]);
    expect(compile(doc).ir!.totalParams).toBe(dense(3, 4));
    const { app, diffs } = await parity('td-dense', doc, inputOf([3, 5, 3], 11), 'y = np.tanh(x @ w["time_distributed/kernel"] + w["time_distributed/bias"])');
    expect(app.shape).toEqual([3, 5, 4]);
    expect(diffs.reference).toBeLessThanOrEqual(1e-5);
    expect(diffs.pytorch).toBeLessThanOrEqual(1e-5);
    expect(diffs.tfjs).toBeLessThanOrEqual(1e-5);
  });

  it('stacked LSTM tagger: LSTM(seq) → LSTM(seq) → TimeDistributed(Dense(softmax))', async () => {
    const doc = graphOf([
      ['in', 'Input', { inputType: 'features', features: 4, length: 0 }, []],
      ['l1', 'LSTM', { units: 6, returnSequences: true }, ['in']],
      ['l2', 'LSTM', { units: 5, returnSequences: true }, ['l1']],
      ['td', 'TimeDistributed', {}, ['l2']],
      ['d', 'Dense', { units: 3, activation: 'softmax' }, [], 'td'],
    ]);
    expect(compile(doc).ir!.totalParams).toBe(lstm(4, 6) + lstm(6, 5) + dense(5, 3));
    const { app, diffs } = await parity('td-tagger', doc, inputOf([2, 7, 4], 12));
    expect(app.shape).toEqual([2, 7, 3]);
    expect(diffs.pytorch).toBeLessThanOrEqual(1e-5);
    expect(diffs.tfjs).toBeLessThanOrEqual(1e-5);
  });

  it('the padding mask passes through TimeDistributed(Dropout), TimeDistributed(Activation) into the next LSTM', async () => {
    const doc = graphOf([
      ['in', 'Input', { inputType: 'tokens', vocabSize: 30, length: 0 }, []],
      ['emb', 'Embedding', { inputDim: 30, outputDim: 4, maskZero: true }, ['in']],
      ['l1', 'LSTM', { units: 5, returnSequences: true }, ['emb']],
      ['td', 'TimeDistributed', {}, ['l1']],
      ['drop', 'Dropout', { rate: 0.3 }, [], 'td'],
      ['td2', 'TimeDistributed', {}, ['td']],
      ['act', 'Activation', { activation: 'sigmoid' }, [], 'td2'],
      ['l2', 'LSTM', { units: 3, recurrentInitializer: 'glorotUniform' }, ['td2']],
      ['out', 'Dense', { units: 2, activation: 'softmax' }, ['l2']],
    ]);
    const ir = compile(doc).ir!;
    expect(ir.layers.find((l) => l.id === 'td2')!.outputShape.masked).toBe(true);
    expect(ir.totalParams).toBe(30 * 4 + lstm(4, 5) + lstm(5, 3) + dense(3, 2));
    // Row b is left-padded by b steps; sigmoid turns the padded steps' zeros into 0.5, so an export that lost the
    // mask before the second LSTM would read them as real steps and miss predict.
    const { app, diffs } = await parity('td-masked', doc, inputOf([3, 6], 13, 30));
    expect(app.shape).toEqual([3, 2]);
    expect(diffs.pytorch).toBeLessThanOrEqual(1e-5);
    expect(diffs.tfjs).toBeLessThanOrEqual(1e-5);
  });
});

// ── import ────────────────────────────────────────────────────────────────────────────────────────────────────

const T = 7, F = 5;
const lstmConfig = { name: 'lstm', units: 8, return_sequences: true, activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true, unit_forget_bias: true };
const denseConfig = { name: 'dense', units: 3, activation: 'softmax', use_bias: true };

/** The imported model's layers below the Input: kind, params, Keras count, output dims. */
function imported(model: unknown) {
  const r = importModelJson(model);
  if (!r.ok) throw new Error(r.error);
  const c = compile(r.model.doc);
  expect(c.diagnostics).toEqual([]);
  const inner = r.model.doc.nodes.find((n) => n.parentId)!;
  return { inner: { kind: inner.data.kind, name: inner.data.name, params: inner.data.params }, total: c.ir!.totalParams, shape: c.ir!.layers.at(-1)!.outputShape.dims };
}

const expected = { inner: { kind: 'Dense', name: 'dense', params: { units: 3, activation: 'softmax', useBias: true, kernelInitializer: 'glorotUniform' } }, total: lstm(F, 8) + dense(8, 3), shape: [T, 3] };

describe('TimeDistributed imports from every Keras form', () => {
  it('tf.keras 2: {"class_name": "TimeDistributed", "config": {"layer": {...}}}', () => {
    const model = {
      class_name: 'Sequential', keras_version: '2.15.0',
      config: { name: 's', layers: [
        { class_name: 'InputLayer', config: { batch_input_shape: [null, T, F], dtype: 'float32', name: 'in' } },
        { class_name: 'LSTM', config: lstmConfig },
        { class_name: 'TimeDistributed', config: { name: 'time_distributed', trainable: true, dtype: 'float32', layer: { class_name: 'Dense', config: denseConfig } } },
      ] },
    };
    expect(imported(model)).toEqual(expected);
  });

  it('Keras 3: module / registered_name / build_config, dtype policies, and a nested one-layer Sequential', () => {
    const k3 = (cls: string, config: object) => ({ module: 'keras.layers', class_name: cls, config: { ...config, dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null } }, registered_name: null });
    const model = (inner: object) => ({
      module: 'keras', class_name: 'Sequential', keras_version: '3.6.0',
      config: { name: 's', layers: [
        { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, T, F], dtype: 'float32', name: 'in' }, registered_name: null },
        k3('LSTM', lstmConfig),
        { ...k3('TimeDistributed', { name: 'time_distributed', trainable: true, layer: inner }), build_config: { input_shape: [null, T, 8] } },
      ] },
    });
    expect(imported(model({ ...k3('Dense', denseConfig), build_config: { input_shape: [null, 8] } }))).toEqual(expected);
    const nested = { module: 'keras', class_name: 'Sequential', config: { name: 'per_step', layers: [{ module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 8], name: 'step_in' } }, k3('Dense', denseConfig)] }, registered_name: null };
    expect(imported(model(nested))).toEqual(expected);
  });

  it('Keras 1: the layer list as config, TimeDistributed with a "layer" config', () => {
    const model = {
      class_name: 'Sequential', keras_version: '1.2.2',
      config: [
        { class_name: 'Dense', config: { ...denseConfig, units: 8, activation: 'linear', batch_input_shape: [null, T, F] } },
        { class_name: 'TimeDistributed', config: { name: 'timedistributed_1', trainable: true, layer: { class_name: 'Activation', config: { name: 'activation_1', activation: 'tanh', trainable: true } } } },
      ],
    };
    expect(imported(model)).toEqual({ inner: { kind: 'Activation', name: 'activation_1', params: { activation: 'tanh' } }, total: dense(F, 8), shape: [T, 8] });
  });

  it('refuses, in one line, what it cannot reproduce', () => {
    const model = (layer: object) => ({
      class_name: 'Sequential', keras_version: '2.15.0',
      config: { name: 's', layers: [{ class_name: 'InputLayer', config: { batch_input_shape: [null, T, F], name: 'in' } }, { class_name: 'TimeDistributed', config: { name: 'td', layer } }] },
    });
    const two = { class_name: 'Sequential', config: { name: 'seq', layers: [{ class_name: 'Dense', config: denseConfig }, { class_name: 'Dropout', config: { name: 'dr', rate: 0.5 } }] } };
    expect(importModelJson(model(two))).toEqual({ ok: false, error: "TimeDistributed td wraps a Sequential of 2 layers (Dense, Dropout); RNN Studio's TimeDistributed holds one layer." });
    expect(importModelJson(model({ class_name: 'Conv1D', config: { name: 'c', filters: 2, kernel_size: 3 } }))).toEqual({
      ok: false, error: "TimeDistributed td wraps a Conv1D, which needs a second time axis per step ([batch, T, steps, features]); RNN Studio's tensors have one.",
    });
    expect(importModelJson(model({ class_name: 'LSTM', config: lstmConfig }))).toEqual({ ok: false, error: "TimeDistributed td wraps a LSTM; RNN Studio's TimeDistributed holds Dense, Dropout, Activation." });
  });
});
