/**
 * Probes (reference/rnn-math.md §9, §10): per-timestep gates and states, ∂L/∂h_t and ∂L/∂c_t from one backward
 * pass through zero probe tensors, and the exact Jacobian ∂h_T/∂h_t by tiling. Results leave tfjs as typed arrays;
 * every tensor made here is disposed before the promise resolves.
 */
import * as tf from '@tensorflow/tfjs';
import { outputLosses, type ModelIR, type OutputLoss } from '../../compiler/index.ts';
import type { RecurrentKind } from '../../layers/index.ts';
import { isFused, probeFused } from '../fused/index.ts';
import { totalLoss } from '../train.ts';
import { PROBE_GATES, type StateProbes } from './cells.ts';
import { summarizeProbe, type ProbeSummary } from './summary.ts';
import { isAttentionKind } from '../../graph/types.ts';
import { probeBlocker, probeTargets, targetInputs, targetSteps, walk, type ProbeTarget } from './walk.ts';

/** One direction of one recurrent layer, probed. Arrays are in processing order (step k = k-th input read). */
export interface DirectionProbe {
  id: string;
  name: string;
  kind: RecurrentKind;
  direction: 'forward' | 'backward';
  units: number;
  /** T: the steps this direction reads (an encoder's and a decoder's differ). */
  steps: number;
  /** The model input (index into `ir.inputs`) whose sequence this direction reads. */
  input: number;
  /** 1 = real step, 0 = masked; [B·T] row-major [b][t], processing order. null when nothing is masked. */
  mask: Uint8Array | null;
  /** Per gate or state name (PROBE_GATES[kind]): values [T, B, H] row-major. Empty when gates were not asked for. */
  gates: Record<string, Float32Array>;
  /** Per-example ‖∂ℓ_b/∂h_t‖₂, [T, B]; ℓ_b is example b's own loss (the batch-mean gradient times B). */
  dh: Float32Array;
  /** LSTM only: per-example ‖∂ℓ_b/∂c_t‖₂, [T, B]. */
  dc?: Float32Array;
}

/** The weights of one attention layer on the probe batch. */
export interface AttentionProbe {
  id: string;
  name: string;
  /** [B, Tq, Tv] row-major: example b, query (decoder) step i, value (encoder) step j; each row sums to 1. */
  scores: Float32Array;
  /** [Tq, Tv]. */
  shape: [number, number];
}

export interface ProbeResult {
  /** The steps of the first model input (each direction's own count is its `steps`). */
  seqLen: number;
  batch: number;
  /** The training loss (`probeLoss`: Σ_i w_i · L_i over the outputs, padded targets skipped with `skipPad`) of the batch. */
  loss: number;
  /** Each output's loss and weight in `loss` (`outputLosses(ir)`). */
  losses: OutputLoss[];
  directions: DirectionProbe[];
  /** Per attention layer, its weights (absent from the fused fast path, which no model with attention takes). */
  attention?: AttentionProbe[];
}

export interface ProbeOptions {
  /** Also return every gate and state ([T, B, H] each). Default true. */
  gates?: boolean;
  /**
   * When every recurrent layer runs on the fused engine, read the gates and ∂L/∂h_t that the fused op computes in
   * one ordinary forward and backward pass (src/runtime/fused/probe.ts), so a probe costs about one training step.
   * That path has no ∂L/∂c_t (`dc` is left out). Default false: the exact re-implementation with probe tensors.
   */
  fast?: boolean;
  /** A pair task's loss leaves out the padded target positions, as training does (`meanLoss`). Default false. */
  skipPad?: boolean;
}

/**
 * The training loss of a walk's outputs against their targets (one per output, `ir.outputs` order): the same
 * `totalLoss` over the same `outputLosses(ir)` that training sums, so ∂L/∂h_t is the gradient training follows.
 */
export const probeLoss = (ir: ModelIR, outputs: tf.Tensor[], targets: tf.Tensor[], skipPad: boolean): tf.Scalar =>
  totalLoss(outputLosses(ir).map((o) => ({ loss: o.kind, weight: o.weight })), outputs, targets, { skipPad }).loss;

/**
 * The mask of each direction, [B, T] in its processing order, or null. Masks originate only at an
 * `Embedding(maskZero)` on the model's id input and travel unchanged (rnn-math.md §7), so a direction is masked
 * exactly when its input is, with mask = ids ≠ 0.
 */
async function directionMasks(ir: ModelIR, targets: ProbeTarget[], ids: tf.Tensor): Promise<(Uint8Array | null)[]> {
  const [B, T] = ids.shape as [number, number];
  const masked = targets.map((t) => ir.layers.find((l) => l.id === t.id)!.inputShapes[0].masked);
  if (!masked.some(Boolean)) return targets.map(() => null);
  const real = Uint8Array.from(await ids.data(), (v) => (v !== 0 ? 1 : 0));
  return targets.map((t, k) => {
    if (!masked[k]) return null;
    if (t.direction === 'forward') return real;
    const rev = new Uint8Array(B * T);
    for (let b = 0; b < B; b++) for (let s = 0; s < T; s++) rev[b * T + s] = real[b * T + T - 1 - s];
    return rev;
  });
}

/** The fast path of `probeModel` (see `ProbeOptions.fast`). */
async function probeFast(model: tf.LayersModel, ir: ModelIR, targets: ProbeTarget[], inputs: tf.Tensor[], ys: tf.Tensor[], wantGates: boolean, skipPad: boolean): Promise<ProbeResult> {
  const [B, T] = inputs[0].shape as [number, number];
  let loss = NaN;
  const dirs = await probeFused(model, inputs[0], (yHat) => {
    const l = probeLoss(ir, yHat, ys, skipPad);
    loss = l.dataSync()[0];
    return l;
  });
  // probeFused walks model.layers (topological, a Bidirectional's forward copy first): the same order as targets.
  if (dirs.length !== targets.length) throw new Error(`fused probe found ${dirs.length} recurrent directions, expected ${targets.length}`);
  const masks = await directionMasks(ir, targets, inputs[0]);
  const sources = targetInputs(ir, targets);
  return {
    seqLen: T, batch: B, loss, losses: outputLosses(ir),
    directions: targets.map((t, k) => ({
      id: t.id, name: t.name, kind: t.kind, direction: t.direction, units: t.units, steps: inputs[sources[k]].shape[1]!, input: sources[k], mask: masks[k],
      gates: wantGates ? dirs[k].gates : {}, dh: dirs[k].dh,
    })),
  };
}

/**
 * Probes every recurrent direction of a built model on one batch, with one forward and one backward pass.
 * @param model the model `buildModel(ir)` made (its weights are read, never changed)
 * @param inputs one tensor per model input, [B, T] int ids or [B, T, F] floats
 * @param ys what the training loss compares the outputs with, one target per output (see `totalLoss` in ../train.ts)
 * @example const r = await probeModel(model, ir, [x], [y]); r.directions[0].dh // [T, B] gradient norms
 */
export async function probeModel(model: tf.LayersModel, ir: ModelIR, inputs: tf.Tensor[], ys: tf.Tensor[], opts: ProbeOptions = {}): Promise<ProbeResult> {
  const blocker = probeBlocker(ir);
  if (blocker) throw new Error(blocker);
  const wantGates = opts.gates ?? true;
  const targets = probeTargets(model, ir);
  const skipPad = opts.skipPad ?? false;
  // The fast path feeds one input (an encoder–decoder, whose layers run fused since they take initial states, walks).
  if (opts.fast && inputs.length === 1 && targets.every((t) => isFused(t.layer)) && !ir.layers.some((l) => isAttentionKind(l.kind))) return probeFast(model, ir, targets, inputs, ys, wantGates, skipPad);
  const [B, T] = inputs[0].shape as [number, number];
  const sources = targetInputs(ir, targets);
  const steps = sources.map((i) => inputs[i].shape[1]!);
  const kept: tf.Tensor[] = [];
  const gateTensors: Record<string, tf.Tensor>[] = [];
  const masks: (tf.Tensor | null)[] = [];
  const scores: { id: string; name: string; t: tf.Tensor3D }[] = [];

  const out = tf.tidy((): { value: tf.Scalar; dirs: { dh: tf.Tensor; dc?: tf.Tensor }[] } => {
    // Probe layout: for each target, its T h-probes then (LSTM) its T c-probes.
    const slots = targets.map((t, k) => ({ h: steps[k], c: t.kind === 'LSTM' ? steps[k] : 0 }));
    const eps = slots.flatMap((s, k) => Array.from({ length: s.h + s.c }, () => tf.zeros([B, targets[k].units])));
    const f = (...e: tf.Tensor[]) => {
      const probes = new Map<number, StateProbes>();
      let at = 0;
      slots.forEach((s, k) => {
        probes.set(k, { h: e.slice(at, at + s.h), c: s.c ? e.slice(at + s.h, at + s.h + s.c) : undefined });
        at += s.h + s.c;
      });
      const { outputs, runs, attention } = walk(model, ir, targets, inputs, { probes });
      for (const a of attention) {
        const t = tf.keep(a.scores);
        kept.push(t);
        scores.push({ id: a.id, name: a.name, t });
      }
      runs.forEach((r, k) => {
        masks[k] = r.mask ? tf.keep(tf.cast(r.mask, 'int32')) : null;
        if (r.mask) kept.push(masks[k]!);
        gateTensors[k] = {};
        if (!wantGates) return;
        for (const [g, steps] of Object.entries(r.gates)) kept.push((gateTensors[k][g] = tf.keep(tf.stack(steps))));
      });
      return probeLoss(ir, outputs, ys, skipPad);
    };
    const { value, grads } = tf.valueAndGrads(f)(eps);
    // ‖·‖ over units per step and example; × B turns the batch-mean gradient into each example's own.
    const norms = (g: tf.Tensor[]) => tf.mul(tf.norm(tf.stack(g), 'euclidean', -1), B);
    let at = 0;
    const dirs = slots.map((s) => {
      const d: { dh: tf.Tensor; dc?: tf.Tensor } = { dh: norms(grads.slice(at, at + s.h)) };
      if (s.c) d.dc = norms(grads.slice(at + s.h, at + s.h + s.c));
      at += s.h + s.c;
      return d;
    });
    return { value, dirs };
  });

  try {
    const loss = (await out.value.data())[0];
    const directions: DirectionProbe[] = [];
    for (let k = 0; k < targets.length; k++) {
      const t = targets[k];
      const gates: Record<string, Float32Array> = {};
      for (const g of PROBE_GATES[t.kind]) if (gateTensors[k][g]) gates[g] = (await gateTensors[k][g].data()) as Float32Array;
      directions.push({
        id: t.id, name: t.name, kind: t.kind, direction: t.direction, units: t.units, steps: steps[k], input: sources[k],
        mask: masks[k] ? Uint8Array.from(await masks[k]!.data()) : null,
        gates,
        dh: (await out.dirs[k].dh.data()) as Float32Array,
        ...(out.dirs[k].dc ? { dc: (await out.dirs[k].dc!.data()) as Float32Array } : {}),
      });
    }
    const attention: AttentionProbe[] = [];
    for (const a of scores) attention.push({ id: a.id, name: a.name, scores: (await a.t.data()) as Float32Array, shape: [a.t.shape[1], a.t.shape[2]] });
    return { seqLen: T, batch: B, loss, losses: outputLosses(ir), directions, ...(attention.length ? { attention } : {}) };
  } finally {
    tf.dispose([out.value, ...out.dirs.flatMap((d) => (d.dc ? [d.dh, d.dc] : [d.dh])), ...kept]);
  }
}

/** ∂h_T/∂h_t for every step t of one direction, for one example: J[t] is [H, H], rows = units of h_T. */
export interface JacobianResult {
  target: Pick<ProbeTarget, 'id' | 'name' | 'kind' | 'direction' | 'units'>;
  seqLen: number;
  /** [T, H, H] row-major, processing order; J[T−1] is the identity. */
  jacobian: Float32Array;
  /** ‖J_{T,t}‖_F / √H per step. */
  frobenius: Float32Array;
  /** σ_max(J_{T,t}) per step (power iteration on JᵀJ). */
  sigmaMax: Float32Array;
}

/**
 * The exact Jacobian ‖∂h_T/∂h_t‖ (rnn-math.md §10a): the example is tiled H times along the batch and row k of the
 * batch seeds unit k of h_T, so one backward pass returns every J_{T,t}. h_T is the direction's final state.
 * @param inputs one example per model input (batch 1)
 * @param targetIndex index into `probeTargets(model, ir)`
 */
export async function probeJacobian(model: tf.LayersModel, ir: ModelIR, inputs: tf.Tensor[], targetIndex: number): Promise<JacobianResult> {
  const targets = probeTargets(model, ir);
  const t = targets[targetIndex];
  const H = t.units;
  const T = targetSteps(ir, targets, inputs)[targetIndex];
  const J = tf.tidy(() => {
    const tiled = inputs.map((x) => tf.tile(x, [H, ...x.shape.slice(1).map(() => 1)]));
    const eps = Array.from({ length: T }, () => tf.zeros([H, H]));
    const eye = tf.eye(H);
    const f = (...e: tf.Tensor[]) => {
      const { runs } = walk(model, ir, targets, tiled, { probes: new Map([[targetIndex, { h: e }]]), stopAfter: t.id });
      return tf.sum(tf.mul(eye, runs[targetIndex].h)) as tf.Scalar;
    };
    return tf.stack(tf.grads(f)(eps));
  });
  const jacobian = (await J.data()) as Float32Array;
  J.dispose();
  const frobenius = new Float32Array(T);
  const sigmaMax = new Float32Array(T);
  for (let s = 0; s < T; s++) {
    const m = jacobian.subarray(s * H * H, (s + 1) * H * H);
    let sq = 0;
    for (const v of m) sq += v * v;
    frobenius[s] = Math.sqrt(sq / H);
    sigmaMax[s] = spectralNorm(m, H);
  }
  return { target: { id: t.id, name: t.name, kind: t.kind, direction: t.direction, units: H }, seqLen: T, jacobian, frobenius, sigmaMax };
}

/** σ_max of an H×H row-major matrix: power iteration on JᵀJ from a fixed start vector (deterministic). */
export function spectralNorm(m: ArrayLike<number>, H: number, iterations = 30): number {
  let v = new Float64Array(H).fill(1 / Math.sqrt(H));
  let sigma = 0;
  for (let it = 0; it < iterations; it++) {
    const u = new Float64Array(H); // u = J v
    for (let i = 0; i < H; i++) for (let j = 0; j < H; j++) u[i] += m[i * H + j] * v[j];
    const w = new Float64Array(H); // w = Jᵀ u
    for (let i = 0; i < H; i++) for (let j = 0; j < H; j++) w[j] += m[i * H + j] * u[i];
    const n = Math.hypot(...w);
    if (n === 0) return 0;
    sigma = Math.sqrt(n); // ‖JᵀJ v‖ → σ²_max as v converges
    v = w.map((x) => x / n);
  }
  return sigma;
}

/**
 * Everything `rnn-studio probe` prints: one probe pass over the batch, plus, for each SimpleRNN direction (which
 * has no gate to form a retention proxy), the exact Jacobian of the first example.
 */
export async function probeSummary(model: tf.LayersModel, ir: ModelIR, inputs: tf.Tensor[], ys: tf.Tensor[], opts: Pick<ProbeOptions, 'skipPad'> = {}): Promise<{ summary: ProbeSummary; result: ProbeResult }> {
  const result = await probeModel(model, ir, inputs, ys, { fast: true, ...opts });
  const jacobians = new Map<number, JacobianResult>();
  for (const [k, d] of result.directions.entries()) {
    if (d.kind !== 'SimpleRNN') continue;
    const first = inputs.map((x) => tf.slice(x, 0, 1));
    try {
      jacobians.set(k, await probeJacobian(model, ir, first, k));
    } finally {
      tf.dispose(first);
    }
  }
  return { summary: summarizeProbe(result, jacobians), result };
}
