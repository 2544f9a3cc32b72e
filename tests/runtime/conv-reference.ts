/**
 * Conv1D and MaxPooling1D forward and backward on the active backend against PyTorch in float64
 * (tests/runtime/conv_ref.py): valid, same and causal padding, strides with windows left over, dilation, overlapping
 * and tied pooling windows. Used by conv-grad-wasm.test.ts (RNN Studio's SIMD kernels) and
 * conv-grad-wasm-stock.test.ts (setup.ts's kernels, where the SIMD module does not run).
 */
import { execFileSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { rng } from '../export/helpers.ts';

type Pad = 'valid' | 'same' | 'causal';
export interface ConvCase { name: string; kind: 'conv'; k: number; stride: number; dilation: number; pad: Pad; T: number; C: number; O: number }
export interface PoolCase { name: string; kind: 'maxpool'; pool: number; stride: number; pad: 'valid' | 'same'; T: number; C: number; ties: boolean }

export const CONV_CASES: ConvCase[] = [
  { name: 'k3 valid', kind: 'conv', k: 3, stride: 1, dilation: 1, pad: 'valid', T: 9, C: 4, O: 5 },
  { name: 'k5 same', kind: 'conv', k: 5, stride: 1, dilation: 1, pad: 'same', T: 7, C: 6, O: 5 },
  { name: 'k4 same stride 2', kind: 'conv', k: 4, stride: 2, dilation: 1, pad: 'same', T: 11, C: 3, O: 5 },
  { name: 'k2 valid stride 3 (windows left over)', kind: 'conv', k: 2, stride: 3, dilation: 1, pad: 'valid', T: 11, C: 3, O: 4 },
  { name: 'k3 causal', kind: 'conv', k: 3, stride: 1, dilation: 1, pad: 'causal', T: 8, C: 5, O: 6 },
  { name: 'k3 causal dilation 2', kind: 'conv', k: 3, stride: 1, dilation: 2, pad: 'causal', T: 9, C: 2, O: 3 },
  { name: 'k3 same dilation 2', kind: 'conv', k: 3, stride: 1, dilation: 2, pad: 'same', T: 9, C: 3, O: 4 },
  { name: 'k5 valid, 64 channels (the bench row\'s shape)', kind: 'conv', k: 5, stride: 1, dilation: 1, pad: 'valid', T: 20, C: 64, O: 64 },
];

export const POOL_CASES: PoolCase[] = [
  { name: 'pool 2 valid, tied values', kind: 'maxpool', pool: 2, stride: 2, pad: 'valid', T: 9, C: 4, ties: true },
  { name: 'pool 3 stride 2 same (overlapping windows), tied values', kind: 'maxpool', pool: 3, stride: 2, pad: 'same', T: 10, C: 3, ties: true },
  { name: 'pool 2 stride 1 valid', kind: 'maxpool', pool: 2, stride: 1, pad: 'valid', T: 7, C: 5, ties: false },
  { name: 'pool 4 stride 3 same', kind: 'maxpool', pool: 4, stride: 3, pad: 'same', T: 11, C: 8, ties: false },
];

/** Keras's padding as [left, right] steps for a window spanning `span` steps: same puts the odd one on the right. */
function padding(pad: Pad, T: number, span: number, stride: number): [number, number] {
  if (pad === 'valid') return [0, 0];
  if (pad === 'causal') return [span - 1, 0];
  const total = Math.max((Math.ceil(T / stride) - 1) * stride + span - T, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

const N = 2;
const nested = (t: tf.Tensor) => t.arraySync() as unknown;
const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);
const maxAbs = (a: unknown) => Math.max(...flat(a).map(Math.abs));
const maxDiff = (a: unknown, b: unknown) => ((x, y) => Math.max(...x.map((v, i) => Math.abs(v - y[i]))))(flat(a), flat(b));

interface Result { y: unknown; dx: unknown; dw?: unknown }

/** One case on the active backend (float32) and its inputs, for the reference. */
function run(c: ConvCase | PoolCase, seed: number): { ours: Result; input: Record<string, unknown> } {
  const next = rng(seed);
  // Tied values: a few integers, so that windows often hold their maximum twice.
  const values = (n: number, ties = false) => Float32Array.from({ length: n }, () => (ties ? Math.floor(3 * next()) : 2 * next() - 1));
  const span = c.kind === 'conv' ? (c.k - 1) * c.dilation + 1 : c.pool;
  const [padL, padR] = padding(c.pad, c.T, span, c.stride);
  const outT = Math.floor((c.T + padL + padR - span) / c.stride) + 1;
  const O = c.kind === 'conv' ? c.O : c.C;
  const x = tf.tensor3d(values(N * c.T * c.C, c.kind === 'maxpool' && c.ties), [N, c.T, c.C]);
  const r = tf.tensor3d(values(N * outT * O), [N, outT, O]);
  const input: Record<string, unknown> = { kind: c.kind, x: nested(x), r: nested(r), padL, padR, stride: c.stride };
  let ours: Result;
  if (c.kind === 'conv') {
    const w = tf.tensor3d(values(c.k * c.C * c.O), [c.k, c.C, c.O]);
    const pad = c.pad === 'causal' ? [[0, 0], [0, 0], [padL, 0], [0, 0]] as tf.backend_util.ExplicitPadding : c.pad;
    const f = (xx: tf.Tensor, ww: tf.Tensor) => tf.conv1d(xx as tf.Tensor3D, ww as tf.Tensor3D, c.stride, pad, 'NWC', c.dilation);
    const [dx, dw] = tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.mul(f(xx, ww), r)))([x, w]);
    const y = f(x, w);
    ours = { y: nested(y), dx: nested(dx), dw: nested(dw) };
    Object.assign(input, { w: nested(w), dilation: c.dilation });
    tf.dispose([w, dx, dw, y]);
  } else {
    const f = (xx: tf.Tensor) => tf.squeeze(tf.maxPool(tf.expandDims(xx, 1) as tf.Tensor4D, [1, c.pool], [1, c.stride], c.pad), [1]);
    const dx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(f(xx), r)))(x);
    const y = f(x);
    ours = { y: nested(y), dx: nested(dx) };
    input.pool = c.pool;
    tf.dispose([dx, y]);
  }
  tf.dispose([x, r]);
  return { ours, input };
}

/**
 * Tests every case on the active backend (set up by the caller's beforeAll) against PyTorch float64 (one python3 run):
 * the output, ∂f/∂x and (convolutions) ∂f/∂W of f = Σ y·R within 1e-5 of the largest reference value, which is
 * above 0.1; a pooling's ∂f/∂x equal to the reference's, the tied windows included.
 */
export function describeAgainstTorch(title: string) {
  const cases = [...CONV_CASES, ...POOL_CASES];
  describe(title, () => {
    let results: [Result, Result][] = [];
    beforeAll(() => {
      const runs = cases.map((c, i) => run(c, 17 + i));
      const refs = JSON.parse(execFileSync('/usr/bin/python3', [new URL('./conv_ref.py', import.meta.url).pathname], {
        input: JSON.stringify(runs.map((r) => r.input)), encoding: 'utf8', maxBuffer: 1 << 26,
      })) as Result[];
      results = runs.map((r, i) => [r.ours, refs[i]]);
    });
    it.each(cases.map((c, i) => [c.name, i] as const))('%s', (_name, i) => {
      const [ours, ref] = results[i];
      for (const key of ['y', 'dx', 'dw'] as const) {
        if (ref[key] === undefined) continue;
        expect(maxAbs(ref[key])).toBeGreaterThan(0.1);
        expect(maxDiff(ours[key], ref[key])).toBeLessThanOrEqual(1e-5 * Math.max(1, maxAbs(ref[key])));
      }
    });
  });
}
