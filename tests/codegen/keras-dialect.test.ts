/**
 * Older dialects on import (src/codegen/keras-dialect.ts): Keras 1 argument names and its Merge layer, CuDNN layers,
 * and models used as layers, each in the serialized forms it has (Keras 1 lists with 3-element inbound nodes, Keras 2
 * / tf.keras dicts with 4-element ones, Keras 3 `{args, kwargs}`). Parameter totals come from
 * tests/fixtures/keras-real/count.py (Keras's formulas, integers), not from our code.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importModelJson } from '../../src/codegen/import-keras.ts';
import { toKeras2Layout, type WeightArray } from '../../src/codegen/keras-weights-convert.ts';
import { compile, summarize } from '../../src/compiler/index.ts';

const tmp = mkdtempSync(join(tmpdir(), 'keras-dialect-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Keras's total for a model JSON, by count.py. */
function kerasTotal(model: unknown): number {
  const f = join(tmp, 'm.json');
  writeFileSync(f, JSON.stringify(model));
  const out = JSON.parse(execFileSync('/usr/bin/python3', [new URL('../fixtures/keras-real/count.py', import.meta.url).pathname, f], { encoding: 'utf8' }));
  return out['m.json'];
}

function opened(model: unknown) {
  const r = importModelJson(model);
  if (!r.ok) throw new Error(r.error);
  const c = compile(r.model.doc);
  expect(c.diagnostics.map((d) => d.message)).toEqual([]);
  const byName = (n: string) => r.model.doc.nodes.find((x) => x.data.name === n)!.data;
  return { total: summarize(c.ir!).totalParams, doc: r.model.doc, byName, warnings: r.model.warnings };
}

const refusal = (model: unknown): string => {
  const r = importModelJson(model);
  if (r.ok) throw new Error('expected a refusal');
  return r.error;
};

// ── Keras 1 ──────────────────────────────────────────────────────────────────────────────────────────────────────

/** Keras 1.2.2's get_config keys (keras/layers/recurrent.py, core.py, embeddings.py), as model.to_json() writes them. */
const k1rnn = (cls: string, name: string, extra: Record<string, unknown>) => ({
  class_name: cls,
  config: {
    name, trainable: true, return_sequences: false, go_backwards: false, stateful: false, unroll: false, consume_less: 'cpu',
    init: 'glorot_uniform', inner_init: 'orthogonal', activation: 'tanh', W_regularizer: null, U_regularizer: null, b_regularizer: null,
    dropout_W: 0.0, dropout_U: 0.0, input_dim: null, input_length: null, ...(cls === 'SimpleRNN' ? {} : { inner_activation: 'hard_sigmoid' }), ...extra,
  },
});
const k1dense = (name: string, units: number, extra: Record<string, unknown> = {}) => ({
  class_name: 'Dense',
  config: { name, trainable: true, output_dim: units, init: 'glorot_uniform', activation: 'softmax', W_regularizer: null, b_regularizer: null, activity_regularizer: null, W_constraint: null, b_constraint: null, bias: true, input_dim: null, ...extra },
});

describe('Keras 1 configs', () => {
  const model = {
    class_name: 'Sequential', keras_version: '1.2.2',
    config: [
      { class_name: 'Embedding', config: { name: 'embedding_1', trainable: true, input_dim: 1000, output_dim: 16, input_length: 20, init: 'uniform', W_regularizer: null, activity_regularizer: null, W_constraint: null, mask_zero: false, dropout: 0.0, batch_input_shape: [null, 20], input_dtype: 'int32' } },
      k1rnn('LSTM', 'lstm_1', { output_dim: 32, return_sequences: true, consume_less: 'gpu', forget_bias_init: 'one', dropout_W: 0.2, dropout_U: 0.1 }),
      k1rnn('GRU', 'gru_1', { output_dim: 8, return_sequences: true, consume_less: 'mem', inner_activation: 'sigmoid' }),
      k1rnn('SimpleRNN', 'simplernn_1', { output_dim: 6, activation: 'relu' }),
      k1dense('dense_1', 3),
    ],
  };

  it("reads output_dim, inner_activation, consume_less, dropout_W/U, forget_bias_init, and Keras 1's reset-before GRU, with Keras's total", () => {
    const m = opened(model);
    expect(m.total).toBe(kerasTotal(model));
    expect(m.byName('lstm_1').params).toMatchObject({ units: 32, recurrentActivation: 'hardSigmoid', dropout: 0.2, recurrentDropout: 0.1, unitForgetBias: true, returnSequences: true });
    expect(m.byName('gru_1').params).toMatchObject({ units: 8, recurrentActivation: 'sigmoid', resetAfter: false });
    expect(m.byName('simplernn_1').params).toMatchObject({ units: 6, activation: 'relu' });
    expect(m.byName('dense_1').params).toMatchObject({ units: 3, useBias: true });
  });

  it('takes the input shape from input_dim / input_length when there is no batch_input_shape', () => {
    const m = opened({ class_name: 'Sequential', keras_version: '1.1.0', config: [k1rnn('LSTM', 'lstm_1', { output_dim: 5, input_dim: 7, input_length: 11 }), k1dense('dense_1', 2)] });
    expect(m.total).toBe(kerasTotal({ class_name: 'Sequential', config: [k1rnn('LSTM', 'l', { output_dim: 5, batch_input_shape: [null, 11, 7] }), k1dense('d', 2)] }));
    expect(m.byName('lstm_1_input').params).toMatchObject({ inputType: 'features', length: 11, features: 7 });
  });

  it('reads a Dropout p stored as a string of a number (Keras 1 kept it as given), saying so', () => {
    const drop = { class_name: 'Dropout', config: { p: '0.5', trainable: true, name: 'dropout_1' } };
    const model = { class_name: 'Sequential', keras_version: '1.0.5', config: [k1rnn('LSTM', 'lstm_1', { output_dim: 5, batch_input_shape: [null, 11, 7] }), drop, k1dense('dense_1', 2)] };
    const m = opened(model);
    expect(m.total).toBe(kerasTotal(model));
    expect(m.byName('dropout_1').params).toMatchObject({ rate: 0.5 });
    expect(m.warnings.join('\n')).toMatch(/Layer dropout_1: its rate is the string "0\.5" in the file/);
    expect(refusal({ ...model, config: [model.config[0], { ...drop, config: { ...drop.config, p: 'half' } }, model.config[2]] })).toMatch(/Layer dropout_1: rate must be a number/);
  });

  const branch = (name: string, units: number, features: number) => ({
    class_name: 'Sequential',
    config: [k1rnn('LSTM', `${name}_lstm`, { output_dim: units, batch_input_shape: [null, 10, features], input_dtype: 'float32' })],
  });
  const merged = (mode: string, extra: Record<string, unknown> = {}) => ({
    class_name: 'Sequential', keras_version: '1.2.2',
    config: [
      { class_name: 'Merge', config: { name: 'merge_1', mode, mode_type: 'raw', concat_axis: -1, dot_axes: -1, output_shape: null, output_shape_type: 'raw', output_mask: null, output_mask_type: 'raw', arguments: {}, layers: [branch('a', 8, 3), branch('b', 8, 5)], ...extra } },
      k1dense('dense_1', 2),
    ],
  });

  it.each([['concat', 'Concatenate'], ['sum', 'Add'], ['mul', 'Multiply'], ['ave', 'Average'], ['max', 'Maximum']])(
    'a Sequential whose first layer is Merge(mode=%s) of two branch models becomes two Inputs joined by %s',
    (mode, kind) => {
      const m = opened(merged(mode));
      expect(m.total).toBe(kerasTotal(merged(mode)));
      expect(m.byName('merge_1').kind).toBe(kind);
      expect(m.doc.nodes.filter((n) => n.data.kind === 'Input')).toHaveLength(2);
    },
  );

  it('refuses the Merge modes no Keras 2 layer computes, naming the layer', () => {
    expect(refusal(merged('cos'))).toMatch(/^Layer merge_1 is a Keras 1 Merge with mode "cos" .*concat, sum, mul, ave, max and dot\.$/);
    expect(refusal(merged('lambda_fn', { mode_type: 'lambda' }))).toMatch(/^Layer merge_1 is a Keras 1 Merge with mode "lambda_fn"/);
  });

  it('a functional Keras 1 Merge (3-element inbound nodes) is the merge layer of its mode', () => {
    const input = (name: string) => ({ class_name: 'InputLayer', name, config: { batch_input_shape: [null, 10, 4], input_dtype: 'float32', sparse: false, name }, inbound_nodes: [] });
    const model = {
      class_name: 'Model', keras_version: '1.2.2',
      config: {
        name: 'model_1', input_layers: [['in_a', 0, 0], ['in_b', 0, 0]], output_layers: [['dense_1', 0, 0]],
        layers: [
          input('in_a'), input('in_b'),
          { ...k1rnn('GRU', 'gru_a', { output_dim: 6 }), name: 'gru_a', inbound_nodes: [[['in_a', 0, 0]]] },
          { ...k1rnn('GRU', 'gru_b', { output_dim: 6 }), name: 'gru_b', inbound_nodes: [[['in_b', 0, 0]]] },
          { class_name: 'Merge', name: 'merge_1', config: { name: 'merge_1', mode: 'mul', mode_type: 'raw', concat_axis: -1, dot_axes: -1 }, inbound_nodes: [[['gru_a', 0, 0], ['gru_b', 0, 0]]] },
          { ...k1dense('dense_1', 1), name: 'dense_1', inbound_nodes: [[['merge_1', 0, 0]]] },
        ],
      },
    };
    const m = opened(model);
    expect(m.byName('merge_1').kind).toBe('Multiply');
    expect(m.byName('gru_a').params).toMatchObject({ resetAfter: false, recurrentActivation: 'hardSigmoid' });
    expect(m.total).toBe(kerasTotal(model));
  });
});

// ── CuDNN layers (Keras 2.0.9+ / tf.keras 1) ─────────────────────────────────────────────────────────────────────

/** Keras 2.2.4 cudnn_recurrent.py get_config keys. */
const cudnn = (cls: string, name: string, units: number, extra: Record<string, unknown> = {}) => ({
  class_name: cls,
  config: {
    name, trainable: true, return_sequences: false, return_state: false, go_backwards: false, stateful: false, units,
    kernel_initializer: { class_name: 'VarianceScaling', config: { scale: 1.0, mode: 'fan_avg', distribution: 'uniform', seed: null } },
    recurrent_initializer: { class_name: 'Orthogonal', config: { gain: 1.0, seed: null } }, bias_initializer: { class_name: 'Zeros', config: {} },
    kernel_regularizer: null, recurrent_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, recurrent_constraint: null, bias_constraint: null,
    ...(cls === 'CuDNNLSTM' ? { unit_forget_bias: true } : {}), ...extra,
  },
});
const k2dense = (name: string, units: number) => ({ class_name: 'Dense', config: { name, trainable: true, units, activation: 'sigmoid', use_bias: true } });

describe('CuDNN layers', () => {
  it("CuDNNGRU is a reset-after GRU with sigmoid gates and tanh, and its two biases give Keras's total", () => {
    const model = { class_name: 'Sequential', keras_version: '2.2.4', backend: 'tensorflow', config: { name: 's', layers: [cudnn('CuDNNGRU', 'cu_dnngru_1', 12, { batch_input_shape: [null, 30, 5], dtype: 'float32', return_sequences: true }), cudnn('CuDNNGRU', 'cu_dnngru_2', 4), k2dense('dense_1', 1)] } };
    const m = opened(model);
    expect(m.total).toBe(kerasTotal(model));
    expect(m.byName('cu_dnngru_1').params).toMatchObject({ units: 12, resetAfter: true, recurrentActivation: 'sigmoid', activation: 'tanh', returnSequences: true });
  });

  it("CuDNNLSTM is the two-bias LSTM with sigmoid gates and tanh, with Keras's total 4u(in + u) + 8u and no warning", () => {
    const model = { class_name: 'Sequential', keras_version: '2.1.6', backend: 'tensorflow', config: [cudnn('CuDNNLSTM', 'cu_dnnlstm_1', 16, { batch_input_shape: [null, 30, 5], dtype: 'float32' }), k2dense('dense_1', 1)] };
    const m = opened(model);
    expect(m.byName('cu_dnnlstm_1').params).toMatchObject({ units: 16, recurrentActivation: 'sigmoid', activation: 'tanh', unitForgetBias: true, twoBiases: true });
    expect(m.total).toBe(kerasTotal(model));
    expect(m.total).toBe(4 * 16 * (5 + 16) + 8 * 16 + 17);
    expect(m.warnings).toEqual([]);
  });

  it('a CuDNN layer inside Bidirectional is read the same way', () => {
    const model = { class_name: 'Sequential', keras_version: '2.2.4', config: { name: 's', layers: [
      { class_name: 'Bidirectional', config: { name: 'bidirectional_1', trainable: true, merge_mode: 'concat', layer: cudnn('CuDNNGRU', 'cu_dnngru_1', 6), batch_input_shape: [null, 9, 3], dtype: 'float32' } },
      k2dense('dense_1', 1),
    ] } };
    const m = opened(model);
    expect(m.total).toBe(kerasTotal(model));
    expect(m.doc.nodes.find((n) => n.parentId)!.data.params).toMatchObject({ resetAfter: true, recurrentActivation: 'sigmoid' });
  });

  it("Bidirectional(CuDNNLSTM) has two biases per direction: Keras's total 2·(4u(in + u) + 8u)", () => {
    const model = { class_name: 'Sequential', keras_version: '2.2.4', config: { name: 's', layers: [
      { class_name: 'Bidirectional', config: { name: 'bidirectional_1', trainable: true, merge_mode: 'concat', layer: cudnn('CuDNNLSTM', 'cu_dnnlstm_1', 7), batch_input_shape: [null, 9, 3], dtype: 'float32' } },
      k2dense('dense_1', 1),
    ] } };
    const m = opened(model);
    expect(m.total).toBe(kerasTotal(model));
    expect(m.total).toBe(2 * (4 * 7 * (3 + 7) + 8 * 7) + 15);
    expect(m.doc.nodes.find((n) => n.parentId)!.data.params).toMatchObject({ twoBiases: true, recurrentActivation: 'sigmoid' });
    expect(m.warnings).toEqual([]);
  });
});

/** Keras 2.2.4 engine/saving.py _convert_rnn_weights (from_cudnn=True), ported line by line to numpy. */
const KERAS_CONVERT = `
import json, sys
import numpy as np
a = json.load(sys.stdin)
n_gates = a["gates"]
w = [np.array(x, dtype=np.float64).reshape(s) for x, s in a["arrays"]]
def transform_kernels(kernels, func, n_gates):
    return np.hstack([func(k) for k in np.hsplit(kernels, n_gates)])
def transform(kernel):
    return kernel.T.reshape(kernel.shape, order="F")
kernels = transform_kernels(w[0], transform, n_gates)
recurrent_kernels = transform_kernels(w[1], lambda k: k.T, n_gates)
units = w[1].shape[0]
biases = np.sum(np.split(w[2], 2, axis=0), axis=0) if n_gates == 4 else w[2].reshape((2, -1))
if a["rows"]:  # the two-bias LSTM keeps the halves Keras adds up: the input bias, then the recurrent one
    biases = np.stack(np.split(w[2], 2, axis=0))
print(json.dumps([x.ravel().tolist() for x in (kernels, recurrent_kernels, biases)] + [list(biases.shape)]))
`;

describe('CuDNN weights in a .h5 file become the plain layer\'s, as Keras 2 converts them on load', () => {
  it.each([['CuDNNLSTM', 4, false], ['CuDNNLSTM into the two-bias LSTM', 4, true], ['CuDNNGRU', 3, false]] as const)('%s', (cls, gates, rows) => {
    const d = 3, u = 2, n = gates * u;
    let seed = 7;
    const random = (k: number) => Float32Array.from({ length: k }, () => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5);
    const file: WeightArray[] = [
      { shape: [d, n], where: 'kernel', data: random(d * n) },
      { shape: [u, n], where: 'recurrent_kernel', data: random(u * n) },
      { shape: [2 * n], where: 'bias', data: random(2 * n) },
    ].map(({ data, ...a }) => ({ ...a, read: () => data }));
    const want = [[d, n], [u, n], gates === 4 && !rows ? [n] : [2, n]];
    const ours = toKeras2Layout(cls, file, want, { keras1: false });
    const input = JSON.stringify({ gates, rows, arrays: file.map((a) => [Array.from(a.read()), a.shape]) });
    const [k, r, b, biasShape] = JSON.parse(execFileSync('/usr/bin/python3', ['-c', KERAS_CONVERT], { input, encoding: 'utf8' })) as number[][];
    expect(ours.map((a) => a.shape)).toEqual([[d, n], [u, n], biasShape]);
    for (const [got, want] of [[ours[0].read(), k], [ours[1].read(), r], [ours[2].read(), b]] as const)
      expect(Math.max(...Array.from(got, (x, i) => Math.abs(x - want[i])))).toBeLessThan(1e-6);
    // Arrays already in the plain layout come back as they are.
    expect(toKeras2Layout(cls, ours, want, { keras1: false })).toBe(ours);
  });
});

// ── models used as layers ────────────────────────────────────────────────────────────────────────────────────────

const k2lstm = (name: string, units: number, extra: Record<string, unknown> = {}) => ({
  class_name: 'LSTM', config: { name, trainable: true, units, activation: 'tanh', recurrent_activation: 'sigmoid', return_sequences: false, use_bias: true, unit_forget_bias: true, implementation: 1, unroll: true, dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null }, ...extra },
});

/** tf.keras 2: x [batch, T, F] → the model `inner` called as a layer (node index 1, as Keras numbers it) → Dense. */
const calling = (inner: Record<string, unknown>, T: number, F: number, units: number) => ({
  class_name: 'Functional', keras_version: '2.12.0',
  config: { name: 'model', input_layers: [['x', 0, 0]], output_layers: [['out', 0, 0]], layers: [
    { class_name: 'InputLayer', name: 'x', config: { batch_input_shape: [null, T, F], dtype: 'float32', name: 'x' }, inbound_nodes: [] },
    { ...inner, name: 'block', inbound_nodes: [[['x', 0, 0, {}]]] },
    { ...k2dense('out', units), name: 'out', inbound_nodes: [[['block', 1, 0, {}]]] },
  ] },
});

describe('a model used as a layer is replaced by its layers', () => {
  it('tf.keras 2: a Sequential (with its InputLayer) called in a functional model (4-element inbound nodes)', () => {
    const inner = { class_name: 'Sequential', config: { name: 'block', layers: [
      { class_name: 'InputLayer', config: { batch_input_shape: [null, 12, 4], dtype: 'float32', name: 'enc_in' } },
      k2lstm('lstm', 10, { return_sequences: true }), k2lstm('lstm_1', 6),
    ] } };
    const model = calling(inner, 12, 4, 3);
    const m = opened(model);
    expect(m.total).toBe(kerasTotal(model));
    expect(m.doc.nodes.map((n) => n.data.kind)).toEqual(['Input', 'LSTM', 'LSTM', 'Dense']);
    expect(m.doc.edges.map((e) => [e.source, e.target])).toEqual([['n1', 'n2'], ['n2', 'n3'], ['n3', 'n4']]);
  });

  it('tf.keras 2: a functional model called as a layer returns its output layer (a merge of two branches here)', () => {
    const inner = { class_name: 'Functional', config: { name: 'block', input_layers: [['b_in', 0, 0]], output_layers: [['sum', 0, 0]], layers: [
      { class_name: 'InputLayer', name: 'b_in', config: { batch_input_shape: [null, 6, 3], dtype: 'float32', name: 'b_in' }, inbound_nodes: [] },
      { ...k2lstm('a', 4), name: 'a', inbound_nodes: [[['b_in', 0, 0, {}]]] },
      { ...k2lstm('b', 4, { go_backwards: true }), name: 'b', inbound_nodes: [[['b_in', 0, 0, {}]]] },
      { class_name: 'Add', name: 'sum', config: { name: 'sum' }, inbound_nodes: [[['a', 0, 0, {}], ['b', 0, 0, {}]]] },
    ] } };
    const model = calling(inner, 6, 3, 1);
    const m = opened(model);
    expect(m.total).toBe(kerasTotal(model));
    const id = (n: string) => m.doc.nodes.find((x) => x.data.name === n)!.id;
    expect(m.doc.edges.filter((e) => e.target === id('out')).map((e) => e.source)).toEqual([id('sum')]);
    expect(m.doc.edges.filter((e) => e.target === id('a') || e.target === id('b')).map((e) => e.source)).toEqual([id('x'), id('x')]);
  });

  it('Keras 3: a Sequential called with {args, kwargs}', () => {
    const t = (name: string) => ({ class_name: '__keras_tensor__', config: { shape: [null, 8, 3], dtype: 'float32', keras_history: [name, 0, 0] } });
    const model = {
      module: 'keras.src.models.functional', class_name: 'Functional', keras_version: '3.13.0',
      config: { name: 'functional', input_layers: [['x', 0, 0]], output_layers: [['out', 0, 0]], layers: [
        { module: 'keras.layers', class_name: 'InputLayer', name: 'x', config: { batch_shape: [null, 8, 3], dtype: 'float32', name: 'x' }, inbound_nodes: [] },
        { module: 'keras', class_name: 'Sequential', name: 'block', config: { name: 'block', layers: [k2lstm('gru_like', 5)] }, inbound_nodes: [{ args: [t('x')], kwargs: {} }] },
        { ...k2dense('out', 2), name: 'out', inbound_nodes: [{ args: [t('block')], kwargs: {} }] },
      ] },
    };
    const m = opened(model);
    expect(m.doc.nodes.map((n) => n.data.kind)).toEqual(['Input', 'LSTM', 'Dense']);
    expect(m.total).toBe(kerasTotal({ class_name: 'Sequential', config: { name: 's', layers: [k2lstm('l', 5, { batch_input_shape: [null, 8, 3] }), k2dense('d', 2)] } }));
  });

  it('Keras 2: a Sequential inside a Sequential, first or later', () => {
    const model = { class_name: 'Sequential', keras_version: '2.2.4', config: { name: 'outer', layers: [
      { class_name: 'Sequential', config: { name: 'front', layers: [k2lstm('lstm_1', 7, { return_sequences: true, batch_input_shape: [null, 5, 2] })] } },
      { class_name: 'Sequential', config: { name: 'back', layers: [k2lstm('lstm_2', 3), k2dense('dense_1', 1)] } },
    ] } };
    const m = opened(model);
    expect(m.doc.nodes.map((n) => n.data.kind)).toEqual(['Input', 'LSTM', 'LSTM', 'Dense']);
    expect(m.total).toBe(kerasTotal(model));
  });
});

describe('config details real files carry', () => {
  it('a GRU config without reset_after (Keras ≤ 2.1.4) is the reset-before GRU', () => {
    const model = { class_name: 'Sequential', keras_version: '2.1.2', config: [{ class_name: 'GRU', config: { name: 'gru_1', units: 4, activation: 'tanh', recurrent_activation: 'hard_sigmoid', use_bias: true, implementation: 1, batch_input_shape: [null, 6, 2] } }] };
    const m = opened(model);
    expect(m.byName('gru_1').params).toMatchObject({ resetAfter: false, recurrentActivation: 'hardSigmoid' });
    expect(m.total).toBe(kerasTotal(model));
  });

  it('a first layer with input_shape (no batch), a DTypePolicy dtype, implementation 1 and unroll', () => {
    const model = { class_name: 'Sequential', keras_version: '3.4.1', config: { name: 's', layers: [k2lstm('lstm', 9, { input_shape: [14, 3] }), k2dense('dense', 1)] } };
    const m = opened(model);
    expect(m.byName('lstm_input').params).toMatchObject({ length: 14, features: 3 });
    expect(m.total).toBe(kerasTotal({ class_name: 'Sequential', config: { name: 's', layers: [k2lstm('l', 9, { batch_input_shape: [null, 14, 3] }), k2dense('d', 1)] } }));
  });
});
