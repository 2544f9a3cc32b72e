/**
 * `hard_sigmoid` names two functions: clip(0.2x + 0.5, 0, 1) in Keras 1/2 and TF.js, clip(x/6 + 0.5, 0, 1) in Keras 3
 * (keras/src/activations/activations.py: 0 at x ≤ −3, 1 at x ≥ 3, x/6 + 0.5 between). A recurrent layer's
 * recurrent_activation is read by the file's Keras version; an LSTM with each runs through `rnn-studio predict`
 * against a float64 numpy LSTM, and the PyTorch and TF.js exports against predict, within 1e-5. So do LSTMs with
 * relu, tanh and linear gates, which Keras accepts and real files carry. Keras 1/2's hard_sigmoid is also read as an
 * LSTM's activation φ (a real file uses it; its numerics: recurrent-activations.test.ts).
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

const lstmConfig = (kerasVersion: string) => ({
  class_name: 'Sequential', keras_version: kerasVersion, ...(kerasVersion.startsWith('3') ? { module: 'keras' } : {}),
  config: {
    name: 's',
    layers: [
      { class_name: 'InputLayer', config: { batch_shape: [null, 5, 3], batch_input_shape: [null, 5, 3], dtype: 'float32', name: 'in' } },
      { class_name: 'LSTM', config: { name: 'lstm', units: 4, activation: 'tanh', recurrent_activation: 'hard_sigmoid', use_bias: true, return_sequences: false } },
    ],
  },
});

describe('hard_sigmoid by Keras version', () => {
  it('reads as clip(0.2x + 0.5) from a tf.keras 2 file and clip(x/6 + 0.5) from a Keras 3 file', () => {
    for (const [version, expected] of [['2.15.0', 'hardSigmoid'], ['3.6.0', 'hardSigmoidKeras3']]) {
      const r = importModelJson(lstmConfig(version));
      if (!r.ok) throw new Error(r.error);
      const ir = compile(r.model.doc).ir!;
      expect(ir.layers[1].params.recurrentActivation, version).toBe(expected);
      expect(ir.totalParams).toBe(4 * 4 * (3 + 4 + 1));
    }
  });

  it("reads a Keras 2 LSTM's activation hard_sigmoid (φ) as clip(0.2x + 0.5); a Keras 3 one is refused by name", () => {
    const k2 = lstmConfig('2.0.6');
    Object.assign(k2.config.layers[1].config, { activation: 'hard_sigmoid', recurrent_activation: 'sigmoid' });
    const r = importModelJson(k2);
    if (!r.ok) throw new Error(r.error);
    expect(compile(r.model.doc).ir!.layers[1].params).toMatchObject({ activation: 'hardSigmoid', recurrentActivation: 'sigmoid' });
    const k3 = lstmConfig('3.6.0');
    Object.assign(k3.config.layers[1].config, { activation: 'hard_sigmoid' });
    const r3 = importModelJson(k3);
    expect(r3.ok).toBe(false);
    if (!r3.ok) expect(r3.error).toBe('Layer lstm (LSTM) has activation="hard_sigmoid"; supported: tanh, relu, sigmoid, linear, elu.');
  });

  it.each([
    ['hardSigmoid', 'np.clip(0.2 * v + 0.5, 0, 1)'],
    ['hardSigmoidKeras3', 'np.clip(v / 6 + 0.5, 0, 1)'],
    // Keras takes any activation for the gates; real files carry relu (Deeplearning4j's Keras import tests).
    ['relu', 'np.maximum(v, 0)'],
    ['tanh', 'np.tanh(v)'],
    ['linear', 'v'],
  ])('an LSTM with %s gates reproduces numpy, and its exports reproduce predict', async (act, formula) => {
    const doc = graphOf([
      ['in', 'Input', { inputType: 'features', features: 3, length: 0 }, []],
      ['lstm', 'LSTM', { units: 4, recurrentActivation: act, returnSequences: true }, ['in']],
    ]);
    // Inputs up to ±4 drive the gate pre-activations past both clip ranges (±2.5 and ±3).
    const x = inputOf([2, 6, 3], 31);
    x.data = x.data.map((v) => v * 4);
    const { app, diffs } = await parity(`hard-sigmoid-${act}`, doc, x, `
hs = lambda v: ${formula}
k, r, b = w["lstm/kernel"], w["lstm/recurrent_kernel"], w["lstm/bias"]
h = c = np.zeros((2, 4))
ys = []
for t in range(x.shape[1]):
    z = x[:, t] @ k + h @ r + b
    i, f, g, o = hs(z[:, :4]), hs(z[:, 4:8]), np.tanh(z[:, 8:12]), hs(z[:, 12:])
    c = f * c + i * g
    h = o * np.tanh(c)
    ys.append(h)
y = np.stack(ys, 1)`);
    expect(app.shape).toEqual([2, 6, 4]);
    expect(diffs).toEqual({ pytorch: expect.any(Number), tfjs: expect.any(Number), reference: expect.any(Number) });
    for (const [k, d] of Object.entries(diffs)) expect(d, k).toBeLessThanOrEqual(1e-5);
  });
});
