/**
 * Shared harness of the recurrent engine equality tests (fused.test.ts on cpu, simd.test.ts on wasm): one layer built
 * twice with the same weights, once stock and once on an engine; outputs, ∂L/∂x and every weight gradient compared.
 */
import * as tf from '@tensorflow/tfjs';
import { expect, vi } from 'vitest';
import { fuseLayer, type FusedEngine } from '../../src/runtime/fused/index.ts';
import { GRU } from '../../src/runtime/gru-layer.ts';

export type Kind = 'SimpleRNN' | 'LSTM' | 'GRU';
export interface Case {
  returnSequences?: boolean;
  goBackwards?: boolean;
  masked?: boolean;
  bidirectional?: boolean;
  recurrentActivation?: 'sigmoid' | 'hardSigmoid';
  activation?: 'tanh' | 'relu';
  dropout?: number;
  recurrentDropout?: number;
  useBias?: boolean;
  /** GRU only: RNN Studio's reset-after GRU layer (src/runtime/gru-layer.ts), whose unfused call is the reference. */
  resetAfter?: boolean;
}
export const B = 3, T = 6, D = 4, H = 5;

export function makeLayer(kind: Kind, c: Case, units = H): tf.layers.Layer {
  const args = {
    units, returnSequences: !!c.returnSequences, goBackwards: !!c.goBackwards, activation: c.activation ?? 'tanh',
    dropout: c.dropout ?? 0, recurrentDropout: c.recurrentDropout ?? 0, useBias: c.useBias ?? true,
    kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
    // tfjs's orthogonal initializer runs a QR in tf ops: minutes for the [300, 1200] of an LSTM at H = 300.
    recurrentInitializer: units > 64 ? tf.initializers.glorotUniform({ seed: 2 }) : tf.initializers.orthogonal({ seed: 2 }),
    biasInitializer: tf.initializers.randomNormal({ seed: 3, stddev: 0.5 }),
  } as const;
  const rnn =
    kind === 'SimpleRNN' ? tf.layers.simpleRNN(args)
    : kind === 'LSTM' ? tf.layers.lstm({ ...args, recurrentActivation: c.recurrentActivation ?? 'sigmoid' })
    : c.resetAfter ? new GRU({ ...args, resetAfter: true, recurrentActivation: c.recurrentActivation ?? 'sigmoid' }) as unknown as tf.RNN
    : tf.layers.gru({ ...args, recurrentActivation: c.recurrentActivation ?? 'sigmoid' });
  return c.bidirectional ? tf.layers.bidirectional({ layer: rnn as tf.RNN, mergeMode: 'concat' }) : rnn;
}

/** A deterministic Math.random, so stock and fused draw identical dropout masks. */
function seedRandom(seed: number) {
  let s = seed;
  vi.spyOn(Math, 'random').mockImplementation(() => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31));
}

/** The fixed random W of L = Σ y ⊙ W, for an output of this shape. */
export const lossWeights = (shape: number[]) => tf.randomNormal(shape, 0, 1, 'float32', 7);

/** Output, ∂L/∂x and ∂L/∂w for every weight of a layer, L = Σ y ⊙ W for a fixed random W (lossWeights). */
export function run(layer: tf.layers.Layer, x: tf.Tensor3D, mask: tf.Tensor | null, training: boolean) {
  seedRandom(42);
  const xv = tf.variable(x);
  const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  let y: tf.Tensor | null = null;
  const f = () => {
    y = tf.keep(layer.apply(xv, { mask, training }) as tf.Tensor);
    const W = lossWeights(y.shape);
    return tf.sum(tf.mul(y, W)) as tf.Scalar;
  };
  const { value, grads } = tf.variableGrads(f, [xv, ...weights]);
  const out = {
    y: (y as unknown as tf.Tensor).arraySync(),
    dx: grads[xv.name].arraySync(),
    dw: weights.map((w) => grads[w.name].arraySync()),
    names: weights.map((w) => w.name),
  };
  tf.dispose([value, xv, y!, ...Object.values(grads)]);
  return out;
}

export function maxDiff(a: unknown, b: unknown): number {
  const fa = [a].flat(Infinity as 1) as number[];
  const fb = [b].flat(Infinity as 1) as number[];
  expect(fa.length).toBe(fb.length);
  return fa.reduce((m, v, i) => Math.max(m, Math.abs(v - fb[i])), 0);
}

/** Right padding of different lengths, one left-padded row, and one row fully real (B = 3, T = 6). */
export const MASK_ROWS = [[1, 1, 1, 1, 0, 0], [0, 0, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1]];

/** Runs `run` and checks that it leaves no tensor behind. */
function withoutLeaks<R>(f: () => R): R {
  const before = tf.memory().numTensors;
  const out = f();
  expect(tf.memory().numTensors).toBe(before);
  return out;
}

export interface Sizes {
  /** [B, T, D, H] */
  shape: [number, number, number, number];
  /** [B, T] mask rows, used when the case is masked */
  mask: number[][];
}

/**
 * Stock layer vs the same layer on `engine`, equal within 1e-5 (`close`: outputs, ∂L/∂x, every weight gradient), no leaks.
 * @param referenceBackend computes the stock reference on another backend (e.g. cpu) with the same weights
 * @param nonZero require every reference gradient to be non-zero (a tiny relu layer may have legitimately zero ones)
 */
export async function compare(kind: Kind, c: Case, engine: FusedEngine = 'fused', sizes: Sizes = { shape: [B, T, D, H], mask: MASK_ROWS }, referenceBackend?: string, nonZero = true) {
  const home = tf.getBackend();
  const [b, t, d, h] = sizes.shape;
  const xs = tf.tidy(() => tf.randomNormal([b, t, d], 0, 1, 'float32', 11).arraySync() as number[][][]);
  const training = !!(c.dropout || c.recurrentDropout);
  // Building by a first call (Layer.apply) creates the weights; the engine's layer then gets the same values.
  const side = (engineOf: FusedEngine | 'stock', weights: number[][][] | null) => {
    const x = tf.tensor3d(xs);
    const mask = c.masked ? tf.tensor2d(sizes.mask) : null;
    const layer = makeLayer(kind, c, h);
    tf.dispose(layer.apply(x) as tf.Tensor);
    if (weights) {
      const w = weights.map((v) => tf.tensor(v));
      layer.setWeights(w);
      tf.dispose(w);
    }
    if (engineOf !== 'stock') expect(fuseLayer(layer, engineOf)).toBe(c.bidirectional ? 2 : 1);
    const out = withoutLeaks(() => run(layer, x, mask, training));
    const values = layer.getWeights().map((v) => v.arraySync() as number[][]);
    tf.dispose([x, ...(mask ? [mask] : [])]);
    return { ...out, values };
  };
  if (referenceBackend) await tf.setBackend(referenceBackend);
  const ref = side('stock', null);
  if (referenceBackend) await tf.setBackend(home);
  const got = side(engine, ref.values);
  close(ref.y, got.y, 'y');
  close(ref.dx, got.dx, '∂L/∂x');
  expect(got.dw.length).toBe((c.bidirectional ? 2 : 1) * (c.useBias === false ? 2 : 3));
  ref.dw.forEach((g, i) => {
    // A gradient that is all zeros would make the comparison vacuous.
    if (nonZero) expect(maxAbs(g)).toBeGreaterThan(1e-4);
    close(g, got.dw[i], got.names[i]);
  });
}

const maxAbs = (a: unknown) => ([a].flat(Infinity as 1) as number[]).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
/**
 * |got − ref| < 1e-5, relative to the reference's largest magnitude where that is above 1: a large gradient summed in
 * float32 differs by the summation order alone, in proportion to its size.
 */
const close = (ref: unknown, got: unknown, what: string) => expect(maxDiff(ref, got), what).toBeLessThan(1e-5 * Math.max(1, maxAbs(ref)));

export const CASES: [string, Case][] = [
  ['last output', {}],
  ['returnSequences', { returnSequences: true }],
  ['goBackwards + returnSequences', { goBackwards: true, returnSequences: true }],
  ['masked', { masked: true }],
  ['masked + returnSequences + goBackwards', { masked: true, returnSequences: true, goBackwards: true }],
  ['bidirectional', { bidirectional: true, returnSequences: true }],
  ['bidirectional + masked', { bidirectional: true, masked: true }],
  ['relu activation', { activation: 'relu', returnSequences: true }],
  ['dropout + recurrentDropout (training)', { dropout: 0.3, recurrentDropout: 0.4, returnSequences: true }],
  ['no bias, masked', { useBias: false, masked: true, returnSequences: true }],
];
