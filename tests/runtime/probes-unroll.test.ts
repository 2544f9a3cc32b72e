/**
 * The unrolled strip of lesson step 1, against the equation it illustrates: with the layer's own weights read from
 * an identically seeded model, x_t is the Embedding row of the token, and h_t = tanh(x_t·W + h_{t−1}·H + b) at
 * real steps while a masked step carries h_{t−1} over — recomputed here in plain float64 JavaScript.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { beforeAll, expect, it } from 'vitest';
import { compile } from '../../src/compiler/index.ts';
import { collate, TASKS } from '../../src/datasets/index.ts';
import { parseDocument } from '../../src/graph/index.ts';
import { buildModel } from '../../src/runtime/build.ts';
import { unrollGraph } from '../../src/runtime/probes/race.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';

beforeAll(async () => {
  await initTfNode('wasm');
});

it('shows a probe example with padding in view: x_t = embedding row, h_t = tanh(W·x_t + H·h_{t−1} + b), masked steps carried over', async () => {
  const r = parseDocument(readFileSync(new URL('../../presets/lesson-rnn-masked.json', import.meta.url), 'utf8'));
  if (!r.ok) throw new Error(r.error);
  const doc = r.doc;
  const rnn = doc.nodes.find((n) => n.data.kind === 'SimpleRNN')!;
  const before = tf.memory().numTensors;
  const u = await unrollGraph(doc, { layerId: rnn.id, steps: 12, probeBatch: 16 });
  expect(tf.memory().numTensors).toBe(before);
  // The batch is padded to its longest example, so the window is at most that long.
  expect(u).toMatchObject({ kind: 'SimpleRNN', steps: Math.min(12, u.seqLen), weights: 'initial' });
  const H = u.units;
  const D = u.inputSize;

  // The example shown is the longest one that ends inside the window (the shortest when none does).
  const ir = compile(doc).ir!;
  const ds = TASKS[doc.training!.task!].make({ seed: doc.training!.seed, seqLen: doc.training!.seqLen });
  const idx = Array.from({ length: 16 }, (_, i) => ds.trainSize + i);
  const ids = collate(ds, idx).x as Int32Array;
  const T = u.seqLen;
  const lengths = idx.map((_, b) => Array.from(ids.subarray(b * T, (b + 1) * T)).filter((v) => v !== 0).length);
  const fits = lengths.filter((n) => n < u.steps);
  expect(u.length).toBe(fits.length ? Math.max(...fits) : Math.min(...lengths));
  expect(u.example).toBe(lengths.indexOf(u.length));
  expect(u.length).toBeGreaterThan(1);
  const tokens = Array.from(ids.subarray(u.example * T, u.example * T + u.steps));
  expect(Array.from(u.mask!)).toEqual(tokens.map((v) => (v !== 0 ? 1 : 0)));
  expect(u.mask!.includes(0)).toBe(true); // the window shows padding

  // The same seeded weights, read from a second build of the model.
  const model = buildModel(ir);
  const emb = model.layers.find((l) => l.getClassName() === 'Embedding')!.getWeights()[0].arraySync() as number[][];
  const [W, Hm, b] = model.getLayer(ir.layers.find((l) => l.id === rnn.id)!.name).getWeights().map((w) => w.arraySync()) as [number[][], number[][], number[]];
  model.dispose();
  let h = new Array<number>(H).fill(0);
  let worst = 0;
  for (let t = 0; t < u.steps; t++) {
    for (let d = 0; d < D; d++) worst = Math.max(worst, Math.abs(u.x[t * D + d] - emb[tokens[t]][d]));
    if (u.mask![t] === 1) {
      // s_t = tanh(x_t·W + h_{t−1}·H + b)
      h = h.map((_, j) => Math.tanh(emb[tokens[t]].reduce((s, x, d) => s + x * W[d][j], 0) + h.reduce((s, x, k) => s + x * Hm[k][j], 0) + b[j]));
    }
    for (let j = 0; j < H; j++) worst = Math.max(worst, Math.abs(u.h[t * H + j] - h[j]));
  }
  expect(worst).toBeLessThan(1e-5);
});
