/**
 * SimpleRNN, tfjs-layers 4.22 (rnn-math.md §2):  ĥ = φ(x_t·K + b + h̃_{t−1}·R),  h_t = masked carry of ĥ.
 */
import * as tf from '@tensorflow/tfjs';
import { derivative } from './activations.ts';
import { unstackTime } from './kernels.ts';
import { addMaybe, carry, incoming, splitMasked, type FusedCell } from './sequence.ts';

export const simpleRnnCell: FusedCell = {
  blocks: 1,
  forward({ xp, R, mask, recMask, initial, act, batch: B, units: H }) {
    let h = initial?.[0] ?? tf.zeros([B, H]);
    const hHats: tf.Tensor[] = [], hIn: tf.Tensor[] = [], hs: tf.Tensor[] = [], pre: tf.Tensor[] = [];
    for (let t = 0; t < xp.length; t++) {
      const hd = recMask ? tf.mul(h, recMask) : h;
      const a = tf.add(xp[t], tf.matMul(hd, R));
      const hHat = act.apply(a);
      hHats.push(hHat); hIn.push(hd); pre.push(a);
      h = carry(hHat, h, mask && mask[t]);
      hs.push(h);
    }
    return { hs, keep: [tf.stack(hHats), tf.stack(hIn)], probe: () => ({ a: tf.stack(pre), h: tf.stack(hs) }) };
  },

  backward(ctx) {
    const { keep, R, mask, recMask, act, steps: T, units: H } = ctx;
    const [Hhat, Hin] = keep;
    const [, B] = Hin.shape;
    const P = unstackTime(derivative(act, Hhat));
    const Rt = tf.transpose(R);
    const dA: tf.Tensor[] = new Array(T);
    const dH: tf.Tensor[] = new Array(T);
    let dhNext: tf.Tensor | null = ctx.dFinal?.[0] ?? null;
    for (let t = T - 1; t >= 0; t--) {
      dH[t] = incoming(ctx, t, dhNext);
      const [dhHat, dhCarry] = splitMasked(dH[t], mask && mask[t]);
      const da = tf.mul(dhHat!, P[t]);
      dA[t] = da;
      const dhd = tf.matMul(da, Rt);
      dhNext = addMaybe(recMask ? tf.mul(dhd, recMask) : dhd, dhCarry);
    }
    const dZ = tf.stack(dA);
    const dR = ctx.weightGrads ? tf.matMul(tf.transpose(tf.reshape(Hin, [T * B, H])), tf.reshape(dZ, [T * B, H])) : tf.zerosLike(R);
    return { dZ, dR, dH, dInitial: [dhNext!] };
  },
};
