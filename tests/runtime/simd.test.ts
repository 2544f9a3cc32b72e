/**
 * The WebAssembly SIMD recurrent kernels (src/runtime/simd) against stock tfjs-layers on the cpu backend: outputs,
 * ∂L/∂x and every weight gradient within 1e-5 (relative above 1), over the option matrix (masks with left, right and
 * inner padding, goBackwards, returnSequences, Bidirectional, relu, hardSigmoid, dropout and recurrent dropout, no
 * bias, both GRU forms, initial states in and final states out with their gradients; the reset-after reference is RNN Studio's own GRU layer unfused, as stock tfjs has none), over
 * random sizes that are not multiples of the SIMD width, and at sizes past every blocking boundary of the matrix product. No tensor leaks, and no growth of wasm memory over 1,000
 * training steps with the app's SIMD Adam.
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { compile } from '../../src/compiler/index.ts';
import { chainDoc } from '../../src/graph/index.ts';
import { buildModel } from '../../src/runtime/build.ts';
import { engineInUse } from '../../src/runtime/fused/index.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { makeOptimizer } from '../../src/runtime/train.ts';
import { simdReady } from '../../src/runtime/simd/kernels.ts';
import { SimdAdam, SimdMomentum, SimdRMSProp } from '../../src/runtime/simd/optimizers.ts';
import { CASES, compare, maxDiff, STATE_CASES, type Case, type Kind, type Sizes } from './recurrent-equality.ts';

beforeAll(async () => {
  await initTfNode('wasm');
});
afterEach(() => vi.restoreAllMocks());

describe('the SIMD kernels load', () => {
  it('on the wasm backend, and models built with the default engine use them', () => {
    expect(simdReady()).toBe(true);
    const r = compile(chainDoc([['Input', { inputType: 'features', features: 3, length: 5 }], ['LSTM', { units: 4 }], ['Dense', { units: 1, activation: 'linear' }]]));
    const model = buildModel(r.ir!);
    expect(engineInUse(model)).toBe('simd');
    expect(engineInUse(buildModel(r.ir!, { engine: 'fused' }))).toBe('fused');
    model.dispose();
  });
});

describe.each(['SimpleRNN', 'LSTM', 'GRU'] as Kind[])('SIMD %s equals stock tfjs (cpu backend)', (kind) => {
  it.each(CASES)('%s', (_, c) => compare(kind, c, 'simd', undefined, 'cpu'));
  if (kind !== 'SimpleRNN') it('hardSigmoid gates', () => compare(kind, { recurrentActivation: 'hardSigmoid', masked: true }, 'simd', undefined, 'cpu'));
  if (kind !== 'SimpleRNN') it('relu gates (real Keras files carry them)', () => compare(kind, { recurrentActivation: 'relu', masked: true }, 'simd', undefined, 'cpu'));
  it('hardSigmoid as the activation φ', () => compare(kind, { activation: 'hardSigmoid', masked: true }, 'simd', undefined, 'cpu'));
});

describe.each(['SimpleRNN', 'LSTM', 'GRU'] as Kind[])('SIMD %s with initial and final states equals stock tfjs (cpu backend)', (kind) => {
  it.each(STATE_CASES)('%s', (_, c) => compare(kind, c, 'simd', undefined, 'cpu'));
});

describe('SIMD two-bias LSTM equals its unfused layer (cpu backend)', () => {
  it.each([...CASES, ...STATE_CASES])('%s', (_, c) => compare('LSTM', { ...c, twoBiases: true }, 'simd', undefined, 'cpu'));
});

describe('SIMD reset-after GRU equals its unfused layer (cpu backend)', () => {
  it.each([...CASES, ...STATE_CASES])('%s', (_, c) => compare('GRU', { ...c, resetAfter: true }, 'simd', undefined, 'cpu'));
  it('hardSigmoid gates', () => compare('GRU', { resetAfter: true, recurrentActivation: 'hardSigmoid', masked: true }, 'simd', undefined, 'cpu'));
});

/** B rows of T steps: full, right-padded, left-padded, a gap inside, full. */
const maskRows = (T: number) => [0, 1, 2, 3, 4].map((b) => Array.from({ length: T }, (_, t) =>
  (b === 1 ? t < T - Math.ceil(T / 3) : b === 2 ? t >= Math.floor(T / 3) : b === 3 ? t < 2 || t > T / 2 : true) ? 1 : 0));
/**
 * Sizes past every blocking boundary of gemm, the kernels' one matrix product (assembly/rnn.ts: chunks of KC = 256 of
 * the inner dimension, rows in fours, columns in eights, then gemv's columns in 16s, 4s and ones). WIDE crosses KC in
 * x̃·K (D = 261), in h·R and its ∂L/∂h (H = 300) and in ∂L/∂x̃ = dZ·Kᵀ (kH ≥ 300), with B = 5 rows (a block of four and
 * one over) and 300, 900 or 1,200 columns; LONG crosses it in ∂L/∂R (a sum over T = 260) and ∂L/∂K (over B·T = 1,300),
 * with H = 13 (columns 13, 39, 52: a block of eight, then 4s and ones).
 */
const WIDE: Sizes = { shape: [5, 6, 261, 300], mask: maskRows(6) };
const LONG: Sizes = { shape: [5, 260, 3, 13], mask: maskRows(260) };

describe.each([['SimpleRNN', {}], ['LSTM', {}], ['GRU', {}], ['GRU', { resetAfter: true }]] as [Kind, Case][])(
  'past gemm\'s blocking boundaries: SIMD %s %o equals the cpu reference', (kind, form) => {
    it('wide: D = 261, H = 300', () => compare(kind, { ...form, returnSequences: true, masked: true }, 'simd', WIDE, 'cpu'));
    it('long: T = 260, H = 13', () => compare(kind, { ...form, masked: true, goBackwards: true }, 'simd', LONG, 'cpu'));
  });

describe('random sizes and options', () => {
  it('SIMD equals stock tfjs for 40 random layers', async () => {
    const caseArb = fc.record({
      kind: fc.constantFrom<Kind>('SimpleRNN', 'LSTM', 'GRU'),
      shape: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 2, max: 7 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 11 })),
      returnSequences: fc.boolean(),
      goBackwards: fc.boolean(),
      masked: fc.boolean(),
      bidirectional: fc.boolean(),
      useBias: fc.boolean(),
      hard: fc.boolean(),
      relu: fc.boolean(),
      resetAfter: fc.boolean(),
      maskBits: fc.array(fc.boolean(), { minLength: 28, maxLength: 28 }),
    });
    await fc.assert(
      fc.asyncProperty(caseArb, async (p) => {
        const [B, T] = p.shape;
        // Any padding pattern (left, right, inner), but every row keeps at least one real step.
        const mask = Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => (t === (b % T) || p.maskBits[(b * 7 + t) % 28] ? 1 : 0)));
        const c: Case = {
          returnSequences: p.returnSequences, goBackwards: p.goBackwards, masked: p.masked, bidirectional: p.bidirectional,
          useBias: p.useBias, resetAfter: p.kind === 'GRU' && p.resetAfter, recurrentActivation: p.hard ? 'hardSigmoid' : 'sigmoid', activation: p.relu ? 'relu' : 'tanh',
        };
        await compare(p.kind, c, 'simd', { shape: p.shape, mask }, 'cpu', false);
      }),
      { numRuns: 40, seed: 7 },
    );
  });
});

describe('optimizers and embedding kernels', () => {
  const values = (seed: number, shape: number[]) => tf.randomNormal(shape, 0, 1, 'float32', seed);
  it.each([
    ['Adam', () => new SimdAdam(0.01, 0.9, 0.999, 1e-7), () => tf.train.adam(0.01, 0.9, 0.999, 1e-7), ['RnnSimdAdam', 'RnnSimdAdam', 'Multiply', 'Multiply']],
    ['RMSProp', () => new SimdRMSProp(0.01, 0.9, 0, 1e-7), () => tf.train.rmsprop(0.01, 0.9, 0, 1e-7), ['RnnSimdRMSProp', 'RnnSimdRMSProp']],
    ['momentum', () => new SimdMomentum(0.01, 0.9), () => tf.train.momentum(0.01, 0.9), ['RnnSimdMomentum', 'RnnSimdMomentum']],
  ])('%s: one kernel per variable, the same 5 steps as tfjs-core', async (_, ours, stock, kernelsPerStep) => {
    const run = async (make: () => tf.Optimizer) => {
      const start = tf.memory().numTensors;
      const opt = make();
      const vars = tf.tidy(() => [tf.variable(values(1, [7, 5])), tf.variable(values(2, [13]))]);
      const kernels: string[][] = [];
      for (let step = 0; step < 5; step++) {
        const grads = Object.fromEntries(vars.map((v, k) => [v.name, values(10 * step + k + 3, v.shape)]));
        kernels.push((await tf.profile(() => opt.applyGradients(grads))).kernels.map((k) => k.name));
        tf.dispose(Object.values(grads));
      }
      const out = vars.map((v) => v.arraySync());
      tf.dispose(vars);
      opt.dispose();
      return { out, kernels, left: tf.memory().numTensors - start };
    };
    const a = await run(stock);
    const b = await run(ours);
    // The kernels dispatched per step once the slots exist (the first step also makes them, with ZerosLike): one
    // update per variable, and for Adam the two products β^t = β^(t−1)·β. tfjs-core dispatches many per variable.
    for (const step of b.kernels.slice(1)) expect(step).toEqual(kernelsPerStep);
    expect(a.kernels[1].length).toBeGreaterThan(3 * kernelsPerStep.length);
    // Whatever tfjs-core's optimizer keeps after dispose (its constant scalars), ours keeps no more.
    expect(b.left).toBe(a.left);
    expect(maxDiff(a.out, b.out)).toBeLessThan(1e-6);
    expect(maxDiff(a.out, tf.tidy(() => [values(1, [7, 5]).arraySync(), values(2, [13]).arraySync()]))).toBeGreaterThan(1e-3);
  });

  it.each([
    ['tf.clone', (slot: tf.Tensor) => tf.clone(slot)],
    ['tf.reshape', (slot: tf.Tensor) => tf.reshape(slot, [-1])],
  ])('a slot is updated in place, yet a tensor that shares its heap block (%s) keeps its values', async (_, share) => {
    const opt = new SimdAdam(0.01, 0.9, 0.999, 1e-7);
    const w = tf.variable(values(1, [4, 3]));
    const step = (seed: number) => tf.tidy(() => opt.applyGradients([{ name: w.name, tensor: values(seed, w.shape) }]));
    step(2);
    step(3);
    const m = (await opt.getWeights())[1].tensor;
    const kept = share(m);
    const before = kept.arraySync();
    step(4);
    expect(kept.arraySync()).toEqual(before);
    // The slot itself moved on: m₃ = β₁·m₂ + (1 − β₁)·g₃.
    const g = values(4, w.shape);
    expect(maxDiff((await opt.getWeights())[1].tensor.arraySync(), tf.tidy(() => tf.add(tf.mul(tf.reshape(kept, w.shape), 0.9), tf.mul(g, 0.1)).arraySync()))).toBeLessThan(1e-6);
    tf.dispose([w, kept, g]);
    opt.dispose();
  });

  it('setWeights makes slots on the given tensors; the next step leaves those tensors as they were', async () => {
    const opt = new SimdAdam(0.01, 0.9, 0.999, 1e-7);
    const w = tf.variable(values(1, [4, 3]));
    const step = (seed: number) => tf.tidy(() => opt.applyGradients([{ name: w.name, tensor: values(seed, w.shape) }]));
    step(2);
    const given = (await opt.getWeights()).map((s) => ({ name: s.name, tensor: tf.add(s.tensor, 1) }));
    await opt.setWeights(given);
    const before = given.map((s) => s.tensor.arraySync());
    step(3);
    expect(given.map((s) => s.tensor.arraySync())).toEqual(before);
    expect(maxDiff((await opt.getWeights())[1].tensor.arraySync(), before[1])).toBeGreaterThan(1e-3);
    tf.dispose([w, ...given.map((s) => s.tensor)]);
    opt.dispose();
  });

  it('the row-copy gather and the heap segment sum equal the cpu backend', async () => {
    const table = values(3, [9, 4]);
    const ids = tf.tensor2d([[0, 8, 3], [3, 3, 1]], [2, 3], 'int32');
    const f = () => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ids), tf.range(1, 25).reshape([2, 3, 4]))))(table);
    const onWasm = [tf.gather(table, ids).arraySync(), f().arraySync()];
    await tf.setBackend('cpu');
    const onCpu = [tf.gather(table, ids).arraySync(), f().arraySync()];
    await tf.setBackend('wasm');
    expect(maxDiff(onWasm, onCpu)).toBe(0);
    // An id out of range goes to the stock kernel, which refuses it; the row copy's output block is freed.
    const blocks = () => (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
    const outOfRange = tf.tensor1d([9], 'int32');
    tf.dispose(tf.gather(table, ids)); // brings the table back from the cpu backend to the wasm heap
    const before = blocks();
    expect(() => tf.gather(table, outOfRange)).toThrow('GatherV2: the index value 9 is not in [0, 8]');
    expect(blocks()).toBe(before);
    tf.dispose([table, ids, outOfRange]);
  });

  it('tf.clone shares the heap block: the clone outlives its source, and the block is freed with the last of them', () => {
    const buffers = () => tf.memory().numDataBuffers;
    const before = buffers();
    const a = tf.tensor1d([1, 2, 3]);
    const b = tf.clone(a);
    expect(buffers() - before).toBe(1); // one block, not a copy
    a.dispose();
    expect(Array.from(b.dataSync())).toEqual([1, 2, 3]);
    expect(buffers() - before).toBe(1);
    b.dispose();
    expect(buffers()).toBe(before);
  });
});

describe('memory', () => {
  it('1,000 training steps leave the tensor count and the wasm memory size unchanged', async () => {
    const r = compile(chainDoc([
      ['Input', { inputType: 'tokens', vocabSize: 30, length: 12 }],
      ['Embedding', { inputDim: 30, outputDim: 6, maskZero: true }],
      ['LSTM', { units: 7, returnSequences: true }],
      ['GRU', { units: 5 }],
      ['Dense', { units: 3, activation: 'softmax' }],
    ]));
    const model = buildModel(r.ir!);
    model.compile({ optimizer: makeOptimizer('adam', 1e-2), loss: 'sparseCategoricalCrossentropy' });
    const x = tf.tensor2d(Array.from({ length: 8 * 12 }, (_, i) => (i % 12 > 8 + (i % 3) ? 0 : 1 + (i % 29))), [8, 12], 'int32');
    const y = tf.tensor2d([0, 1, 2, 0, 1, 2, 0, 1], [8, 1]);
    const memory = (tf.backend() as unknown as { wasm: { asm: { memory: WebAssembly.Memory } } }).wasm.asm.memory;
    for (let i = 0; i < 20; i++) await model.trainOnBatch(x, y);
    // The app's Adam: each step updates every weight with one SIMD kernel, slots in place.
    const { kernels } = await tf.profile(() => model.trainOnBatch(x, y));
    expect(kernels.filter((k) => k.name === 'RnnSimdAdam')).toHaveLength(model.trainableWeights.length);
    const tensors = tf.memory().numTensors;
    const bytes = memory.buffer.byteLength;
    const first = (await model.trainOnBatch(x, y)) as number;
    let last = first;
    for (let i = 0; i < 1000; i++) last = (await model.trainOnBatch(x, y)) as number;
    expect(tf.memory().numTensors).toBe(tensors);
    expect(memory.buffer.byteLength).toBe(bytes);
    // It trained: the loss fell.
    expect(last).toBeLessThan(first * 0.5);
    tf.dispose([x, y]);
    model.optimizer.dispose();
    model.dispose();
  });
});
