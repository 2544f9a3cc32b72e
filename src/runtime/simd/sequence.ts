/**
 * One recurrent direction as ONE forward and ONE backward WebAssembly SIMD kernel (./kernels.ts), inside a
 * `tf.customGrad`:
 *   forward  RnnSimdForward (x̃·K for all steps, bias, time loop, gates, masks, output);
 *   backward RnnSimdBackward (BPTT, then every gradient: ∂L/∂x̃ = dZ·Kᵀ, ∂L/∂K = x̃ᵀ·dZ, ∂L/∂R, ∂L/∂b).
 * Same arguments and results as `fusedSequence` (src/runtime/fused/sequence.ts), which stays the engine wherever
 * these kernels cannot run: initial states start the loop and get their gradients (∂L/∂h₀, ∂L/∂c₀ from the
 * backward kernel), and with returnState the final states are the last rows of hAll and cAll, whose gradients seed
 * the backward kernel's BPTT.
 */
import * as tf from '@tensorflow/tfjs';
import { opInputs, packStates, unpackStates, type SequenceArgs } from '../fused/sequence.ts';
import { ACTIVATION_CODES, type SimdAttrs, type SimdCellKind } from './kernels.ts';

/** The probe panels' names (PROBE_GATES) of the saved blocks and states, per kind: [name, block of save | state]. */
const TAPS: Record<SimdCellKind, [string, number | 'h' | 'c'][]> = {
  SimpleRNN: [['a', 2], ['h', 'h']],
  LSTM: [['i', 0], ['f', 1], ['cTilde', 2], ['o', 3], ['c', 'c'], ['h', 'h']],
  GRU: [['z', 0], ['r', 1], ['hTilde', 2], ['h', 'h']],
};

/** Can these kernels run this layer's activations? */
export const simdActivations = (a: SequenceArgs): boolean =>
  a.act.getClassName() in ACTIVATION_CODES && (!a.recAct || a.recAct.getClassName() in ACTIVATION_CODES);

/**
 * @param cell the recurrent kind
 * @param resetAfter GRU only: the Keras/PyTorch form, bias [2, 3H] (input and recurrent biases)
 * @returns [B, T, H] (returnSequences, processing order like tfjs) or [B, H]; with returnState, that and the final
 * states
 */
export function simdSequence(cell: SimdCellKind, a: SequenceArgs, resetAfter = false): tf.Tensor | tf.Tensor[] {
  const [B, T, D] = a.x.shape;
  const H = a.units;
  const lstm = cell === 'LSTM';
  const outShape = a.returnSequences ? [B, T, H] : [B, H];
  const attrs: SimdAttrs = {
    cell, steps: T, units: H, goBackwards: a.goBackwards, returnSequences: a.returnSequences, resetAfter,
    act: ACTIVATION_CODES[a.act.getClassName()], recAct: a.recAct ? ACTIVATION_CODES[a.recAct.getClassName()] : 0,
  };
  const { inputs, split } = opInputs(a);
  // Constants reach the backward pass only through `save`: the caller's scope disposes them after the forward.
  const maskF = a.mask ? tf.cast(tf.cast(a.mask, 'bool'), 'float32') : null;
  const consts = [maskF, a.recurrentDropoutMask, a.dropoutMask] as const;
  const named = (mask: tf.Tensor | null, recMask: tf.Tensor | null) => ({ ...(mask && { mask }), ...(recMask && { recMask }) });

  const op = tf.customGrad((...args: unknown[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const { x, K, R, b, initial } = split(args as tf.Tensor[]);
    const [mask, recMask, dpMask] = consts;
    const xd = dpMask ? tf.mul(x, tf.expandDims(dpMask, 1)) : x;
    const flat = tf.reshape(xd, [B * T, D]);
    const [bias, recBias] = b && resetAfter ? tf.unstack(b) : [b, undefined];
    const [h0, c0] = initial ?? [];
    const fwdInputs = { x: flat, K, R, ...(bias && { bias }), ...(recBias && { recBias }), ...named(mask, recMask), ...(h0 && { h0 }), ...(c0 && { c0 }) };
    const [out, saved, hAll, cAll] = tf.engine().runKernel('RnnSimdForward', fwdInputs, attrs as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
    if (a.tap) {
      const states: Record<string, tf.Tensor> = { h: hAll, ...(cAll && { c: cAll }) };
      a.tap.forward(Object.fromEntries(TAPS[cell].map(([name, src]) =>
        [name, typeof src === 'number' ? tf.slice(saved, [0, 0, src * H], [T, B, H]) : states[src]])));
    }
    save([flat, K, R, saved, ...consts.filter((t): t is tf.Tensor => t !== null)]);
    const last = (all: tf.Tensor) => tf.reshape(tf.slice(all, [T - 1, 0, 0], [1, B, H]), [B, H]);
    const value = a.returnState ? packStates(out, [last(hAll), ...(lstm ? [last(cAll)] : [])]) : out;

    const gradFunc = (dyAll: tf.Tensor, kept: tf.Tensor[]) => {
      const [dy, dhT, dcT] = a.returnState ? unpackStates(dyAll, outShape, lstm ? 2 : 1, H) : [dyAll];
      const [sFlat, sK, sR, sSaved] = kept as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      let i = 4;
      const [sMask, sRec, sDp] = consts.map((t) => (t ? kept[i++] : null));
      const weightGrads = !a.tap?.skipWeightGrads;
      const bwdInputs = { dy, save: sSaved, R: sR, x: sFlat, K: sK, ...named(sMask, sRec), ...(dhT && { dhT }), ...(dcT && { dcT }) };
      const grads = tf.engine().runKernel('RnnSimdBackward', bwdInputs,
        { ...attrs, weightGrads, stateGrads: !!initial, tapH: !!a.tap } as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
      const [dXFlat, dK, dR, db] = grads;
      const first = resetAfter ? 5 : 4;
      const dStates = initial ? grads.slice(first, first + initial.length) : [];
      if (a.tap) a.tap.backward(grads[grads.length - 1]);
      let dX = tf.reshape(dXFlat, [B, T, D]);
      if (sDp) dX = tf.mul(dX, tf.expandDims(sDp, 1));
      const dBias = b ? [resetAfter ? tf.stack([db, grads[4]]) : db] : [];
      return [dX, dK, dR, ...dBias, ...dStates];
    };
    return { value, gradFunc };
  });
  const value = op(...inputs);
  return a.returnState ? unpackStates(value, outShape, lstm ? 2 : 1, H) : value;
}
