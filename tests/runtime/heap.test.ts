/**
 * Checked memory on wasm (src/runtime/heap.ts). With the heap filled to its last megabyte, a forward pass, a
 * training step and an optimizer update of the SIMD kernels each end in a HeapError that names the tensor, and
 * nothing is written: a canary tensor, the weights and the optimizer's slots keep their values, no heap block is
 * left behind, and once memory is free again the model predicts exactly as before. A tensor of 4 GiB or more
 * (which tfjs-wasm's malloc would wrap modulo 2³²) is refused before it is allocated, at the sizes of a CSV with
 * 800,000 columns. Its own file: the heap grows here to its 4 GiB maximum (address space: the filler blocks are never
 * written, so they take no memory).
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/index.ts';
import { chainDoc } from '../../src/graph/index.ts';
import { buildModel } from '../../src/runtime/build.ts';
import { engineInUse } from '../../src/runtime/fused/index.ts';
import { HeapError } from '../../src/runtime/heap.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { SimdAdam } from '../../src/runtime/simd/optimizers.ts';

interface Heap {
  wasm: { _malloc(bytes: number): number; _free(p: number): void; HEAPU8: Uint8Array };
  numDataIds(): number;
}
let heap: Heap;

beforeAll(async () => {
  await initTfNode('wasm');
  heap = tf.backend() as unknown as Heap;
});

const MB = 2 ** 20;
const filler: number[] = [];
/** Takes every block of 1 MB or more that malloc can still give (the heap grows to its maximum first). */
function fillHeap() {
  for (let chunk = 2 ** 30; chunk >= MB; ) {
    const p = heap.wasm._malloc(chunk) >>> 0;
    if (p) filler.push(p);
    else chunk /= 2;
  }
  const probe = heap.wasm._malloc(MB);
  expect(probe, 'the heap still has a free megabyte').toBe(0);
}
function freeHeap() {
  for (const p of filler.splice(0)) heap.wasm._free(p);
}
afterEach(freeHeap);

const lstm = (features: number, units: number) => {
  const model = buildModel(compile(chainDoc([
    ['Input', { inputType: 'features', features, length: 0 }],
    ['LSTM', { units }],
    ['Dense', { units: 1, activation: 'linear' }],
  ])).ir!);
  expect(engineInUse(model)).toBe('simd');
  return model;
};
const values = (ts: tf.Tensor[]) => ts.map((t) => Array.from(t.dataSync()));
/** How many numbers differ between two lists of tensors' values (toEqual on 10⁶ numbers takes seconds). */
const differing = (a: number[][], b: number[][]) => a.reduce((n, v, i) => n + v.filter((x, k) => !Object.is(x, b[i][k])).length, 0);

describe('a full heap', () => {
  it('a forward pass and a training step throw a HeapError naming the tensor; the canary, the weights and the heap are unchanged', () => {
    const [B, T, D, H] = [16, 100, 3, 32];
    const model = lstm(D, H);
    const x = tf.randomNormal([B, T, D], 0, 1, 'float32', 1);
    const y = tf.zeros([B, 1]);
    const canary = tf.tensor1d([3.5, -1, 7, 42]);
    const before = model.predict(x) as tf.Tensor;
    const expected = { y: values([before]), weights: values(model.getWeights()) };
    const tensors = tf.memory().numTensors, blocks = heap.numDataIds();

    fillHeap();
    // The first block the LSTM cannot get is its kernel's save output [T, B, 7H] (1.4 MB).
    expect(() => model.predict(x)).toThrow(new HeapError(
      `Out of memory: a tensor of shape [${T}, ${B}, ${7 * H}] (1.4 MB) does not fit in the ${(heap.wasm.HEAPU8.length / 1e9).toFixed(1)} GB of wasm memory. ` +
        'Use a smaller batch, a shorter sequence (T) or fewer units or input features.'));
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    expect(() => tf.variableGrads(() => tf.losses.meanSquaredError(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, vars)).toThrow(HeapError);
    expect(values([canary])).toEqual([[3.5, -1, 7, 42]]);
    expect(values(model.getWeights())).toEqual(expected.weights);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(heap.numDataIds()).toBe(blocks);

    freeHeap();
    const again = model.predict(x) as tf.Tensor;
    expect(values([again])).toEqual(expected.y);
    expect(values([canary])).toEqual([[3.5, -1, 7, 42]]);
    tf.dispose([x, y, canary, before, again]);
    model.dispose();
  });

  it('a SIMD Adam update throws a HeapError; the variable and its slots keep their values', async () => {
    const opt = new SimdAdam(0.01, 0.9, 0.999, 1e-7);
    const w = tf.variable(tf.randomNormal([512, 1024], 0, 1, 'float32', 2)); // 2 MB: more than the heap has left
    const g = [{ name: w.name, tensor: tf.randomNormal(w.shape, 0, 1, 'float32', 3) }];
    opt.applyGradients(g); // creates the slots
    const state = async () => values([w, ...(await opt.getWeights()).slice(1).map((s) => s.tensor)]);
    const expected = await state();
    fillHeap();
    expect(() => opt.applyGradients(g)).toThrow(/^Out of memory: a tensor of shape \[512, 1024\] \(2\.1 MB\)/);
    const after = await state();
    expect(after.map((v) => v.length)).toEqual(expected.map((v) => v.length));
    expect(differing(after, expected)).toBe(0);
    tf.dispose([w, g[0].tensor]);
    opt.dispose();
  });
});

describe('a tensor of 4 GiB or more', () => {
  it('is refused before malloc sees its size, which would wrap modulo 2³²', () => {
    const blocks = heap.numDataIds();
    expect(() => tf.zeros([2 ** 30 + 1])).toThrow(
      new HeapError('A tensor of shape [1073741825] needs 4.3 GB, more than the 4.3 GB (2³² bytes) that wasm memory can address. Use a smaller batch, a shorter sequence (T) or fewer units or input features.'));
    expect(heap.numDataIds()).toBe(blocks);
  });

  it('a CSV of 800,000 columns on an LSTM(64): the kernel save output [T, B, 7H] is named, and the canary is unchanged', () => {
    const [B, T] = [9, 800_000];
    const model = lstm(1, 64);
    const canary = tf.tensor1d([3.5, -1, 7, 42]);
    const x = tf.ones([B, T, 1]);
    expect(() => model.predict(x)).toThrow(/^A tensor of shape \[800000, 9, 448\] needs 12\.9 GB, more than the 4\.3 GB/);
    expect(values([canary])).toEqual([[3.5, -1, 7, 42]]);
    tf.dispose([x, canary]);
    model.dispose();
  });
});
