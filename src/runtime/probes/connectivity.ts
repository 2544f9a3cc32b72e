/**
 * Three "which step mattered" probes (reference/panels.md):
 *  - P6 connectivity (Madsen, Distill 2019): C[t̃, t] = ‖∂ logit_{y*}(t̃) / ∂x_t‖₂ for one example, one row per output
 *    step, every row from one backward pass by tiling the example along the batch (row r seeds its own logit);
 *  - P7 time attribution of ∂L/∂R: the Frobenius norm of step t's term h_{t−1}ᵀ·δa_t, per gate block, normalised over t;
 *  - P9 behaviour past the training length: ‖h_t‖, ‖c_t‖ and the fraction of saturated units per step.
 * Results leave tfjs as plain arrays; every tensor made here is disposed before the promise resolves.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelIR } from '../../compiler/index.ts';
import { collate, type Dataset, type TaskDef } from '../../datasets/index.ts';
import type { RecurrentKind } from '../../layers/index.ts';
import { probeLoss } from './probe.ts';
import { inputSequenceLayer, probeTargets, sequenceInput, targetSteps, walk, type ProbeTarget } from './walk.ts';

/** Connectivity of one example. */
export interface ConnectivityResult {
  /** T of the input x_t (an encoder–decoder's source). */
  seqLen: number;
  /**
   * The output step each row stands for (0-based, input order): every step (an encoder–decoder's decoder steps), or
   * [T − 1] for a sequence classifier.
   */
  rows: number[];
  /** y*: the predicted class (argmax of the logits) at each row's output step. */
  predicted: number[];
  /** [rows.length, T] row-major: C[row, t] = ‖∂ logit_{y*}(rows[row]) / ∂x_t‖₂, t in input order. */
  matrix: Float32Array;
}

/** Rows per backward pass (fewer, larger passes: the cost is mostly per-op dispatch); the tiled batch stays this small whatever T is. */
const ROWS_PER_PASS = 128;

/**
 * P6 connectivity of one example: x_t is what the first recurrent layer reads (the embedding of token t, or the
 * float input), the logit is the head's value before its softmax/sigmoid (the output itself for any other head).
 * @param inputs the example, batch 1, one tensor per model input
 * @param rows output steps to compute (default: every step of a per-step head, the one output of a classifier)
 * @param output which of the model's outputs (an index into `ir.outputs`; a model with several heads has one logit per head)
 * @example const c = await connectivity(model, ir, [x]); c.matrix[r * c.seqLen + t]
 */
export async function connectivity(model: tf.LayersModel, ir: ModelIR, inputs: tf.Tensor[], rows?: number[], output = 0): Promise<ConnectivityResult> {
  const T = inputs[ir.inputs.indexOf(sequenceInput(ir))].shape[1]!;
  const D = inputSequenceLayer(ir).outputShape.dims.at(-1)!;
  const logits = tf.tidy(() => walk(model, ir, [], inputs, { logits: true, ownLayers: true, output }).output);
  const perStep = logits.rank === 3;
  // Output steps: the input's own, or an encoder–decoder's decoder steps (T of the target, not of the source).
  const To = perStep ? logits.shape[1]! : T;
  const C = logits.shape[logits.rank - 1]!;
  const argmax = tf.tidy(() => tf.argMax(tf.reshape(logits, [-1, C]), -1));
  const predictedAll = Array.from(await argmax.data());
  tf.dispose([logits, argmax]);
  const want = rows ?? (perStep ? Array.from({ length: To }, (_, t) => t) : [T - 1]);
  if (want.some((r) => !Number.isInteger(r) || r < 0 || r >= To)) throw new Error(`Output steps must lie in 0…${To - 1}.`);
  if (!perStep && want.some((r) => r !== T - 1)) throw new Error('A sequence classifier has one output: its last step.');
  const predicted = want.map((r) => predictedAll[perStep ? r : 0]);
  const matrix = new Float32Array(want.length * T);
  for (let at = 0; at < want.length; at += ROWS_PER_PASS) {
    const chunk = want.slice(at, at + ROWS_PER_PASS);
    const R = chunk.length;
    const norms = tf.tidy(() => {
      const tiled = inputs.map((x) => tf.tile(x, [R, ...x.shape.slice(1).map(() => 1)]));
      // Row r seeds logit y*(r) at output step chunk[r]: one-hot over [R, (T,) C].
      const seed = new Float32Array(R * (perStep ? To : 1) * C);
      chunk.forEach((step, r) => { seed[(r * (perStep ? To : 1) + (perStep ? step : 0)) * C + predicted[at + r]] = 1; });
      const seedT = tf.tensor(seed, perStep ? [R, To, C] : [R, C]);
      const f = (eps: tf.Tensor) => tf.sum(tf.mul(seedT, walk(model, ir, [], tiled, { logits: true, ownLayers: true, inputProbe: eps, output }).output)) as tf.Scalar;
      return tf.norm(tf.grad(f)(tf.zeros([R, T, D])), 'euclidean', -1); // [R, T]
    });
    matrix.set(await norms.data(), at * T);
    norms.dispose();
  }
  return { seqLen: T, rows: want, predicted, matrix };
}

/** One typed word as a token model reads it, with its P6 connectivity to the final output ("try it"). */
export interface ReadWord {
  /** The token as typed (after the dataset's tokenizer: lowercased, punctuation split off). */
  text: string;
  /** The vocabulary entry the model read for it (`<unk>`, or `<pad>` where the vocabulary has no unknown id). */
  read: string;
  known: boolean;
  /** Id 0 into an Embedding with maskZero: padding to the model, skipped by every recurrent layer (its c is 0). */
  masked: boolean;
  /** C[final, t] = ‖∂ logit_{y*}/∂x_t‖₂. */
  c: number;
}

/**
 * P6 for a typed text (the Training tab's "try it"): the text as the dataset's tokenizer and vocabulary turn it into
 * ids, and the one connectivity row of the final output, word by word.
 * @returns y* (the head unit whose logit the row differentiates) and the words in input order
 * @example const { words } = await wordConnectivity(model, ir, ds, 'the film was not good'); words[3].c
 */
export async function wordConnectivity(model: tf.LayersModel, ir: ModelIR, ds: Dataset, text: string): Promise<{ predicted: number; words: ReadWord[] }> {
  if (!ds.encode || !ds.tokens || !ds.symbols) throw new Error(`${ds.info.title} does not read typed text.`);
  const ids = ds.encode(text);
  const tokens = ds.tokens(text);
  if (ids.length === 0) throw new Error('Type at least one word.');
  const x = tf.tensor2d([ids], [1, ids.length], 'int32');
  let c: ConnectivityResult;
  try {
    c = await connectivity(model, ir, [x]);
  } finally {
    x.dispose();
  }
  const emb = inputSequenceLayer(ir);
  const maskZero = emb.kind === 'Embedding' && emb.params.maskZero === true;
  const words = ids.map((id, t) => {
    const read = ds.symbols![id] ?? String(id);
    return { text: tokens[t], read, known: read === tokens[t], masked: maskZero && id === 0, c: c.matrix[t] };
  });
  return { predicted: c.predicted[0], words };
}

/** Gate blocks of the recurrent kernel's columns, in weight order (rnn-math.md §4). */
export const KERNEL_BLOCKS: Record<RecurrentKind, readonly string[]> = { SimpleRNN: ['a'], LSTM: ['i', 'f', 'c', 'o'], GRU: ['z', 'r', 'h'] };

/** P7 for one recurrent direction. Steps in processing order (as `DirectionProbe`). */
export interface DirectionAttribution {
  id: string;
  name: string;
  kind: RecurrentKind;
  direction: 'forward' | 'backward';
  /** Per example, step t's share of ‖∂ℓ_b/∂R‖ terms: ‖G_t‖_F / Σ_s ‖G_s‖_F, [B, T] row-major; each row sums to 1 (0 when ℓ_b has no gradient). */
  share: Float32Array;
  /** Per block (KERNEL_BLOCKS), [B, T]: share_t · ‖G_t^k‖²_F / ‖G_t‖²_F, so the blocks of a step add up to its share. */
  blocks: Record<string, Float32Array>;
}

/**
 * P7 time attribution: with pre-activation probes (δa_t = ∂ℓ_b/∂a_t) and the recurrent input of each step, the
 * step-t term of ∂ℓ_b/∂R is G_t = h_{t−1}ᵀ·δa_t (for the GRU candidate block (r_t ⊙ h_{t−1})ᵀ·δa_t), a rank-one
 * matrix per example with ‖G_t^k‖_F = ‖h_{t−1}‖·‖δa_t^k‖. One forward and one backward pass over the batch.
 * @param ys what the loss compares the outputs with, one target per output (see `probeLoss`)
 * @param skipPad a pair task's loss: padded targets left out, as training does
 */
export async function attributeTime(model: tf.LayersModel, ir: ModelIR, inputs: tf.Tensor[], ys: tf.Tensor[], { skipPad = false } = {}): Promise<DirectionAttribution[]> {
  const targets = probeTargets(model, ir);
  const B = inputs[0].shape[0]!;
  // Each target's own steps, and where its probes start in the flat list.
  const steps = targetSteps(ir, targets, inputs);
  const first = steps.map((_, k) => steps.slice(0, k).reduce((a, v) => a + v, 0));
  // Per target and block, ‖recurrent input of step t‖ [T, B]; computed inside f (whose forward tensors the
  // gradient call disposes), so kept, and disposed below.
  let inputNorms: tf.Tensor[][] = [];
  const resets: tf.Tensor[] = [];
  const blockNorms = tf.tidy(() => {
    const f = (...e: tf.Tensor[]) => {
      const probes = new Map(targets.map((_, k) => [k, { a: e.slice(first[k], first[k] + steps[k]) }]));
      const { outputs, runs } = walk(model, ir, targets, inputs, { probes });
      inputNorms = targets.map((t, k) => {
        const T = steps[k];
        const hPrev = tf.stack([tf.zeros([B, t.units]), ...runs[k].hs.slice(0, T - 1)]); // [T, B, H]
        const hNorm = tf.keep(tf.norm(hPrev, 'euclidean', -1));
        // The reset-before GRU candidate block multiplies R_h by r_t ⊙ h_{t−1}; the reset-after one has
        // ∂ℓ/∂R_h term h_{t−1}ᵀ·(r_t ⊙ δa_h), so r_t scales δa instead (kept for below).
        if (t.kind === 'GRU' && t.cfg.resetAfter) resets[k] = tf.keep(tf.stack(runs[k].gates.r));
        return KERNEL_BLOCKS[t.kind].map((_, i) => (t.kind === 'GRU' && i === 2 && !t.cfg.resetAfter ? tf.keep(tf.norm(tf.mul(tf.stack(runs[k].gates.r), hPrev), 'euclidean', -1)) : hNorm));
      });
      return probeLoss(ir, outputs, ys, skipPad);
    };
    const eps = targets.flatMap((t, k) => Array.from({ length: steps[k] }, () => tf.zeros([B, KERNEL_BLOCKS[t.kind].length * t.units])));
    const { grads } = tf.valueAndGrads(f)(eps);
    return targets.map((t, k) => {
      const delta = tf.stack(grads.slice(first[k], first[k] + steps[k])); // [T, B, kH]
      const parts = tf.split(delta, KERNEL_BLOCKS[t.kind].length, -1);
      return tf.stack(parts.map((d, i) => tf.mul(inputNorms[k][i], tf.norm(i === 2 && resets[k] ? tf.mul(resets[k], d) : d, 'euclidean', -1)))); // [blocks, T, B]
    });
  });
  try {
    const out: DirectionAttribution[] = [];
    for (const [k, t] of targets.entries()) out.push(shares(t, (await blockNorms[k].data()) as Float32Array, steps[k], B));
    return out;
  } finally {
    tf.dispose([...blockNorms, ...new Set(inputNorms.flat()), ...resets.filter(Boolean)]);
  }
}

/** Normalises block norms [blocks, T, B] into per-example shares (see `DirectionAttribution`). */
function shares(t: ProbeTarget, norms: Float32Array, T: number, B: number): DirectionAttribution {
  const names = KERNEL_BLOCKS[t.kind];
  const share = new Float32Array(B * T);
  const blocks = Object.fromEntries(names.map((n) => [n, new Float32Array(B * T)]));
  for (let b = 0; b < B; b++) {
    const sq = (k: number, s: number) => norms[(k * T + s) * B + b] ** 2;
    const total = Array.from({ length: T }, (_, s) => Math.sqrt(names.reduce((a, _n, k) => a + sq(k, s), 0)));
    const sum = total.reduce((a, v) => a + v, 0);
    if (!(sum > 0)) continue;
    for (let s = 0; s < T; s++) {
      share[b * T + s] = total[s] / sum;
      if (total[s] > 0) names.forEach((n, k) => { blocks[n][b * T + s] = (total[s] / sum) * sq(k, s) / total[s] ** 2; });
    }
  }
  return { id: t.id, name: t.name, kind: t.kind, direction: t.direction, share, blocks };
}

/** P9 for one direction: per step (processing order), means over the batch. */
export interface DirectionExtrapolation {
  name: string;
  kind: RecurrentKind;
  direction: 'forward' | 'backward';
  /** Mean over examples of ‖h_t‖₂. */
  hNorm: number[];
  /** LSTM: mean over examples of ‖c_t‖₂. */
  cNorm?: number[];
  /** Fraction of units × examples with |h_t| > 0.95. */
  saturated: number[];
}

/** Saturation threshold of P9: a tanh unit past it passes almost no gradient (tanh′ < 0.1). */
export const SATURATED = 0.95;

/**
 * P9: one forward pass over a (longer) batch, reading every state.
 * @example const d = await extrapolate(model, ir, [xAt5T]); d[0].hNorm
 */
export async function extrapolate(model: tf.LayersModel, ir: ModelIR, inputs: tf.Tensor[]): Promise<DirectionExtrapolation[]> {
  const targets = probeTargets(model, ir);
  // Per direction [hNorm, saturated, cNorm?], each [T].
  const curves = tf.tidy(() => walk(model, ir, targets, inputs).runs.map((r) => {
    const h = tf.stack(r.hs); // [T, B, H]
    const meanNorm = (s: tf.Tensor) => tf.mean(tf.norm(s, 'euclidean', -1), -1);
    return [meanNorm(h), tf.mean(tf.cast(tf.greater(tf.abs(h), SATURATED), 'float32'), [1, 2]), ...(r.gates.c?.length ? [meanNorm(tf.stack(r.gates.c))] : [])];
  }));
  try {
    const out: DirectionExtrapolation[] = [];
    for (const [k, t] of targets.entries()) {
      const [h, sat, c] = curves[k];
      out.push({
        name: t.name, kind: t.kind, direction: t.direction,
        hNorm: Array.from(await h.data()),
        ...(c ? { cNorm: Array.from(await c.data()) } : {}),
        saturated: Array.from(await sat.data()),
      });
    }
    return out;
  } finally {
    tf.dispose(curves.flat());
  }
}

/** P9 as it was run: `factor` is the length reached over the trained one, whatever was asked for. */
export interface Extrapolation {
  factor: number;
  trainedLength: number;
  length: number;
  layers: DirectionExtrapolation[];
}

/**
 * P9 on longer data: the task made at `asked`× its length setting (at most the task's maximum), its first `examples`
 * validation sequences padded to the longest. Text corpora keep each example's own length (the setting only truncates
 * it), so that batch may be no longer than the trained one.
 * @param o.setting the task's length setting the model was probed at; o.trainedLength the steps it was probed over
 * @returns the run, or null when the data has no example longer than `trainedLength`
 * @example const x = await extrapolateTask(model, ir, TASKS.adding, { seed: 1, setting: 100, trainedLength: 100, asked: 5, examples: 16 }); x?.factor
 */
export async function extrapolateTask(model: tf.LayersModel, ir: ModelIR, task: TaskDef,
  o: { seed: number; setting: number; trainedLength: number; asked: number; examples: number }): Promise<Extrapolation | null> {
  const ds = task.make({ seed: o.seed, seqLen: Math.min(o.asked * o.setting, task.seqLen?.max ?? Infinity) });
  const long = collate(ds, Array.from({ length: Math.min(o.examples, ds.valSize) }, (_, i) => ds.trainSize + i));
  const length = long.xShape[1];
  if (length <= o.trainedLength) return null;
  const x = tf.tensor(long.x, long.xShape, long.xDtype);
  try {
    return { factor: length / o.trainedLength, trainedLength: o.trainedLength, length, layers: await extrapolate(model, ir, [x]) };
  } finally {
    x.dispose();
  }
}
