/**
 * tfjs-layers' executor applies a layer once per consumed output; `oncePerPass` (src/runtime/once-per-pass.ts) makes
 * the spelling-to-sound preset's encoder LSTM (sequence, h and c all used) run once per training step, with the same
 * training as the stock engine, and separate predictions stay separate tensors.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { compile } from '../../src/compiler/index.ts';
import { parseDocument } from '../../src/graph/index.ts';
import { buildModel, type Engine } from '../../src/runtime/build.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';

beforeAll(async () => {
  await initTfNode('wasm');
});

const ir = () => {
  const r = parseDocument(readFileSync(new URL('../../presets/g2p-attention.json', import.meta.url), 'utf8'));
  if (!r.ok) throw new Error(r.error);
  const c = compile(r.doc);
  if (!c.ok) throw new Error(c.diagnostics.map((d) => d.code).join(', '));
  return c.ir!;
};
const model = (engine: Engine) => {
  const m = buildModel(ir(), { engine });
  m.compile({ optimizer: tf.train.adam(1e-2), loss: 'sparseCategoricalCrossentropy' });
  return m;
};
const ids = (shape: [number, number], vocab: number, seed: number) =>
  tf.tensor2d(Array.from({ length: shape[0] * shape[1] }, (_, i) => 1 + ((i * 7 + seed * 13) % (vocab - 1))), shape, 'int32');

it('the encoder (sequence, h, c used) runs once per training step; losses equal the stock engine\'s over 3 steps', async () => {
  const ours = model('simd');
  const stock = model('stock');
  stock.setWeights(ours.getWeights());
  const x = [ids([4, 7], 28, 1), ids([4, 5], 72, 2)];
  const y = tf.tensor3d(Array.from({ length: 20 }, (_, i) => (i * 5) % 72), [4, 5, 1]);
  // 2 BiLSTM directions + encoder + decoder: one kernel each (without oncePerPass the encoder ran 3 times: 6).
  const forwards = (await tf.profile(() => ours.trainOnBatch(x, y))).kernels.filter((k) => k.name === 'RnnSimdForward').length;
  expect(forwards).toBe(4);
  const first = await stock.trainOnBatch(x, y) as number;
  const losses = [[first], []] as number[][];
  for (let i = 0; i < 2; i++) {
    losses[0].push(await stock.trainOnBatch(x, y) as number);
    losses[1].push(await ours.trainOnBatch(x, y) as number);
  }
  expect(losses[1][1]).toBeLessThan(first);
  losses[1].forEach((l, i) => expect(Math.abs(l - losses[0][i + 1])).toBeLessThan(1e-5));
});

it('two predictions of the same input are separate tensors', () => {
  const m = model('simd');
  const x = [ids([2, 6], 28, 3), ids([2, 4], 72, 4)];
  const a = m.predict(x) as tf.Tensor;
  const b = m.predict(x) as tf.Tensor;
  expect(a).not.toBe(b);
  const want = a.arraySync();
  a.dispose();
  expect(b.arraySync()).toEqual(want);
});
