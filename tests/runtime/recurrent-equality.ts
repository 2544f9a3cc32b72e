/**
 * Shared harness of the recurrent engine equality tests (fused.test.ts on cpu, simd.test.ts on wasm): one layer built
 * twice with the same weights, once stock and once on an engine; outputs (final states too, with returnState), ∂L/∂x,
 * ∂L/∂(initial states) and every weight gradient compared.
 */
import * as tf from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import { expect, vi } from 'vitest';
import { fuseLayer, type FusedEngine } from '../../src/runtime/fused/index.ts';
import { GRU, runtimeTf } from '../../src/runtime/gru-layer.ts';
import { PYTHON } from '../export/helpers.ts';

export type Kind = 'SimpleRNN' | 'LSTM' | 'GRU';
export interface Case {
  returnSequences?: boolean;
  goBackwards?: boolean;
  masked?: boolean;
  bidirectional?: boolean;
  /** hardSigmoidKeras3 is registered with tfjs by src/runtime/gru-layer.ts (imported here). */
  recurrentActivation?: 'sigmoid' | 'hardSigmoid' | 'hardSigmoidKeras3' | 'relu' | 'elu';
  activation?: 'tanh' | 'relu' | 'hardSigmoid' | 'elu';
  dropout?: number;
  recurrentDropout?: number;
  useBias?: boolean;
  /** GRU only: RNN Studio's reset-after GRU layer (src/runtime/gru-layer.ts), whose unfused call is the reference. */
  resetAfter?: boolean;
  /** LSTM only: RNN Studio's two-bias LSTM layer (src/codegen/tfjs-lstm.ts), whose unfused call is the reference. */
  twoBiases?: boolean;
  /** Random initial states (Keras `initial_state`), whose gradients are compared too. */
  initialState?: boolean;
  /** The layer also returns its final states; the loss weighs each output. */
  returnState?: boolean;
}
export const B = 3, T = 6, D = 4, H = 5;

export function makeLayer(kind: Kind, c: Case, units = H): tf.layers.Layer {
  const args = {
    units, returnSequences: !!c.returnSequences, goBackwards: !!c.goBackwards, activation: c.activation ?? 'tanh',
    dropout: c.dropout ?? 0, recurrentDropout: c.recurrentDropout ?? 0, useBias: c.useBias ?? true, returnState: !!c.returnState,
    kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
    // tfjs's orthogonal initializer runs a QR in tf ops: minutes for the [300, 1200] of an LSTM at H = 300.
    recurrentInitializer: units > 64 ? tf.initializers.glorotUniform({ seed: 2 }) : tf.initializers.orthogonal({ seed: 2 }),
    biasInitializer: tf.initializers.randomNormal({ seed: 3, stddev: 0.5 }),
  } as const;
  // tfjs's type lists only its own activations; a registered one is taken by name too.
  const recurrentActivation = (c.recurrentActivation ?? 'sigmoid') as 'sigmoid';
  const rnn =
    kind === 'SimpleRNN' ? tf.layers.simpleRNN(args)
    : kind === 'LSTM' ? (c.twoBiases ? runtimeTf : tf).layers.lstm({ ...args, recurrentActivation, ...(c.twoBiases ? { twoBiases: true } : {}) })
    : c.resetAfter ? new GRU({ ...args, resetAfter: true, recurrentActivation }) as unknown as tf.RNN
    : tf.layers.gru({ ...args, recurrentActivation });
  return c.bidirectional ? tf.layers.bidirectional({ layer: rnn as tf.RNN, mergeMode: 'concat' }) : rnn;
}

/** Random initial states for a layer of this case: h (and c for an LSTM) per direction, [B, H] each. */
export function initialStates(kind: Kind, c: Case, batch: number, units: number): tf.Tensor[] {
  const n = (kind === 'LSTM' ? 2 : 1) * (c.bidirectional ? 2 : 1);
  return Array.from({ length: n }, (_, i) => tf.randomNormal([batch, units], 0, 0.5, 'float32', 20 + i));
}

/** A deterministic Math.random, so stock and fused draw identical dropout masks. */
function seedRandom(seed: number) {
  let s = seed;
  vi.spyOn(Math, 'random').mockImplementation(() => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31));
}

/** The fixed random W of L = Σ y ⊙ W, for an output of this shape (`output`: which output of a layer with several). */
export const lossWeights = (shape: number[], output = 0) => tf.randomNormal(shape, 0, 1, 'float32', 7 + output);

/**
 * Output, ∂L/∂x, ∂L/∂s for each initial state and ∂L/∂w for every weight of a layer, L = Σ_k Σ y_k ⊙ W_k over its
 * outputs (the final states too, with returnState) for fixed random W_k (lossWeights). y is the output, or the list
 * of outputs.
 */
export function run(layer: tf.layers.Layer, x: tf.Tensor3D, mask: tf.Tensor | null, training: boolean, initialState: tf.Tensor[] = []) {
  seedRandom(42);
  const xv = tf.variable(x);
  const sv = initialState.map((s) => tf.variable(s));
  const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  let ys: tf.Tensor[] = [];
  const f = () => {
    const out = layer.apply(xv, { mask, training, ...(sv.length ? { initialState: sv } : {}) }) as tf.Tensor | tf.Tensor[];
    ys = (Array.isArray(out) ? out : [out]).map((y) => tf.keep(y));
    return tf.addN(ys.map((y, k) => tf.sum(tf.mul(y, lossWeights(y.shape, k))))) as tf.Scalar;
  };
  const { value, grads } = tf.variableGrads(f, [xv, ...sv, ...weights]);
  const values = ys.map((y) => y.arraySync());
  const out = {
    y: values.length === 1 ? values[0] : values,
    dx: grads[xv.name].arraySync(),
    ds: sv.map((s) => grads[s.name].arraySync()),
    dw: weights.map((w) => grads[w.name].arraySync()),
    names: weights.map((w) => w.name),
  };
  tf.dispose([value, xv, ...sv, ...ys, ...Object.values(grads)]);
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

/** A kernel only this engine dispatches: the SIMD forward, or the fused loop's unstack (cpu and wasm backends). */
const ENGINE_KERNEL: Record<FusedEngine | 'stock', string> = { simd: 'RnnSimdForward', fused: 'RnnUnstackRows', stock: '' };

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
    const states = c.initialState ? initialStates(kind, c, b, h) : [];
    const layer = makeLayer(kind, c, h);
    tf.dispose(layer.apply(x) as tf.Tensor | tf.Tensor[]);
    if (weights) {
      const w = weights.map((v) => tf.tensor(v));
      layer.setWeights(w);
      tf.dispose(w);
    }
    if (engineOf !== 'stock') expect(fuseLayer(layer, engineOf)).toBe(c.bidirectional ? 2 : 1);
    const dispatch = vi.spyOn(tf.engine(), 'runKernel');
    const out = withoutLeaks(() => run(layer, x, mask, training, states));
    // The engine really ran (a call it does not cover would fall back to stock and compare stock with itself).
    const ran = dispatch.mock.calls.some(([name]) => name === ENGINE_KERNEL[engineOf]);
    dispatch.mockRestore();
    expect(ran, `${engineOf} kernels dispatched`).toBe(engineOf !== 'stock');
    const values = layer.getWeights().map((v) => v.arraySync() as number[][]);
    tf.dispose([x, ...states, ...(mask ? [mask] : [])]);
    return { ...out, values };
  };
  if (referenceBackend) await tf.setBackend(referenceBackend);
  const ref = side('stock', null);
  if (referenceBackend) await tf.setBackend(home);
  const got = side(engine, ref.values);
  close(ref.y, got.y, 'y');
  close(ref.dx, got.dx, '∂L/∂x');
  expect(got.ds.length).toBe(c.initialState ? (kind === 'LSTM' ? 2 : 1) * (c.bidirectional ? 2 : 1) : 0);
  ref.ds.forEach((g, i) => {
    if (nonZero) expect(maxAbs(g)).toBeGreaterThan(1e-4);
    close(g, got.ds[i], `∂L/∂(initial state ${i})`);
  });
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

/** Initial states in, final states out (encoder–decoder graphs), with the options that change where a state ends. */
export const STATE_CASES: [string, Case][] = [
  ['initial state', { initialState: true }],
  ['returnState', { returnState: true }],
  ['initial state + returnState + returnSequences', { initialState: true, returnState: true, returnSequences: true }],
  ['initial state + returnState, masked (final state = the last real step\'s)', { initialState: true, returnState: true, masked: true }],
  ['initial state + returnState, masked + goBackwards + returnSequences', { initialState: true, returnState: true, masked: true, goBackwards: true, returnSequences: true }],
  ['initial state + returnState, dropout + recurrentDropout (training)', { initialState: true, returnState: true, dropout: 0.3, recurrentDropout: 0.4, returnSequences: true }],
  ['initial state + returnState, bidirectional + masked', { initialState: true, returnState: true, bidirectional: true, masked: true }],
];

type Nested = number | Nested[];
const flatten = (a: unknown): number[] => [a].flat(Infinity as 1) as number[];

/**
 * A two-bias layer (reset-after GRU, two-bias LSTM) computed by PyTorch's own cell in float64 with the layer's weights
 * (tests/runtime/two_bias_ref.py): output, ∂L/∂x and ∂L/∂w per weight for L = Σ y ⊙ W.
 */
export function twoBiasReference(kind: 'GRU' | 'LSTM', layer: tf.layers.Layer, c: Case, x: tf.Tensor, W: tf.Tensor) {
  const w = layer.getWeights().map((t) => t.arraySync());
  const per = c.useBias === false ? 2 : 3;
  const directions = (c.bidirectional ? [false, true] : [!!c.goBackwards]).map((goBackwards, i) => ({
    K: w[i * per], R: w[i * per + 1], b: per === 3 ? w[i * per + 2] : null, goBackwards,
  }));
  const input = JSON.stringify({ kind, x: x.arraySync(), mask: c.masked ? MASK_ROWS : null, W: W.arraySync(), returnSequences: !!c.returnSequences, directions });
  const out = JSON.parse(execFileSync(PYTHON, [new URL('./two_bias_ref.py', import.meta.url).pathname], { input, encoding: 'utf8' }));
  return { y: out.y as Nested, dx: out.dx as Nested, dw: (out.grads as Nested[][]).flat() };
}

/** Each run (`run`'s output) equals the reference within 1e-5: output, ∂L/∂x and every weight gradient, none all zero. */
export function expectReference(runs: [string, ReturnType<typeof run>][], ref: ReturnType<typeof twoBiasReference>) {
  for (const [name, got] of runs) {
    expect(maxDiff(got.y, ref.y), `${name} y`).toBeLessThan(1e-5);
    expect(maxDiff(got.dx, ref.dx), `${name} dx`).toBeLessThan(1e-5);
    ref.dw.forEach((g, i) => {
      expect(Math.max(...flatten(g).map(Math.abs)), 'a vacuous all-zero gradient').toBeGreaterThan(1e-3);
      expect(maxDiff(got.dw[i], g), `${name} weight ${i}`).toBeLessThan(1e-5);
    });
  }
}
