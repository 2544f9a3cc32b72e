/**
 * Activations real Keras models give recurrent layers beyond tanh and sigmoid: Keras 1/2's hard_sigmoid,
 * clip(0.2x + 0.5, 0, 1), as an LSTM's φ (tests/fixtures/keras-real/rbj2000__keras-timeseries-prediction__model_lstm.json),
 * and elu (x above 0, eˣ − 1 below; alpha 1, the default of Keras 1, 2, 3 and TF.js) as φ and as an LSTM's gates
 * (amit8121__question-classifier__lstm_model.json). Each runs through `rnn-studio predict` against a float64 numpy
 * forward pass written from Keras's recurrent cells, and the PyTorch and TF.js exports against predict, within 1e-5.
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

const ELU = 'elu = lambda v: np.where(v > 0, v, np.expm1(np.minimum(v, 0)))';

describe('hard_sigmoid and elu in recurrent layers', () => {
  it('elu reads from a Keras config as φ and as the gates of an LSTM', () => {
    const r = importModelJson({
      class_name: 'Sequential', keras_version: '2.2.0', backend: 'tensorflow',
      config: [{ class_name: 'LSTM', config: { name: 'lstm', units: 4, activation: 'elu', recurrent_activation: 'elu', batch_input_shape: [null, 5, 3], dtype: 'float32', return_sequences: false, recurrent_initializer: { class_name: 'VarianceScaling', config: { scale: 2.0, mode: 'fan_in', distribution: 'uniform', seed: null } } } }],
    });
    if (!r.ok) throw new Error(r.error);
    expect(compile(r.model.doc).ir!.layers[1].params).toMatchObject({ activation: 'elu', recurrentActivation: 'elu', recurrentInitializer: 'orthogonal' });
    expect(r.model.warnings.join('\n')).toMatch(/Layer lstm: recurrent_initializer heUniform is not one RNN Studio offers for a recurrent kernel; using orthogonal/);
  });

  it.each([
    ['hardSigmoid', 'sigmoid', 'hs', 'sg'],
    ['elu', 'elu', 'elu', 'elu'],
  ])('an LSTM with %s as φ and %s gates reproduces numpy, and its exports reproduce predict', async (activation, recurrentActivation, phi, sigma) => {
    const doc = graphOf([
      ['in', 'Input', { inputType: 'features', features: 3, length: 0 }, []],
      ['lstm', 'LSTM', { units: 4, activation, recurrentActivation, returnSequences: true }, ['in']],
    ]);
    // Inputs up to ±4 drive the pre-activations past hard sigmoid's clip range (±2.5) and well below 0 for elu.
    const x = inputOf([2, 6, 3], 41);
    x.data = x.data.map((v) => v * 4);
    const { app, diffs } = await parity(`lstm-${activation}-${recurrentActivation}`, doc, x, `
${ELU}
hs = lambda v: np.clip(0.2 * v + 0.5, 0, 1)
sg = lambda v: 1 / (1 + np.exp(-v))
k, r, b = w["lstm/kernel"], w["lstm/recurrent_kernel"], w["lstm/bias"]
h = c = np.zeros((2, 4))
ys = []
for t in range(x.shape[1]):
    z = x[:, t] @ k + h @ r + b
    i, f, g, o = ${sigma}(z[:, :4]), ${sigma}(z[:, 4:8]), ${phi}(z[:, 8:12]), ${sigma}(z[:, 12:])
    c = f * c + i * g
    h = o * ${phi}(c)
    ys.append(h)
y = np.stack(ys, 1)`);
    expect(app.shape).toEqual([2, 6, 4]);
    expect(diffs).toEqual({ pytorch: expect.any(Number), tfjs: expect.any(Number), reference: expect.any(Number) });
    for (const [k, d] of Object.entries(diffs)) expect(d, k).toBeLessThanOrEqual(1e-5);
  });

  it('a SimpleRNN with elu as φ reproduces numpy, and its exports reproduce predict', async () => {
    const doc = graphOf([
      ['in', 'Input', { inputType: 'features', features: 3, length: 0 }, []],
      ['rnn', 'SimpleRNN', { units: 5, activation: 'elu', returnSequences: true }, ['in']],
    ]);
    const x = inputOf([2, 6, 3], 43);
    const { app, diffs } = await parity('elu-simple-rnn', doc, x, `
${ELU}
k, r, b = w["simple_rnn/kernel"], w["simple_rnn/recurrent_kernel"], w["simple_rnn/bias"]
h = np.zeros((2, 5))
ys = []
for t in range(x.shape[1]):
    h = elu(x[:, t] @ k + h @ r + b)
    ys.append(h)
y = np.stack(ys, 1)`);
    expect(app.shape).toEqual([2, 6, 5]);
    expect(diffs).toEqual({ pytorch: expect.any(Number), tfjs: expect.any(Number), reference: expect.any(Number) });
    for (const [k, d] of Object.entries(diffs)) expect(d, k).toBeLessThanOrEqual(1e-5);
  });
});
