/**
 * Encoder–decoder models as Keras serialises them (keras-vocabulary.md §2.19): an LSTM with return_state whose h and
 * c (tensor indices 1 and 2) start a decoder LSTM, in the Keras 2 / TF.js form (states listed after the input) and the
 * Keras 3 form (`kwargs.initial_state`). They import as port-to-port edges and compile to Keras's parameter total.
 */
import { describe, expect, it } from 'vitest';
import { importModelJson } from '../../src/codegen/import-keras.ts';
import { compile } from '../../src/compiler/index.ts';

const lstm = (name: string, more: Record<string, unknown>) => ({
  name, units: 8, activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true, unit_forget_bias: true, return_sequences: false, ...more,
});
const input = (name: string, features: number) => ({ name, class_name: 'InputLayer', config: { batch_input_shape: [null, null, features], dtype: 'float32', name }, inbound_nodes: [] });
const k2 = (name: string, node: number, tensor: number) => [name, node, tensor, {}];
const k3 = (name: string, tensor: number) => ({ class_name: '__keras_tensor__', config: { shape: [null, 8], dtype: 'float32', keras_history: [name, 0, tensor] } });

/** Keras's count for LSTM(8) on D features: 4·(8·(D + 8) + 8); Dense(8 → 2): 18. */
const KERAS_TOTAL = 4 * (8 * (3 + 8) + 8) + 4 * (8 * (2 + 8) + 8) + 18;

function keras2(decoder = 'LSTM', decInbound = [k2('dec_in', 0, 0), k2('enc', 0, 1), k2('enc', 0, 2)]) {
  return {
    class_name: 'Model', keras_version: '2.4.0',
    config: {
      name: 's2s',
      layers: [
        input('enc_in', 3), input('dec_in', 2),
        { name: 'enc', class_name: 'LSTM', config: lstm('enc', { return_state: true }), inbound_nodes: [[k2('enc_in', 0, 0)]] },
        { name: 'dec', class_name: decoder, config: lstm('dec', { return_sequences: true }), inbound_nodes: [decInbound] },
        { name: 'out', class_name: 'Dense', config: { name: 'out', units: 2, activation: 'softmax' }, inbound_nodes: [[k2('dec', 0, 0)]] },
      ],
      input_layers: [['enc_in', 0, 0], ['dec_in', 0, 0]], output_layers: [['out', 0, 0]],
    },
  };
}

function keras3() {
  const m = keras2();
  const call = (args: unknown[], kwargs = {}) => [{ args, kwargs }];
  const [a, b, enc, dec, out] = m.config.layers;
  return {
    module: 'keras', class_name: 'Functional', keras_version: '3.6.0',
    config: {
      ...m.config,
      layers: [a, b, { ...enc, inbound_nodes: call([k3('enc_in', 0)]) }, { ...dec, inbound_nodes: call([k3('dec_in', 0)], { initial_state: [k3('enc', 1), k3('enc', 2)] }) }, { ...out, inbound_nodes: call([k3('dec', 0)]) }],
    },
  };
}

describe.each([['Keras 2', keras2()], ['Keras 3', keras3()]])('%s encoder–decoder', (_name, json) => {
  it("imports the encoder's h and c as edges into the decoder's initial states, with Keras's parameter total", () => {
    const r = importModelJson(json);
    if (!r.ok) throw new Error(r.error);
    const { doc, nodeOfLayer } = r.model;
    const [enc, dec] = ['enc', 'dec'].map((n) => nodeOfLayer.get(n)!);
    expect(doc.nodes.find((n) => n.id === enc)!.data.params.returnState).toBe(true);
    expect(doc.nodes.find((n) => n.id === dec)!.data.params.stateInputs).toBe(true);
    expect(doc.edges.filter((e) => e.target === dec).map((e) => [e.source, e.sourceHandle ?? null, e.targetHandle ?? null])).toEqual([
      [nodeOfLayer.get('dec_in'), null, null], [enc, 'h', 'initial_h'], [enc, 'c', 'initial_c'],
    ]);
    const c = compile(doc);
    expect(c.diagnostics).toEqual([]);
    expect(c.ir!.totalParams).toBe(KERAS_TOTAL);
  });
});

it('refuses two states into a GRU, and an output index the layer does not have, in one line each', () => {
  expect(importModelJson(keras2('GRU'))).toEqual({ ok: false, error: 'Layer dec (GRU) is given 2 initial states; a GRU carries h.' });
  expect(importModelJson(keras2('LSTM', [k2('dec_in', 0, 0), k2('enc', 0, 1), k2('enc', 0, 3)])))
    .toEqual({ ok: false, error: 'Layer dec takes output 3 of enc, which has 3 (output, h, c).' });
});
