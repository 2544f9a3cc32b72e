/**
 * The whole-sequence fused recurrent op shared by SimpleRNN, LSTM and GRU.
 *
 * Stock tfjs runs ≈ 14–23 kernels per timestep forward and records every one on the gradient tape
 * (reference/rnn-math.md §8). Here:
 * - the input projection Xp = x·K + b for ALL timesteps is one matMul (plus a bias add);
 * - the time loop does only the work that truly depends on h_{t−1} (one matMul per step plus a few element-wise
 *   kernels), and runs with the tape off;
 * - the backward pass is a hand-written BPTT inside one `tf.customGrad`: per step it only propagates ∂L/∂h through
 *   the recurrence; everything that does not depend on the recurrence (activation derivatives, products of saved
 *   gates) is computed once for the whole sequence as [T, B, ·] tensors before the loop, and the weight gradients
 *   are one matMul each: ∂L/∂K = X̃ᵀ·dZ, ∂L/∂R = H̃ᵀ·dZ, ∂L/∂b = Σ dZ, ∂L/∂x = dZ·Kᵀ.
 * Masking, goBackwards, returnSequences, dropout and recurrent dropout follow tfjs-layers 4.22's `rnn()` exactly
 * (rnn-math.md §2, §7): masked steps carry h and c over; outputs with goBackwards are in processing order.
 * An initial state (Keras `initial_state`) starts the loop instead of zeros and receives its gradient; with
 * `returnState` the final states (after the last processing step, so with a mask the last real step's, as in Keras)
 * are outputs too, and their gradients enter the BPTT at the last step.
 */
import * as tf from '@tensorflow/tfjs';
import type { LayerActivation } from './activations.ts';
import { unstackTime } from './kernels.ts';

/** What a cell's forward loop gets: per-step projected inputs in processing order. */
export interface ForwardCtx {
  /** x_t·K + b for each step, [B, kH], in processing order (already reversed for goBackwards). */
  xp: tf.Tensor[];
  /** Recurrent kernel R, [H, kH]. */
  R: tf.Tensor;
  /** The recurrent bias row bᵣ [kH] of a bias [2, kH] (reset-after GRU), or null. */
  bRec: tf.Tensor | null;
  /** Per-step mask m_t, [B, 1] (1 = real token), or null. */
  mask: tf.Tensor[] | null;
  /** Recurrent dropout mask applied to h_{t−1} before the recurrent matMul, [B, H], or null. */
  recMask: tf.Tensor | null;
  /** The states before the first step, [h₀] or [h₀, c₀] (LSTM), [B, H] each; null: zeros. */
  initial: tf.Tensor[] | null;
  act: LayerActivation;
  recAct: LayerActivation | null;
  batch: number;
  units: number;
}

/** What a cell's backward loop gets. `keep` are the tensors its forward returned, in the same order. */
export interface BackwardCtx {
  keep: tf.Tensor[];
  R: tf.Tensor;
  mask: tf.Tensor[] | null;
  recMask: tf.Tensor | null;
  act: LayerActivation;
  recAct: LayerActivation | null;
  /** ∂L/∂(output at step t) when returnSequences, in processing order; else null. */
  dHs: tf.Tensor[] | null;
  /** ∂L/∂h_T when only the last output is returned; else null. */
  dhLast: tf.Tensor | null;
  steps: number;
  units: number;
  /** False when only ∂L/∂h_t and ∂L/∂x are wanted (a probe): the cell may return a zero ∂L/∂R. */
  weightGrads: boolean;
  /** ∂L/∂(final states) [h_T] or [h_T, c_T] from outside the output (returnState), or null. */
  dFinal: tf.Tensor[] | null;
}

/** One recurrent kind's maths: the forward loop and its BPTT. */
export interface FusedCell {
  /** Gate blocks k: the kernel is [D, kH]. */
  blocks: number;
  /**
   * Runs the loop; returns the output h_t of every step, the [T, B, ·] tensors the backward needs, `probe`,
   * which stacks the gates and states under the probe panels' names (PROBE_GATES) only when a tap asks for them,
   * and (LSTM) the final cell state c_T.
   */
  forward(c: ForwardCtx): { hs: tf.Tensor[]; keep: tf.Tensor[]; probe: () => Record<string, tf.Tensor>; cLast?: tf.Tensor };
  /**
   * Returns dZ = ∂L/∂(x_t·K + b) for every step, time-major [T, B, kH], ∂L/∂R, and dH: ∂L/∂h_t for every step
   * (the gradient reaching the state h_t from the outputs and from step t + 1), processing order; dInitial:
   * ∂L/∂h₀ (and ∂L/∂c₀ for an LSTM); and, for a cell with a recurrent bias, dRec = ∂L/∂(h̃·R + bᵣ), [T, B, kH].
   */
  backward(c: BackwardCtx): { dZ: tf.Tensor; dR: tf.Tensor; dH: tf.Tensor[]; dInitial: tf.Tensor[]; dRec?: tf.Tensor };
}

/**
 * Lets a probe look inside the fused op without a second pass: `forward` receives the gates and states
 * ([T, B, H] each, processing order), `backward` receives ∂L/∂h_t ([T, B, H]). Both run inside tfjs scopes that are
 * disposed afterwards: `tf.keep` what you want to hold.
 */
export interface SequenceTap {
  forward(gates: Record<string, tf.Tensor>): void;
  backward(dH: tf.Tensor): void;
  /** Skip the weight-gradient matMuls (they are returned as zeros): a probe needs only ∂L/∂h_t. */
  skipWeightGrads?: boolean;
}

/**
 * Masked state update of tfjs `rnn()`: s_t = m·ŝ_t + (1 − m)·s_{t−1}, written as s_{t−1} + m·(ŝ_t − s_{t−1}).
 * Without a mask the new state is ŝ_t.
 */
export function carry(sHat: tf.Tensor, sPrev: tf.Tensor, m: tf.Tensor | null): tf.Tensor {
  return m ? tf.add(sPrev, tf.mul(m, tf.sub(sHat, sPrev))) : sHat;
}

/**
 * Splits ∂L/∂s_t of a masked update into the part that flows into the cell (m·d) and the part carried straight to
 * s_{t−1} ((1 − m)·d = d − m·d). Without a mask everything flows into the cell.
 */
export function splitMasked(d: tf.Tensor | null, m: tf.Tensor | null): [tf.Tensor | null, tf.Tensor | null] {
  if (!d || !m) return [d, null];
  const inCell = tf.mul(m, d);
  return [inCell, tf.sub(d, inCell)];
}

/** ∂L/∂h_t from the output at step t plus what flowed back from step t + 1. */
export function incoming(c: BackwardCtx, t: number, fromNext: tf.Tensor | null): tf.Tensor {
  const own = c.dHs ? c.dHs[t] : t === c.steps - 1 ? c.dhLast : null;
  if (own && fromNext) return tf.add(own, fromNext);
  return (own ?? fromNext)!;
}

/** Adds two optional tensors. */
export const addMaybe = (a: tf.Tensor, b: tf.Tensor | null): tf.Tensor => (b ? tf.add(a, b) : a);

export interface SequenceArgs {
  x: tf.Tensor;
  kernel: tf.Tensor;
  recurrentKernel: tf.Tensor;
  /** [kH], or [2, kH] (rows: input bias, recurrent bias) for the reset-after GRU. */
  bias: tf.Tensor | null;
  /** [B, T] (bool or float) or null. */
  mask: tf.Tensor | null;
  /** Input dropout mask [B, D] (reused at every step), or null. */
  dropoutMask: tf.Tensor | null;
  /** Recurrent dropout mask [B, H], or null. */
  recurrentDropoutMask: tf.Tensor | null;
  goBackwards: boolean;
  returnSequences: boolean;
  act: LayerActivation;
  recAct: LayerActivation | null;
  units: number;
  tap?: SequenceTap | null;
  /** The states before the first step, [h₀] or [h₀, c₀] (LSTM), [B, H] each; absent or null: zeros. */
  initialState?: tf.Tensor[] | null;
  /** Also return the final states: the op then returns [output, h_T] or [output, h_T, c_T] (LSTM). */
  returnState?: boolean;
}

/**
 * The op's inputs: x, K, R, the bias when there is one, then the initial states (so that they get gradients); and
 * `split` to read them back by name inside the op.
 */
export function opInputs(a: SequenceArgs) {
  const initial = a.initialState ?? [];
  return {
    inputs: [a.x, a.kernel, a.recurrentKernel, ...(a.bias ? [a.bias] : []), ...initial],
    split: (args: tf.Tensor[]) => {
      const [x, K, R] = args;
      const b = a.bias ? args[3] : undefined;
      const s0 = args.slice(a.bias ? 4 : 3);
      return { x, K, R, b, initial: s0.length ? s0 : null };
    },
  };
}

/**
 * tf.customGrad gives an op one output, so with returnState its value is [output | h_T | c_T] per example,
 * [B, n + k·H] (n: the output's size per example); `unpackStates` splits it, and splits the gradient dy the same way.
 */
export const packStates = (out: tf.Tensor, finals: tf.Tensor[]): tf.Tensor =>
  tf.concat([tf.reshape(out, [out.shape[0], -1]), ...finals], 1);

/** [B, n + k·H] → [output (outShape), h_T, (c_T)]; the inverse of `packStates`. */
export function unpackStates(packed: tf.Tensor, outShape: number[], states: number, units: number): tf.Tensor[] {
  const n = outShape.slice(1).reduce((p, d) => p * d, 1);
  const [out, ...finals] = tf.split(packed, [n, ...Array<number>(states).fill(units)], 1);
  return [tf.reshape(out, outShape), ...finals];
}

/** [B, T] mask → per-step [B, 1] floats in processing order. */
function maskSteps(mask: tf.Tensor, goBackwards: boolean): tf.Tensor[] {
  let m = tf.transpose(tf.cast(tf.cast(mask, 'bool'), 'float32'));
  if (goBackwards) m = tf.reverse(m, 0);
  return unstackTime(tf.expandDims(m, -1));
}

/**
 * Runs one recurrent layer over a whole sequence as a single differentiable op.
 * @returns [B, T, H] (returnSequences, steps in processing order like tfjs) or [B, H]; with returnState, that and
 * the final states
 */
export function fusedSequence(cell: FusedCell, a: SequenceArgs): tf.Tensor | tf.Tensor[] {
  const [B, T, D] = a.x.shape;
  const H = a.units;
  const kH = cell.blocks * H;
  const { inputs, split } = opInputs(a);
  const outShape = a.returnSequences ? [B, T, H] : [B, H];
  const states = cell.blocks === 4 ? 2 : 1; // h, and c for an LSTM
  // Constants (masks) reach the backward pass only through `save`: everything else is disposed after the forward.
  const consts = [a.mask, a.dropoutMask, a.recurrentDropoutMask];

  const op = tf.customGrad((...args: unknown[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const { x, K, R, b, initial } = split(args as tf.Tensor[]);
    const [mask, dpMask, recMask] = consts;
    const [bIn, bRec] = b && b.rank === 2 ? tf.unstack(b) : [b, null];
    // x̃ = x ⊙ dropoutMask (the same [B, D] mask at every step), then Xp = x̃·K + b for all steps at once.
    const xd = dpMask ? tf.mul(x, tf.expandDims(dpMask, 1)) : x;
    const flat = tf.reshape(xd, [B * T, D]);
    const proj = bIn ? tf.add(tf.matMul(flat, K), bIn) : tf.matMul(flat, K);
    let xpT = tf.transpose(tf.reshape(proj, [B, T, kH]), [1, 0, 2]);
    if (a.goBackwards) xpT = tf.reverse(xpT, 0);
    const fwd = cell.forward({
      xp: unstackTime(xpT),
      R,
      bRec,
      mask: mask ? maskSteps(mask, a.goBackwards) : null,
      recMask: recMask as tf.Tensor | null,
      initial,
      act: a.act,
      recAct: a.recAct,
      batch: B,
      units: H,
    });
    a.tap?.forward(fwd.probe());
    const present = consts.filter((t): t is tf.Tensor => t !== null);
    save([flat, K, R, ...(bRec ? [bRec] : []), ...present, ...fwd.keep]);
    const out = a.returnSequences ? tf.stack(fwd.hs, 1) : fwd.hs[T - 1];
    const value = a.returnState ? packStates(out, [fwd.hs[T - 1], ...(fwd.cLast ? [fwd.cLast] : [])]) : out;

    const gradFunc = (dyAll: tf.Tensor, saved: tf.Tensor[]) => {
      const [dy, ...dFinal] = a.returnState ? unpackStates(dyAll, outShape, states, H) : [dyAll];
      const [sFlat, sK, sR] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
      let i = 3;
      const sBRec = bRec ? saved[i++] : null;
      const sMask = mask ? saved[i++] : null;
      const sDp = dpMask ? (saved[i++]) : null;
      const sRec = recMask ? (saved[i++]) : null;
      const { dZ, dR, dH, dInitial, dRec } = cell.backward({
        keep: saved.slice(i),
        R: sR,
        mask: sMask ? maskSteps(sMask, a.goBackwards) : null,
        recMask: sRec,
        act: a.act,
        recAct: a.recAct,
        dHs: a.returnSequences ? unstackTime(tf.transpose(dy, [1, 0, 2])) : null,
        dhLast: a.returnSequences ? null : (dy),
        steps: T,
        units: H,
        weightGrads: !a.tap?.skipWeightGrads,
        dFinal: a.returnState ? dFinal : null,
      });
      const dStates = initial ? dInitial : [];
      a.tap?.backward(tf.stack(dH));
      // Back to batch-major [B·T, kH], in the row order of `flat`.
      const dZbt = tf.reshape(tf.transpose(a.goBackwards ? tf.reverse(dZ, 0) : dZ, [1, 0, 2]), [B * T, kH]);
      // ∂L/∂K = x̃ᵀ·dZ, ∂L/∂x̃ = dZ·Kᵀ, ∂L/∂b = Σ_rows dZ — one matMul each over the whole sequence.
      // (Transposes are explicit: wasm's matMul with a transpose flag measured ≈ 10× slower than transpose + matMul.)
      let dX = tf.reshape(tf.matMul(dZbt, tf.transpose(sK)), [B, T, D]);
      if (sDp) dX = tf.mul(dX, tf.expandDims(sDp, 1));
      const bShape = sBRec ? [2, kH] : [kH];
      if (a.tap?.skipWeightGrads) return [dX, tf.zerosLike(sK), dR, ...(b ? [tf.zeros(bShape)] : []), ...dStates];
      const dK = tf.matMul(tf.transpose(sFlat), dZbt);
      // Σ over rows as 1ᵀ·dZ: the cpu backend's column sum measured ≈ 160 ms for [1600, 256], the matMul ≈ 1 ms.
      const ones = tf.ones([1, B * T]);
      const db = sBRec ? tf.concat([tf.matMul(ones, dZbt), tf.matMul(ones, tf.reshape(dRec!, [B * T, kH]))], 0) : tf.reshape(tf.matMul(ones, dZbt), [kH]);
      return [dX, dK, dR, ...(b ? [db] : []), ...dStates];
    };
    return { value, gradFunc };
  });
  const value = op(...inputs);
  return a.returnState ? unpackStates(value, outShape, states, H) : value;
}
