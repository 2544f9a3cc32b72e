/** Keras 2 / Keras 3 `model.to_json()` → graph, and refusals that name the layer and the option. Pure: no tfjs. */
import { describe, expect, it } from 'vitest';
import { importModelJson } from '../../src/codegen/import-keras.ts';
import { compile, summarize } from '../../src/compiler/index.ts';

const glorot = { class_name: 'GlorotUniform', config: { seed: null } };
const orth = { class_name: 'Orthogonal', config: { gain: 1.0, seed: null } };
const zeros = { class_name: 'Zeros', config: {} };

/** The lesson's model as tf.keras 2.12 writes it (Sequential with an InputLayer). */
const keras2Lesson = {
  class_name: 'Sequential',
  config: {
    name: 'sequential',
    layers: [
      { class_name: 'InputLayer', config: { batch_input_shape: [null, null], dtype: 'int32', sparse: false, ragged: false, name: 'embedding_input' } },
      { class_name: 'Embedding', config: { name: 'embedding', trainable: true, dtype: 'float32', input_dim: 20000, output_dim: 64, embeddings_initializer: { class_name: 'RandomUniform', config: { minval: -0.05, maxval: 0.05, seed: null } }, embeddings_regularizer: null, activity_regularizer: null, embeddings_constraint: null, mask_zero: false, input_length: null } },
      { class_name: 'SimpleRNN', config: { name: 'simple_rnn', trainable: true, dtype: 'float32', return_sequences: false, return_state: false, go_backwards: false, stateful: false, unroll: false, time_major: false, units: 16, activation: 'tanh', use_bias: true, kernel_initializer: glorot, recurrent_initializer: orth, bias_initializer: zeros, dropout: 0.0, recurrent_dropout: 0.0 } },
      { class_name: 'Dense', config: { name: 'dense', trainable: true, dtype: 'float32', units: 4, activation: 'softmax', use_bias: true, kernel_initializer: glorot, bias_initializer: zeros } },
    ],
  },
  keras_version: '2.12.0',
  backend: 'tensorflow',
};

const k3 = (cls: string, config: Record<string, unknown>, from: string[], kwargs: Record<string, unknown> = {}) => ({
  module: 'keras.layers', class_name: cls, config, registered_name: null, name: config.name,
  inbound_nodes: from.length ? [{ args: from.length === 1 ? [tensor(from[0])] : [from.map(tensor)], kwargs }] : [],
});
const tensor = (name: string) => ({ class_name: '__keras_tensor__', config: { shape: [null, null, 16], dtype: 'float32', keras_history: [name, 0, 0] } });
const k3init = (cls: string) => ({ module: 'keras.initializers', class_name: cls, config: { seed: null }, registered_name: null });
const lstm3 = (name: string, extra: Record<string, unknown> = {}) => ({
  name, trainable: true, return_sequences: true, return_state: false, go_backwards: false, stateful: false, unroll: false, zero_output_for_mask: true,
  units: 32, activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true, kernel_initializer: k3init('GlorotUniform'),
  recurrent_initializer: k3init('Orthogonal'), bias_initializer: k3init('Zeros'), unit_forget_bias: true, dropout: 0.0, recurrent_dropout: 0.0, seed: null, ...extra,
});

/** A Keras 3 functional model: Embedding(mask) → Bidirectional(LSTM) → GRU(reset_after=False) → Dense. */
function keras3Model(gruExtra: Record<string, unknown> = {}, lstmExtra: Record<string, unknown> = {}) {
  return {
    module: 'keras', class_name: 'Functional', registered_name: 'Functional',
    config: {
      name: 'functional', trainable: true,
      layers: [
        k3('InputLayer', { batch_shape: [null, 40], dtype: 'int32', sparse: false, name: 'ids' }, []),
        k3('Embedding', { name: 'embedding', input_dim: 1000, output_dim: 16, mask_zero: true, embeddings_initializer: k3init('RandomUniform') }, ['ids']),
        k3('Bidirectional', {
          name: 'bidirectional', merge_mode: 'concat',
          layer: { module: 'keras.layers', class_name: 'LSTM', config: lstm3('forward_lstm', lstmExtra), registered_name: null },
          backward_layer: { module: 'keras.layers', class_name: 'LSTM', config: lstm3('backward_lstm', { go_backwards: true, ...lstmExtra }), registered_name: null },
        }, ['embedding'], { mask: { class_name: '__keras_tensor__', config: { shape: [null, 40], dtype: 'bool', keras_history: ['embedding', 0, 1] } } }),
        k3('GRU', { ...lstm3('gru'), unit_forget_bias: undefined, units: 8, return_sequences: false, reset_after: false, ...gruExtra }, ['bidirectional']),
        k3('Dense', { name: 'dense', units: 3, activation: 'softmax', use_bias: true, kernel_initializer: k3init('GlorotUniform') }, ['gru']),
      ],
      input_layers: [['ids', 0, 0]],
      output_layers: [['dense', 0, 0]],
    },
  };
}

describe('Keras model JSON import', () => {
  it('reads the lesson model from Keras 2 and gets Keras\'s 1,281,364 parameters', () => {
    const r = importModelJson(JSON.stringify(keras2Lesson));
    if (!r.ok) throw new Error(r.error);
    expect(r.model.format).toBe('keras2');
    expect(r.model.doc.nodes.map((n) => [n.data.kind, n.data.name])).toEqual([
      ['Input', 'embedding_input'], ['Embedding', 'embedding'], ['SimpleRNN', 'simple_rnn'], ['Dense', 'dense'],
    ]);
    expect(r.model.doc.nodes[0].data.params).toEqual({ inputType: 'tokens', vocabSize: 20000, length: 0 });
    const c = compile(r.model.doc);
    expect(c.ok).toBe(true);
    expect(summarize(c.ir!).totalParams).toBe(1_281_364);
  });

  it('reads a Keras 3 functional model with a Bidirectional wrapper and a reset-before GRU', () => {
    const r = importModelJson(keras3Model());
    if (!r.ok) throw new Error(r.error);
    expect(r.model.format).toBe('keras3');
    const byName = Object.fromEntries(r.model.doc.nodes.map((n) => [n.data.name, n]));
    expect(byName.forward_lstm.parentId).toBe(byName.bidirectional.id);
    expect(byName.forward_lstm.data.params).toMatchObject({ units: 32, recurrentActivation: 'sigmoid', unitForgetBias: true, returnSequences: true });
    expect(byName.gru.data.params).toMatchObject({ units: 8, returnSequences: false });
    expect(byName.ids.data.params).toEqual({ inputType: 'tokens', vocabSize: 1000, length: 40 });
    expect(r.model.doc.edges.map((e) => [e.source, e.target])).toEqual([
      [byName.ids.id, byName.embedding.id], [byName.embedding.id, byName.bidirectional.id], [byName.bidirectional.id, byName.gru.id], [byName.gru.id, byName.dense.id],
    ]);
    expect(r.model.warnings.join('\n')).toMatch(/forward_lstm: Keras zero-fills the padded steps/);
    const c = compile(r.model.doc);
    expect(c.ok).toBe(true);
    // Embedding 16,000 + Bi-LSTM 2·4·(32·(16+32)+32) = 12,544 + GRU 3·(8·(64+8)+8) = 1,752 + Dense 27
    expect(c.ir!.totalParams).toBe(16_000 + 12_544 + 1_752 + 27);
  });

  it('imports a reset_after=True GRU (the Keras default) with Keras\'s param count: 3·(H·(D+H) + 2H)', () => {
    // Written by hand as tf.keras 2.15 writes Embedding(1000, 64) → GRU(32) → Dense(4): GRU params 9,408 (rnn-math.md §6).
    const m = structuredClone(keras2Lesson);
    m.config.layers[1].config.input_dim = 1000;
    m.config.layers[2] = {
      class_name: 'GRU', config: {
        name: 'gru', trainable: true, dtype: 'float32', return_sequences: false, return_state: false, go_backwards: false, stateful: false, unroll: false, time_major: false,
        units: 32, activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true, kernel_initializer: glorot, recurrent_initializer: orth, bias_initializer: zeros,
        kernel_regularizer: null, recurrent_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, recurrent_constraint: null,
        bias_constraint: null, dropout: 0.0, recurrent_dropout: 0.0, implementation: 2, reset_after: true,
      },
    } as never;
    const r = importModelJson(JSON.stringify(m));
    if (!r.ok) throw new Error(r.error);
    expect(r.model.doc.nodes[2].data.params).toMatchObject({ units: 32, resetAfter: true });
    const c = compile(r.model.doc);
    expect(c.ok).toBe(true);
    expect(c.ir!.layers.find((l) => l.kind === 'GRU')!.paramCount).toBe(9_408);
    expect(summarize(c.ir!).totalParams).toBe(64_000 + 9_408 + 132);
    // The Keras 3 functional model with its GRU switched to reset-after: 3·(8·(64+8) + 16) = 1,776 instead of 1,752.
    const k3r = importModelJson(keras3Model({ reset_after: true }));
    if (!k3r.ok) throw new Error(k3r.error);
    expect(compile(k3r.model.doc).ir!.totalParams).toBe(16_000 + 12_544 + 1_776 + 27);
  });

  it('opens a stateful layer with the same weights and Keras\'s total, warning that states are not carried between batches', () => {
    const plain = importModelJson(keras3Model({}));
    const r = importModelJson(keras3Model({ stateful: true }));
    if (!r.ok || !plain.ok) throw new Error('did not open');
    expect(r.model.warnings.join('\n')).toMatch(/^Layer gru is stateful in Keras .*starts every batch from zero states/m);
    expect(plain.model.warnings.join('\n')).not.toMatch(/stateful/);
    // Embedding 16,000 + Bi-LSTM 12,544 + GRU 3·(8·(64+8)+8) = 1,752 + Dense 27, as without stateful.
    expect(compile(r.model.doc).ir!.totalParams).toBe(16_000 + 12_544 + 1_752 + 27);
  });

  it.each([
    ['GRU reset_after="yes"', keras3Model({ reset_after: 'yes' }), /Layer gru \(GRU\) has reset_after="yes"/],
    ['stateful="yes"', keras3Model({ stateful: 'yes' }), /Layer gru \(GRU\) has stateful="yes"/],
    ['an activation', keras3Model({ activation: 'selu' }), /Layer gru \(GRU\) has activation="selu"/],
  ])('refuses %s, naming the layer and the option', (_what, model, message) => {
    const r = importModelJson(model);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });

  it('refuses unsupported layers by name and class', () => {
    const m = structuredClone(keras2Lesson);
    m.config.layers.splice(2, 0, { class_name: 'Conv2D', config: { name: 'conv2d', filters: 8 } } as never);
    const r = importModelJson(m);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/^Layer conv2d is a Conv2D, which RNN Studio cannot open: it is an image \(2-D\) or volume \(3-D\) layer/);
    // Bridging it leaves the lesson model, so its removal is offered, and opens the model as it was without it.
    expect(!r.ok && r.remedy).toEqual({ kind: 'drop', layers: ['conv2d'] });
    const without = importModelJson(m, { dropUnsupported: true });
    const plain = importModelJson(keras2Lesson);
    expect(without.ok && plain.ok).toBe(true);
    if (without.ok && plain.ok) {
      expect(without.model.doc.nodes.map((n) => n.data.kind)).toEqual(plain.model.doc.nodes.map((n) => n.data.kind));
      expect(without.model.warnings[0]).toMatch(/^Removed conv2d \(Conv2D\): \S+ now feeds /);
    }
  });

  it('refuses what is not a model, and never evaluates anything', () => {
    for (const bad of ['{', '[]', '{"format":"graph-model","modelTopology":{"node":[]}}', '{"class_name":"Lambda","config":{"function":"__import__(\'os\')"}}']) {
      const r = importModelJson(bad);
      expect(r.ok).toBe(false);
    }
  });
});
