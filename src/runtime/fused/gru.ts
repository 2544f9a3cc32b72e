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
import { pickColumns, unstackTime } from './kernels.ts';
import { addMaybe, carry, incoming, splitMasked, type FusedCell } from './sequence.ts';

/** [R_zr, R_h]: the recurrent kernel's gate columns and candidate columns. */
const split = (R: tf.Tensor, H: number) => pickColumns([R], [[0, 0, 2 * H], [0, 2 * H, H]]);

export const gruCell: FusedCell = {
  blocks: 3,
  // Per step: pick, matMul, add, σ, pick, mul, matMul, add, φ, 3 for ĥ = 12 kernels (stock ≈ 19 + tape).
  forward({ xp, R, mask, recMask, initial, act, recAct, batch: B, units: H }) {
    const [Rzr, Rh] = split(R, H);
    let h: tf.Tensor = initial?.[0] ?? tf.zeros([B, H]);
    const ZR: tf.Tensor[] = [], HH: tf.Tensor[] = [], hIn: tf.Tensor[] = [], RH: tf.Tensor[] = [], hs: tf.Tensor[] = [];
    for (let t = 0; t < xp.length; t++) {
      const hd = recMask ? tf.mul(h, recMask) : h;
      const [xzr, xh] = pickColumns([xp[t]], [[0, 0, 2 * H], [0, 2 * H, H]]);
      const zr = recAct!.apply(tf.add(xzr, tf.matMul(hd, Rzr)));
      const [z, r] = pickColumns([zr], [[0, 0, H], [0, H, H]]);
      const rh = tf.mul(r, hd);
      const hh = act.apply(tf.add(xh, tf.matMul(rh, Rh)));
      const hHat = tf.add(hh, tf.mul(z, tf.sub(hd, hh)));
      ZR.push(zr); HH.push(hh); hIn.push(hd); RH.push(rh);
      h = carry(hHat, h, mask && mask[t]);
      hs.push(h);
    }
    const keep = [ZR, HH, hIn, RH].map((l) => tf.stack(l));
    const probe = () => {
      const [z, r] = pickColumns([tf.reshape(keep[0], [-1, 2 * H])], [[0, 0, H], [0, H, H]]).map((g) => tf.reshape(g, [xp.length, B, H]));
      return { z, r, hTilde: keep[1], h: tf.stack(hs) };
    };
    return { hs, keep, probe };
  },

  // Per step: 2 muls, matMul, 2 muls, concat, 2 muls + 2 adds + matMul for ∂L/∂h̃ = 12 kernels.
  backward(ctx) {
    const { keep, R, mask, recMask, act, recAct, steps: T, units: H } = ctx;
    const [ZR, HH, Hin, RH] = keep;
    const B = Hin.shape[1]!;
    const [Rzr, Rh] = split(R, H).map((m) => tf.transpose(m));
    const flat = (x: tf.Tensor, w: number) => tf.reshape(x, [T * B, w]);
    const as3d = (x: tf.Tensor) => tf.reshape(x, [T, B, H]);
    const [Z, Rg, sZ, sR] = pickColumns([flat(ZR, 2 * H), flat(derivative(recAct!, ZR), 2 * H)], [[0, 0, H], [0, H, H], [1, 0, H], [1, H, H]]).map(as3d);
    // Whole-sequence factors: ∂ĥ/∂a_z = σ′_z ⊙ (h̃ − ȟ),  ∂ĥ/∂a_h = (1 − z) ⊙ φ′(ȟ),  ∂(r⊙h̃)/∂a_r = h̃ ⊙ σ′_r
    const Pz = unstackTime(tf.mul(sZ, tf.sub(Hin, HH)));
    const Ph = unstackTime(tf.mul(tf.sub(1, Z), derivative(act, HH)));
    const Pr = unstackTime(tf.mul(Hin, sR));
    const Zs = unstackTime(Z);
    const Rs = unstackTime(Rg);
    const dAzr: tf.Tensor[] = new Array(T);
    const dAh: tf.Tensor[] = new Array(T);
    const dH: tf.Tensor[] = new Array(T);
    let dhNext: tf.Tensor | null = ctx.dFinal?.[0] ?? null;
    for (let t = T - 1; t >= 0; t--) {
      dH[t] = incoming(ctx, t, dhNext);
      const [dhHat, dhCarry] = splitMasked(dH[t], mask && mask[t]);
      const dah = tf.mul(dhHat!, Ph[t]);
      const dRh = tf.matMul(dah, Rh); // ∂L/∂(r ⊙ h̃)
      const dzr = tf.concat([tf.mul(dhHat!, Pz[t]), tf.mul(dRh, Pr[t])], 1);
      dAzr[t] = dzr;
      dAh[t] = dah;
      // ∂L/∂h̃ = ∂L/∂ĥ ⊙ z + ∂L/∂(r⊙h̃) ⊙ r + dzr·R_zrᵀ
      const dhd = tf.add(tf.add(tf.mul(dhHat!, Zs[t]), tf.mul(dRh, Rs[t])), tf.matMul(dzr, Rzr));
      dhNext = addMaybe(recMask ? tf.mul(dhd, recMask) : dhd, dhCarry);
    }
    const dzrAll = tf.stack(dAzr);
    const dahAll = tf.stack(dAh);
    // ∂L/∂R = [h̃ᵀ·dzr | (r⊙h̃)ᵀ·dah], each one matMul over [T·B] rows.
    const dR = ctx.weightGrads
      ? tf.concat([tf.matMul(tf.transpose(flat(Hin, H)), flat(dzrAll, 2 * H)), tf.matMul(tf.transpose(flat(RH, H)), flat(dahAll, H))], 1)
      : tf.zerosLike(R);
    return { dZ: tf.concat([dzrAll, dahAll], 2), dR, dH, dInitial: [dhNext!] };
  },
};
