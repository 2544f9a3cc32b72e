/**
 * BatchNormalization and LayerNormalization from Keras configs in each form the kind was serialised in (Keras 1
 * Sequential list, tf.keras 2 functional with `axis: [2]`, Keras 3 functional), with parameter totals from Keras's
 * formulas written out here: BN γ, β trainable and moving mean/variance non-trainable (C each), LN γ, β (C each).
 */
import { describe, expect, it } from 'vitest';
import { importModelJson } from '../../src/codegen/import-keras.ts';
import { compile, summarize } from '../../src/compiler/index.ts';

function open(model: unknown) {
  const r = importModelJson(model);
  if (!r.ok) throw new Error(r.error);
  const c = compile(r.model.doc);
  if (!c.ir) throw new Error(JSON.stringify(c.diagnostics));
  return { ir: c.ir, summary: summarize(c.ir), doc: r.model.doc };
}
const refusal = (model: unknown) => {
  const r = importModelJson(model);
  return r.ok ? null : r.error;
};

const T = 10, C = 8;

/** Keras 1.2.2's Sequential.get_config: a bare list; BN writes epsilon, mode, axis, momentum and its regularizers. */
const keras1 = (bn: Record<string, unknown> = {}) => ({
  class_name: 'Sequential',
  config: [{ class_name: 'BatchNormalization', config: { name: 'bn', trainable: true, batch_input_shape: [null, T, C], input_dtype: 'float32', epsilon: 0.001, mode: 0, axis: -1, momentum: 0.99, gamma_regularizer: null, beta_regularizer: null, ...bn } }],
  keras_version: '1.2.2',
});

/** tf.keras 2.15: functional, 4-element inbound entries, BN/LN `axis` stored as a list of non-negative ints after build. */
const zeros = { class_name: 'Zeros', config: {} }, ones = { class_name: 'Ones', config: {} };
const tfKeras = (axis: unknown = [2]) => ({
  class_name: 'Functional',
  config: {
    name: 'model',
    layers: [
      { class_name: 'InputLayer', name: 'in', config: { batch_input_shape: [null, T, C], dtype: 'float32', sparse: false, ragged: false, name: 'in' }, inbound_nodes: [] },
      { class_name: 'BatchNormalization', name: 'bn', config: { name: 'bn', trainable: true, dtype: 'float32', axis, momentum: 0.9, epsilon: 1e-5, center: true, scale: true, beta_initializer: zeros, gamma_initializer: ones, moving_mean_initializer: zeros, moving_variance_initializer: ones, beta_regularizer: null, gamma_regularizer: null, beta_constraint: null, gamma_constraint: null }, inbound_nodes: [[['in', 0, 0, {}]]] },
      { class_name: 'LayerNormalization', name: 'ln', config: { name: 'ln', trainable: true, dtype: 'float32', axis: [2], epsilon: 0.001, center: true, scale: true, beta_initializer: zeros, gamma_initializer: ones }, inbound_nodes: [[['bn', 0, 0, {}]]] },
    ],
    input_layers: [['in', 0, 0]],
    output_layers: [['ln', 0, 0]],
  },
  keras_version: '2.15.0',
  backend: 'tensorflow',
});

const tensor = (name: string) => ({ class_name: '__keras_tensor__', config: { shape: [null, T, C], dtype: 'float32', keras_history: [name, 0, 0] } });
const k3 = (cls: string, config: Record<string, unknown>, from: string[]) => ({
  module: 'keras.layers', class_name: cls, config, registered_name: null, name: config.name, inbound_nodes: from.map((f) => ({ args: [tensor(f)], kwargs: {} })),
});
/** Keras 3.x: {args, kwargs} inbound nodes; a dtype policy object; LN's axis a list; a pooled vector into a BN. */
const keras3 = (ln: Record<string, unknown> = {}) => ({
  module: 'keras', class_name: 'Functional', registered_name: 'Functional',
  config: {
    name: 'functional',
    layers: [
      k3('InputLayer', { batch_shape: [null, T, C], dtype: 'float32', sparse: false, name: 'in' }, []),
      k3('LayerNormalization', { name: 'ln', trainable: true, dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' } }, axis: [-1], epsilon: 0.001, center: true, scale: true, rms_scaling: false, ...ln }, ['in']),
      k3('GlobalAveragePooling1D', { name: 'pool', data_format: 'channels_last', keepdims: false }, ['ln']),
      k3('BatchNormalization', { name: 'bn', axis: -1, momentum: 0.99, epsilon: 0.001, center: true, scale: true, synchronized: false }, ['pool']),
    ],
    input_layers: [['in', 0, 0]],
    output_layers: [['bn', 0, 0]],
  },
});

describe('Keras configs open with Keras parameter totals', () => {
  it('Keras 1 Sequential: BatchNormalization(mode=0) on [T, 8] has 4·8 params, 2·8 of them non-trainable', () => {
    const { ir, summary } = open(keras1());
    const bn = ir.layers.find((l) => l.kind === 'BatchNormalization')!;
    expect(bn.params).toMatchObject({ epsilon: 0.001, momentum: 0.99, axis: -1 });
    expect(bn.outputShape.dims).toEqual([T, C]);
    expect(summary.totalParams).toBe(4 * C);
    expect(summary.trainableParams).toBe(2 * C);
  });

  it('tf.keras 2: axis [2] is the features axis of [batch, T, 8]; BN then LN total 4·8 + 2·8', () => {
    const { ir, summary } = open(tfKeras());
    expect(ir.layers.map((l) => l.kind)).toEqual(['Input', 'BatchNormalization', 'LayerNormalization']);
    expect(ir.layers[1].params).toMatchObject({ epsilon: 1e-5, momentum: 0.9, axis: 2 });
    expect(ir.layers[2].params).toMatchObject({ epsilon: 0.001, axis: 2 });
    expect(summary.totalParams).toBe(4 * C + 2 * C);
    expect(summary.trainableParams).toBe(2 * C + 2 * C);
  });

  it('Keras 3: LN axis [-1] on a sequence, BN on a pooled vector [batch, 8]', () => {
    const { ir, summary } = open(keras3());
    expect(ir.layers.find((l) => l.kind === 'BatchNormalization')!.outputShape.dims).toEqual([C]);
    expect(summary.totalParams).toBe(2 * C + 4 * C);
    expect(summary.trainableParams).toBe(2 * C + 2 * C);
  });

  it('a BatchNormalizationV1 class (TF 1.13) reads as BatchNormalization', () => {
    const m = tfKeras();
    (m.config.layers[1] as { class_name: string }).class_name = 'BatchNormalizationV1';
    expect(open(m).ir.layers[1].kind).toBe('BatchNormalization');
  });
});

describe('what cannot be reproduced is refused in one line', () => {
  it.each([
    ['Keras 1 mode 2', keras1({ mode: 2 }), /Layer bn \(BatchNormalization\) has mode=2.*mode 0/],
    ['scale=False', (() => { const m = tfKeras(); Object.assign((m.config.layers[1] as { config: object }).config, { scale: false }); return m; })(), /Layer bn \(BatchNormalization\) has scale=false/],
    ['LN rms_scaling', keras3({ rms_scaling: true }), /Layer ln \(LayerNormalization\) has rms_scaling=true/],
    ['LN over two axes', keras3({ axis: [1, 2] }), /Layer ln \(LayerNormalization\) normalises over axes \[1,2\]/],
  ])('%s', (_name, model, message) => {
    const e = refusal(model);
    expect(e).toMatch(message);
    expect(e).not.toContain('\n');
  });

  it('a BN over the time axis (axis [1] of [batch, T, 8]) is a shape error that names both axes', () => {
    const r = importModelJson(tfKeras([1]));
    if (!r.ok) throw new Error(r.error);
    const d = compile(r.model.doc).diagnostics;
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ code: 'E_SHAPE_MISMATCH', message: 'BatchNormalization normalises axis 1, but the features axis of [batch, 10, 8] is 2.' });
  });
});
