/**
 * Training-step timing in Node: the same compiled graph built with the stock tfjs layers or with our fused engine,
 * trained with Adam + sparse categorical cross-entropy on random token ids by `model.trainOnBatch`.
 */
import * as tf from '@tensorflow/tfjs';
import { compile } from '../src/compiler/index.ts';
import { buildModel, type Engine } from '../src/runtime/build.ts';
import { fusedLayerCount } from '../src/runtime/fused/index.ts';
import { SimdAdam } from '../src/runtime/simd/optimizers.ts';
import { connectivity } from '../src/runtime/probes/connectivity.ts';
import { benchGraph, SIZES, type BenchPreset } from './models.ts';

/** A deterministic random stream in [0, 1). */
const stream = (seed: number) => {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
};
const ints = (rnd: () => number, n: number, from: number, to: number) => Array.from({ length: n }, () => from + Math.floor(rnd() * (to - from)));

/** A deterministic batch of a classifier's: ids [B, T] in [1, vocab) and labels [B, 1] in [0, classes). */
export function batch(T: number, seed = 1) {
  const rnd = stream(seed);
  const ids = ints(rnd, SIZES.batch * T, 1, SIZES.vocab);
  return { x: tf.tensor2d(ids, [SIZES.batch, T], 'int32'), y: tf.tensor2d(ints(rnd, SIZES.batch, 0, SIZES.classes), [SIZES.batch, 1]) };
}

/**
 * A deterministic batch for any bench model: ids in [1, vocab) for each of its Inputs (their lengths; vocab: the
 * input dimension of the Embedding it feeds), and labels in [0, classes) shaped like its output with the class axis 1
 * ([B, 1], or [B, T', 1] for a per-step output).
 */
export function modelBatch(model: tf.LayersModel, seed = 1): { x: tf.Tensor[]; y: tf.Tensor } {
  const rnd = stream(seed);
  const embeddingOf = (i: tf.SymbolicTensor) => model.layers.find((l) => l.getClassName() === 'Embedding' && l.input === i) as unknown as { inputDim: number } | undefined;
  const vocab = (i: tf.SymbolicTensor) => embeddingOf(i)?.inputDim ?? SIZES.vocab;
  const x = model.inputs.map((i) => tf.tensor2d(ints(rnd, SIZES.batch * i.shape[1]!, 1, vocab(i)), [SIZES.batch, i.shape[1]!], 'int32'));
  const out = model.outputs[0].shape;
  const shape = [SIZES.batch, ...out.slice(1, -1) as number[], 1];
  return { x, y: tf.tensor(ints(rnd, shape.reduce((a, d) => a * d, 1), 0, out[out.length - 1]!), shape) };
}

/** Builds one benchmark model with the given engine, compiled for training. */
export function benchModel(preset: BenchPreset, T: number, engine: Engine, units?: number): tf.LayersModel {
  const r = compile(benchGraph(preset, T, units));
  if (!r.ok || !r.ir) throw new Error(`bench graph ${preset} does not compile: ${r.diagnostics.map((d) => d.code).join(', ')}`);
  const model = buildModel(r.ir, { engine });
  if (engine === 'fused' && fusedLayerCount(model) === 0) throw new Error(`no recurrent layer fused in ${preset}`);
  // The SIMD engine trains with the app's optimizer (one update kernel per variable); the others with tfjs-core's.
  model.compile({ optimizer: engine === 'simd' ? new SimdAdam(1e-3, 0.9, 0.999, 1e-7) : tf.train.adam(1e-3, 0.9, 0.999, 1e-7), loss: 'sparseCategoricalCrossentropy' });
  return model;
}

/** Runs `f` with every kernel of the active backend counting its dispatches; returns the count. */
async function dispatches(f: () => Promise<unknown> | unknown): Promise<number> {
  const kernels = tf.getKernelsForBackend(tf.getBackend()) as { kernelFunc: tf.KernelFunc }[];
  const stock = kernels.map((k) => k.kernelFunc);
  let n = 0;
  kernels.forEach((k, i) => { k.kernelFunc = (args) => (n++, stock[i](args)); });
  try {
    await f();
  } finally {
    kernels.forEach((k, i) => { k.kernelFunc = stock[i]; });
  }
  return n;
}

/**
 * Kernels dispatched by one training step (`trainOnBatch`) of the bench model, and by its first recurrent layer alone
 * (forward and backward of L = Σ y for an input of the layer's shape, less the loss's own kernels).
 */
export async function countKernels(preset: BenchPreset, T: number, engine: Engine): Promise<{ kernelsPerStep: number; recurrentKernelsPerStep: number }> {
  const model = benchModel(preset, T, engine);
  const { x, y } = modelBatch(model);
  await model.trainOnBatch(x, y);
  const kernelsPerStep = await dispatches(() => model.trainOnBatch(x, y));
  const layer = model.layers.find((l) => /^(SimpleRNN|LSTM|GRU|Bidirectional)$/.test(l.getClassName()))!;
  const [, steps, features] = [(layer.input as tf.SymbolicTensor | tf.SymbolicTensor[])].flat()[0].shape;
  const input = tf.randomNormal([SIZES.batch, steps!, features!], 0, 1, 'float32', 3);
  const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  // The layer's output (the first, with returnState).
  const output = () => [layer.apply(input) as tf.Tensor | tf.Tensor[]].flat()[0];
  const lossOnly = tf.variable(tf.tidy(() => tf.zerosLike(output())));
  const grads = (f: () => tf.Scalar, v: tf.Variable[]) => { const g = tf.variableGrads(f, v); tf.dispose([g.value, ...Object.values(g.grads)]); };
  const withLayer = await dispatches(() => grads(() => tf.sum(output()), vars));
  const sumAlone = await dispatches(() => grads(() => tf.sum(lossOnly), [lossOnly]));
  tf.dispose([...x, y, input, lossOnly]);
  model.optimizer.dispose();
  model.dispose();
  return { kernelsPerStep, recurrentKernelsPerStep: withLayer - sumAlone };
}

/**
 * Milliseconds of `steps` training steps of one preset on the three engines (stock tfjs-layers, the fused op, ours),
 * taken in turns (timeInterleaved), so that a changing load hits the three alike and their ratios hold.
 */
export async function timeEngines(preset: BenchPreset, T: number, steps: number): Promise<{ stock: number[]; fused: number[]; ours: number[] }> {
  const [stock, fused, ours] = (await timeInterleaved([[preset, 'stock'], [preset, 'fused'], [preset, 'simd']], T, steps)).wall;
  return { stock, fused, ours };
}

/** This process's CPU time in ms (Node); NaN in the browser (bench/browser uses this file too). */
const cpuMs = () => (typeof process !== 'undefined' && process.cpuUsage ? ((u) => (u.user + u.system) / 1000)(process.cpuUsage()) : NaN);

/**
 * Wall-clock and process-CPU milliseconds of `steps` training steps of each preset, taken in turns with the order
 * reversed every round (A B, B A, A B, …): a changing load on a shared machine hits every preset alike, and neither
 * always runs right after the other (measured: the second of a fixed pair paid ≈ 20% more, e.g. for the garbage the
 * first left). For ratios between presets or engines. One list per (preset, engine).
 */
export async function timeInterleaved(specs: [BenchPreset, Engine][], T: number, steps: number, warmup = 1, units?: number) {
  const models = specs.map(([p, engine]) => benchModel(p, T, engine, units));
  const data = models.map((model) => modelBatch(model));
  const wall: number[][] = specs.map(() => []);
  const cpu: number[][] = specs.map(() => []);
  for (let i = 0; i < warmup + steps; i++)
    for (const k of i % 2 ? [...models.keys()].reverse() : models.keys()) {
      const c0 = cpuMs();
      const t0 = performance.now();
      await models[k].trainOnBatch(data[k].x, data[k].y);
      if (i >= warmup) {
        wall[k].push(performance.now() - t0);
        cpu[k].push(cpuMs() - c0);
      }
    }
  tf.dispose(data.flatMap((d) => [...d.x, d.y]));
  for (const model of models) {
    model.optimizer.dispose();
    model.dispose();
  }
  return { wall, cpu };
}

/**
 * P6 connectivity cost against one training step, in the same process and alternating so load hits both alike:
 * the bench LSTM classifier's training step (batch 32), its one connectivity row (one example), and the full
 * T×T matrix of the same layers with a per-step head (Dense at every step). Medians of `reps` after a warm-up, ms.
 */
export async function timeConnectivity(T: number, reps: number): Promise<{ stepMs: number; rowMs: number; matrixMs: number }> {
  const model = benchModel('LSTM', T, 'fused');
  const ir = compile(benchGraph('LSTM', T)).ir!;
  const perStep = benchGraph('LSTM', T);
  perStep.nodes = perStep.nodes.map((n) => (n.data.kind === 'LSTM' ? { ...n, data: { ...n.data, params: { ...n.data.params, returnSequences: true } } } : n));
  const seqIr = compile(perStep).ir!;
  const seqModel = buildModel(seqIr);
  const { x, y } = batch(T);
  const one = tf.slice(x, 0, 1);
  const timed = async (f: () => Promise<unknown>) => {
    const t0 = performance.now();
    await f();
    return performance.now() - t0;
  };
  const step = () => model.trainOnBatch(x, y);
  const row = () => connectivity(model, ir, [one]);
  const matrix = () => connectivity(seqModel, seqIr, [one]);
  await step();
  await row();
  await matrix();
  const times: [number[], number[], number[]] = [[], [], []];
  for (let i = 0; i < reps; i++) {
    times[0].push(await timed(step));
    times[1].push(await timed(row));
    times[2].push(await timed(matrix));
  }
  tf.dispose([x, y, one]);
  model.optimizer.dispose();
  model.dispose();
  seqModel.dispose();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  return { stepMs: median(times[0]), rowMs: median(times[1]), matrixMs: median(times[2]) };
}
