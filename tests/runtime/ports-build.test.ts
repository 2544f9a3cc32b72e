/**
 * The runtime build of a graph with ports and two Inputs: an LSTM encoder's final h and c start an LSTM decoder
 * (tfjs `initialState`). Checked against an LSTM written out here in float64 from its equations with the model's own
 * weights, and by one training step whose gradient reaches the encoder only through the states.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { compile } from '../../src/compiler/index.ts';
import type { GraphDoc } from '../../src/graph/index.ts';
import { buildModel } from '../../src/runtime/build.ts';
import { edge, node } from '../fixtures/graphs.ts';
import { initCpu } from '../fixtures/tf-check.ts';

beforeAll(async () => {
  await initCpu();
});

const H = 4;
const doc: GraphDoc = {
  nodes: [
    node('a', 'Input', { inputType: 'features', features: 3, length: 5 }),
    node('b', 'Input', { inputType: 'features', features: 2, length: 4 }),
    node('enc', 'LSTM', { units: H, returnState: true, recurrentInitializer: 'glorotUniform' }),
    node('dec', 'LSTM', { units: H, stateInputs: true, returnSequences: true, recurrentInitializer: 'glorotUniform' }),
    node('out', 'Dense', { units: 2, activation: 'softmax' }),
  ],
  edges: [
    edge('a', 'enc'), edge('b', 'dec'), edge('dec', 'out'),
    { id: 'h', source: 'enc', target: 'dec', sourceHandle: 'h', targetHandle: 'initial_h' },
    { id: 'c', source: 'enc', target: 'dec', sourceHandle: 'c', targetHandle: 'initial_c' },
  ],
};

type M = number[][];
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
/** x·W for a row x and W [in, out]. */
const dot = (x: number[], W: M) => W[0].map((_, j) => x.reduce((s, xi, i) => s + xi * W[i][j], 0));

/** i, f, c̃, o = blocks of x·K + h·R + b;  c = f⊙c + i⊙tanh(c̃);  h = o⊙tanh(c). Returns every h and the final (h, c). */
function lstm(xs: number[][], [K, R, b]: [M, M, number[]], h0: number[], c0: number[]) {
  let h = h0, c = c0;
  const hs: number[][] = [];
  for (const x of xs) {
    const xk = dot(x, K), hr = dot(h, R);
    const z = xk.map((v, j) => v + hr[j] + b[j]);
    const gate = (k: number, f: (v: number) => number) => z.slice(k * H, (k + 1) * H).map(f);
    const [i, f, g, o] = [gate(0, sigmoid), gate(1, sigmoid), gate(2, Math.tanh), gate(3, sigmoid)];
    c = c.map((cj, j) => f[j] * cj + i[j] * g[j]);
    h = c.map((cj, j) => o[j] * Math.tanh(cj));
    hs.push(h);
  }
  return { hs, h, c };
}

const weights = (model: tf.LayersModel, name: string) => model.getLayer(name).getWeights().map((w) => w.arraySync()) as [M, M, number[]];

it('the decoder starts from the encoder\'s final h and c: equal to a float64 LSTM within 1e-5', () => {
  const r = compile(doc);
  expect(r.diagnostics).toEqual([]);
  const model = buildModel(r.ir!);
  expect(model.inputs.map((t) => t.shape)).toEqual([[null, 5, 3], [null, 4, 2]]);
  const x1 = tf.randomUniform([2, 5, 3], -1, 1, 'float32', 1);
  const x2 = tf.randomUniform([2, 4, 2], -1, 1, 'float32', 2);
  const y = (model.predict([x1, x2]) as tf.Tensor).arraySync() as number[][][];
  const [xa, xb] = [x1.arraySync() as number[][][], x2.arraySync() as number[][][]];
  const [W, bias] = model.getLayer('dense').getWeights().map((w) => w.arraySync()) as [M, number[]];
  let worst = 0;
  for (let n = 0; n < 2; n++) {
    const zeros = new Array(H).fill(0);
    const enc = lstm(xa[n], weights(model, 'lstm'), zeros, zeros);
    const dec = lstm(xb[n], weights(model, 'lstm_1'), enc.h, enc.c);
    dec.hs.forEach((h, t) => {
      const z = dot(h, W).map((v, j) => v + bias[j]);
      const e = z.map((v) => Math.exp(v - Math.max(...z)));
      e.forEach((v, j) => (worst = Math.max(worst, Math.abs(v / e.reduce((s, u) => s + u, 0) - y[n][t][j]))));
    });
  }
  expect(worst).toBeLessThan(1e-5);
  tf.dispose([x1, x2]);
  model.dispose();
});

it('one training step moves the encoder, whose only path to the loss is its states', async () => {
  const model = buildModel(compile(doc).ir!);
  model.compile({ optimizer: tf.train.sgd(0.5), loss: 'sparseCategoricalCrossentropy' });
  const before = weights(model, 'lstm')[0];
  const x = [tf.randomUniform([8, 5, 3], -1, 1, 'float32', 3), tf.randomUniform([8, 4, 2], -1, 1, 'float32', 4)];
  const y = tf.tensor3d(Array.from({ length: 32 }, (_, i) => i % 2), [8, 4, 1]);
  await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
  const after = weights(model, 'lstm')[0];
  const moved = Math.max(...before.flatMap((row, i) => row.map((v, j) => Math.abs(v - after[i][j]))));
  expect(moved).toBeGreaterThan(1e-4);
  tf.dispose([...x, y]);
  model.dispose();
});
