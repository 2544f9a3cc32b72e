/**
 * On wasm, Conv1D (a conv2d of height 1) and MaxPooling1D run RNN Studio's SIMD kernels (src/runtime/simd:
 * convForward, convFilterGrad, convInputGrad, maxPoolGrad; tfjs 4.22's wasm backend has no Conv2DBackpropFilter and
 * slow Conv2DBackpropInput and MaxPoolGrad kernels). Forward and gradients equal PyTorch's in float64 on valid, same
 * and causal padding, strides, dilation and tied pooling windows (conv-reference.ts), and the cpu backend's own
 * kernels (tfjs-backend-cpu) on 1-D and 2-D convolutions; dilated gradients equal central differences.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { simdReady } from '../../src/runtime/simd/kernels.ts';
import { rng } from '../export/helpers.ts';
import { describeAgainstTorch } from './conv-reference.ts';

beforeAll(async () => {
  await initTfNode('wasm');
});

it('the SIMD module runs', () => expect(simdReady()).toBe(true));
describeAgainstTorch('Conv1D and MaxPooling1D on the SIMD kernels against PyTorch float64');

const CASES: [string, number, number, 'valid' | 'same', number, number][] = [
  // [name, kernel, stride, padding, T, channels]
  ['k3 valid', 3, 1, 'valid', 9, 4],
  ['k4 same stride 2', 4, 2, 'same', 11, 3],
  ['k5 same', 5, 1, 'same', 7, 6],
];

/** d/dW and d/dx of Σ conv1d(x, W) · R, with seeded x, W and R, on the given backend. */
async function kernelGrad(backend: string, k: number, s: number, pad: 'valid' | 'same', T: number, C: number): Promise<[number[], number[]]> {
  await tf.setBackend(backend);
  const next = rng(11);
  const u = (shape: number[]) => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 2 * next() - 1), shape);
  const x = u([2, T, C]) as tf.Tensor3D;
  const w = u([k, C, 5]) as tf.Tensor3D;
  const outT = pad === 'same' ? Math.ceil(T / s) : Math.ceil((T - k + 1) / s);
  const r = u([2, outT, 5]);
  const g = tf.grads((ww: tf.Tensor, xx: tf.Tensor) => tf.sum(tf.mul(tf.conv1d(xx as tf.Tensor3D, ww as tf.Tensor3D, s, pad), r)))([w, x]);
  const out: [number[], number[]] = [Array.from(await g[0].data()), Array.from(await g[1].data())];
  tf.dispose([x, w, r, ...g]);
  return out;
}

describe.each(CASES)('%s', (_name, k, s, pad, T, C) => {
  it('wasm kernel and input gradients equal the cpu backend\'s (max |Δ| ≤ 1e-5)', async () => {
    const wasm = await kernelGrad('wasm', k, s, pad, T, C);
    const cpu = await kernelGrad('cpu', k, s, pad, T, C);
    await tf.setBackend('wasm');
    expect(wasm.map((g) => g.length)).toEqual([k * C * 5, 2 * T * C]);
    wasm.forEach((g, j) => {
      expect(Math.max(...cpu[j].map(Math.abs))).toBeGreaterThan(0.1);
      expect(Math.max(...g.map((v, i) => Math.abs(v - cpu[j][i])))).toBeLessThanOrEqual(1e-5);
    });
  });
});

/**
 * tfjs has no gradient for dilated convolutions; setup.ts registers one. f = Σ conv1d(x, W, dilation d) · R is linear
 * in W and in x, so the central difference (f(v + e) − f(v − e)) / 2 is its exact derivative (up to float32 rounding).
 */
describe.each([['valid', 2, 3], ['same', 3, 2]] as const)('dilated Conv1D (padding %s, dilation %i, kernel %i)', (pad, d, k) => {
  it.each(['wasm', 'cpu'])('gradients on %s equal central differences (max |Δ| ≤ 1e-4)', async (backend) => {
    await tf.setBackend(backend);
    const next = rng(3);
    const T = 9, C = 2, O = 3;
    const u = (shape: number[]) => Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 2 * next() - 1);
    const xs = u([1, T, C]), ws = u([k, C, O]);
    const outT = pad === 'same' ? T : T - (k - 1) * d;
    const r = tf.tensor(u([1, outT, O]), [1, outT, O]);
    const f = (x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.mul(tf.conv1d(x as tf.Tensor3D, w as tf.Tensor3D, 1, pad, 'NWC', d), r));
    const [gx, gw] = tf.grads(f)([tf.tensor(xs, [1, T, C]), tf.tensor(ws, [k, C, O])]);
    const central = (v: Float32Array, i: number, value: (a: Float32Array) => number) => {
      const plus = Float32Array.from(v), minus = Float32Array.from(v);
      plus[i] += 1;
      minus[i] -= 1;
      return (value(plus) - value(minus)) / 2;
    };
    const fx = (a: Float32Array) => f(tf.tensor(a, [1, T, C]), tf.tensor(ws, [k, C, O])).dataSync()[0];
    const fw = (a: Float32Array) => f(tf.tensor(xs, [1, T, C]), tf.tensor(a, [k, C, O])).dataSync()[0];
    const dw = Array.from(ws, (_, i) => central(ws, i, fw));
    const dx = Array.from(xs, (_, i) => central(xs, i, fx));
    expect(Math.max(...dw.map(Math.abs))).toBeGreaterThan(0.1);
    expect(Math.max(...Array.from(gw.dataSync(), (v, i) => Math.abs(v - dw[i])))).toBeLessThanOrEqual(1e-4);
    expect(Math.max(...Array.from(gx.dataSync(), (v, i) => Math.abs(v - dx[i])))).toBeLessThanOrEqual(1e-4);
    await tf.setBackend('wasm');
  });
});

/**
 * The kernels take every channels-last conv2d of the wasm backend, not only Conv1D's: 2-D windows with padding and
 * strides on both axes give the cpu backend's output and gradients.
 */
describe.each([['same', [2, 1]], ['valid', [1, 2]]] as const)('2-D conv2d (%s, strides %j)', (pad, strides) => {
  it('output and gradients equal the cpu backend\'s (max |Δ| ≤ 1e-5)', async () => {
    const on = async (backend: string) => {
      await tf.setBackend(backend);
      const next = rng(5);
      const u = (shape: number[]) => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 2 * next() - 1), shape);
      const x = u([2, 5, 6, 3]) as tf.Tensor4D, w = u([2, 3, 3, 4]) as tf.Tensor4D;
      const f = (xx: tf.Tensor, ww: tf.Tensor) => tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, strides as [number, number], pad);
      const y = f(x, w);
      const r = u(y.shape);
      const g = tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.mul(f(xx, ww), r)))([x, w]);
      const out = [y, ...g].map((t) => Array.from(t.dataSync()));
      tf.dispose([x, w, y, r, ...g]);
      return out;
    };
    const cpu = await on('cpu');
    const wasm = await on('wasm');
    wasm.forEach((v, j) => {
      expect(Math.max(...cpu[j].map(Math.abs))).toBeGreaterThan(0.1);
      expect(Math.max(...v.map((a, i) => Math.abs(a - cpu[j][i])))).toBeLessThanOrEqual(1e-5);
    });
  });
});
