/**
 * GRU, tfjs-layers 4.22 reset-before form (rnn-math.md §2), gate blocks z, r, h:
 *   h̃ = h_{t−1} ⊙ recurrent-dropout mask   (tfjs uses the dropped h̃ everywhere in the cell, including the blend)
 *   [z, r] = σ(x_t·K_zr + b_zr + h̃·R_zr)
 *   ȟ = φ(x_t·K_h + b_h + (r ⊙ h̃)·R_h)
 *   ĥ = z ⊙ h̃ + (1 − z) ⊙ ȟ = ȟ + z ⊙ (h̃ − ȟ)
 *   h_t = masked carry of ĥ
 */
import * as tf from '@tensorflow/tfjs';
import { derivative } from './activations.ts';
import { addMaybe, carry, incoming, splitMasked, type FusedCell } from './sequence.ts';

const columns = (R: tf.Tensor, H: number) => [tf.slice(R, [0, 0], [H, 2 * H]), tf.slice(R, [0, 2 * H], [H, H])];

export const gruCell: FusedCell = {
  blocks: 3,
  forward({ xp, R, mask, recMask, act, recAct, batch: B, units: H }) {
    const [Rzr, Rh] = columns(R, H);
    let h = tf.zeros([B, H]);
    const ZR: tf.Tensor[] = [], HH: tf.Tensor[] = [], hIn: tf.Tensor[] = [], RH: tf.Tensor[] = [], hs: tf.Tensor[] = [];
    for (let t = 0; t < xp.length; t++) {
      const hd = recMask ? tf.mul(h, recMask) : h;
      const zr = recAct!.apply(tf.add(tf.slice(xp[t], [0, 0], [B, 2 * H]), tf.matMul(hd, Rzr)));
      const z = tf.slice(zr, [0, 0], [B, H]);
      const rh = tf.mul(tf.slice(zr, [0, H], [B, H]), hd);
      const hh = act.apply(tf.add(tf.slice(xp[t], [0, 2 * H], [B, H]), tf.matMul(rh, Rh)));
      const hHat = tf.add(hh, tf.mul(z, tf.sub(hd, hh)));
      ZR.push(zr); HH.push(hh); hIn.push(hd); RH.push(rh);
      h = carry(hHat, h, mask && mask[t]);
      hs.push(h);
    }
    return { hs, keep: [ZR, HH, hIn, RH].map((l) => tf.stack(l)) };
  },

  backward(ctx) {
    const { keep, R, mask, recMask, act, recAct, steps: T, units: H } = ctx;
    const [ZR, HH, Hin, RH] = keep;
    const [, B] = Hin.shape;
    const [Rzr, Rh] = columns(R, H);
    const dZR = derivative(recAct!, ZR);
    const Z = tf.slice(ZR, [0, 0, 0], [T, B, H]);
    const Rg = tf.slice(ZR, [0, 0, H], [T, B, H]);
    // Whole-sequence factors: ∂ĥ/∂a_z = σ′_z ⊙ (h̃ − ȟ),  ∂ĥ/∂a_h = (1 − z) ⊙ φ′(ȟ),  ∂(r⊙h̃)/∂a_r = h̃ ⊙ σ′_r
    const Pz = tf.unstack(tf.mul(tf.slice(dZR, [0, 0, 0], [T, B, H]), tf.sub(Hin, HH)));
    const Ph = tf.unstack(tf.mul(tf.sub(1, Z), derivative(act, HH)));
    const Pr = tf.unstack(tf.mul(Hin, tf.slice(dZR, [0, 0, H], [T, B, H])));
    const Zs = tf.unstack(Z);
    const Rs = tf.unstack(Rg);
    const dAzr: tf.Tensor[] = new Array(T);
    const dAh: tf.Tensor[] = new Array(T);
    let dhNext: tf.Tensor | null = null;
    for (let t = T - 1; t >= 0; t--) {
      const [dhHat, dhCarry] = splitMasked(incoming(ctx, t, dhNext), mask && mask[t]);
      const dah = tf.mul(dhHat!, Ph[t]);
      const dRh = tf.matMul(dah, Rh, false, true); // ∂L/∂(r ⊙ h̃)
      const dzr = tf.concat([tf.mul(dhHat!, Pz[t]), tf.mul(dRh, Pr[t])], 1);
      dAzr[t] = dzr;
      dAh[t] = dah;
      // ∂L/∂h̃ = ∂L/∂ĥ ⊙ z + ∂L/∂(r⊙h̃) ⊙ r + dzr·R_zrᵀ
      const dhd = tf.add(tf.add(tf.mul(dhHat!, Zs[t]), tf.mul(dRh, Rs[t])), tf.matMul(dzr, Rzr, false, true));
      dhNext = addMaybe(recMask ? tf.mul(dhd, recMask) : dhd, dhCarry);
    }
    const dzrAll = tf.stack(dAzr);
    const dahAll = tf.stack(dAh);
    // ∂L/∂R = [h̃ᵀ·dzr | (r⊙h̃)ᵀ·dah], each one matMul over [T·B] rows.
    const dR = tf.concat([
      tf.matMul(tf.reshape(Hin, [T * B, H]), tf.reshape(dzrAll, [T * B, 2 * H]), true, false),
      tf.matMul(tf.reshape(RH, [T * B, H]), tf.reshape(dahAll, [T * B, H]), true, false),
    ], 1);
    return { dZ: tf.concat([dzrAll, dahAll], 2), dR };
  },
};
