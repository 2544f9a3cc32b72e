/**
 * GRU, reset-after form (Keras `reset_after=True`, PyTorch `nn.GRU`; keras-files.md §5), gate blocks z, r, h:
 *   h̃ = h_{t−1} ⊙ recurrent-dropout mask   (used everywhere in the cell, as Keras and the reset-before cell do)
 *   ρ = h̃·R + bᵣ                           (the recurrent projection with the recurrent bias row, [B, 3H])
 *   [z, r] = σ(x_t·K_zr + bᵢ_zr + ρ_zr)
 *   ȟ = φ(x_t·K_h + bᵢ_h + r ⊙ ρ_h)
 *   ĥ = z ⊙ h̃ + (1 − z) ⊙ ȟ = ȟ + z ⊙ (h̃ − ȟ)
 *   h_t = masked carry of ĥ
 * One recurrent matMul per step forward and one backward (the reset-before form needs two each).
 */
import * as tf from '@tensorflow/tfjs';
import { derivative } from './activations.ts';
import { pickColumns, unstackTime } from './kernels.ts';
import { addMaybe, carry, incoming, splitMasked, type FusedCell } from './sequence.ts';

export const gruResetAfterCell: FusedCell = {
  blocks: 3,
  // Per step: matMul, add bᵣ, pick, add, σ, pick, mul, add, φ, 3 for ĥ = 12 kernels.
  forward({ xp, R, bRec, mask, recMask, initial, act, recAct, batch: B, units: H }) {
    let h: tf.Tensor = initial?.[0] ?? tf.zeros([B, H]);
    const ZR: tf.Tensor[] = [], HH: tf.Tensor[] = [], hIn: tf.Tensor[] = [], RHO: tf.Tensor[] = [], hs: tf.Tensor[] = [];
    for (let t = 0; t < xp.length; t++) {
      const hd = recMask ? tf.mul(h, recMask) : h;
      const rho = bRec ? tf.add(tf.matMul(hd, R), bRec) : tf.matMul(hd, R);
      const [xzr, xh, rzr, rh] = pickColumns([xp[t], rho], [[0, 0, 2 * H], [0, 2 * H, H], [1, 0, 2 * H], [1, 2 * H, H]]);
      const zr = recAct!.apply(tf.add(xzr, rzr));
      const [z, r] = pickColumns([zr], [[0, 0, H], [0, H, H]]);
      const hh = act.apply(tf.add(xh, tf.mul(r, rh)));
      const hHat = tf.add(hh, tf.mul(z, tf.sub(hd, hh)));
      ZR.push(zr); HH.push(hh); hIn.push(hd); RHO.push(rh);
      h = carry(hHat, h, mask && mask[t]);
      hs.push(h);
    }
    const keep = [ZR, HH, hIn, RHO].map((l) => tf.stack(l));
    const probe = () => {
      const [z, r] = pickColumns([tf.reshape(keep[0], [-1, 2 * H])], [[0, 0, H], [0, H, H]]).map((g) => tf.reshape(g, [xp.length, B, H]));
      return { z, r, hTilde: keep[1], h: tf.stack(hs) };
    };
    return { hs, keep, probe };
  },

  // Per step: 4 muls, concat, mul + matMul + add for ∂L/∂h̃ = 8 kernels (plus the mask/dropout ones).
  backward(ctx) {
    const { keep, R, mask, recMask, act, recAct, steps: T, units: H } = ctx;
    const [ZR, HH, Hin, RHO] = keep;
    const B = Hin.shape[1]!;
    const Rt = tf.transpose(R);
    const flat = (x: tf.Tensor, w: number) => tf.reshape(x, [T * B, w]);
    const as3d = (x: tf.Tensor) => tf.reshape(x, [T, B, H]);
    const [Z, Rg, sZ, sR] = pickColumns([flat(ZR, 2 * H), flat(derivative(recAct!, ZR), 2 * H)], [[0, 0, H], [0, H, H], [1, 0, H], [1, H, H]]).map(as3d);
    // Whole-sequence factors: ∂ĥ/∂a_z = σ′_z ⊙ (h̃ − ȟ),  ∂ĥ/∂a_h = (1 − z) ⊙ φ′(ȟ),  ∂a_h/∂a_r = ρ_h ⊙ σ′_r
    const Pz = unstackTime(tf.mul(sZ, tf.sub(Hin, HH)));
    const Ph = unstackTime(tf.mul(tf.sub(1, Z), derivative(act, HH)));
    const Pr = unstackTime(tf.mul(RHO, sR));
    const Zs = unstackTime(Z);
    const Rs = unstackTime(Rg);
    const dAh: tf.Tensor[] = new Array(T);
    const dRho: tf.Tensor[] = new Array(T);
    const dH: tf.Tensor[] = new Array(T);
    let dhNext: tf.Tensor | null = ctx.dFinal?.[0] ?? null;
    for (let t = T - 1; t >= 0; t--) {
      dH[t] = incoming(ctx, t, dhNext);
      const [dhHat, dhCarry] = splitMasked(dH[t], mask && mask[t]);
      const dah = tf.mul(dhHat!, Ph[t]);
      // ∂L/∂ρ = [∂L/∂a_z, ∂L/∂a_r, r ⊙ ∂L/∂a_h]: the z and r blocks of ρ enter their gates directly.
      const drho = tf.concat([tf.mul(dhHat!, Pz[t]), tf.mul(dah, Pr[t]), tf.mul(dah, Rs[t])], 1);
      dAh[t] = dah;
      dRho[t] = drho;
      // ∂L/∂h̃ = ∂L/∂ĥ ⊙ z + ∂L/∂ρ · Rᵀ
      const dhd = tf.add(tf.mul(dhHat!, Zs[t]), tf.matMul(drho, Rt));
      dhNext = addMaybe(recMask ? tf.mul(dhd, recMask) : dhd, dhCarry);
    }
    const dRhoAll = tf.stack(dRho);
    // ∂L/∂(x·K + bᵢ) = [∂L/∂a_z, ∂L/∂a_r, ∂L/∂a_h]: the zr blocks are ρ's, the h block is ∂L/∂a_h.
    const [dzr] = pickColumns([flat(dRhoAll, 3 * H)], [[0, 0, 2 * H]]);
    const dZ = tf.concat([tf.reshape(dzr, [T, B, 2 * H]), tf.stack(dAh)], 2);
    // ∂L/∂R = h̃ᵀ·∂L/∂ρ and ∂L/∂bᵣ = Σ ∂L/∂ρ, one matMul each over [T·B] rows.
    const dR = ctx.weightGrads ? tf.matMul(tf.transpose(flat(Hin, H)), flat(dRhoAll, 3 * H)) : tf.zerosLike(R);
    return { dZ, dR, dH, dInitial: [dhNext!], dRec: dRhoAll };
  },
};
