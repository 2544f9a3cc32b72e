/**
 * LSTM, tfjs-layers 4.22 form (rnn-math.md §2), gate blocks i, f, c̃, o:
 *   z = x_t·K + b + h̃_{t−1}·R      (h̃ = h ⊙ recurrent-dropout mask)
 *   i = σ(z_i)  f = σ(z_f)  g = φ(z_c)  o = σ(z_o)
 *   ĉ = f ⊙ c_{t−1} + i ⊙ g          ĥ = o ⊙ φ(ĉ)
 *   c_t, h_t = masked carry of ĉ, ĥ
 */
import * as tf from '@tensorflow/tfjs';
import { derivative } from './activations.ts';
import { pickColumns, unstackTime } from './kernels.ts';
import { addMaybe, carry, incoming, splitMasked, type FusedCell } from './sequence.ts';

export const lstmCell: FusedCell = {
  blocks: 4,
  // Per step: matMul, add, σ, one pick (i, f, o, z_c), φ, 3 for ĉ, φ, mul = 10 kernels (+1 with recurrent dropout,
  // +6 with a mask). Stock tfjs: ≈ 14 forward, and each is also recorded on the tape.
  forward({ xp, R, mask, recMask, initial, act, recAct, batch: B, units: H }) {
    let h: tf.Tensor = initial?.[0] ?? tf.zeros([B, H]);
    let c = initial?.[1] ?? tf.zeros([B, H]);
    const I: tf.Tensor[] = [], F: tf.Tensor[] = [], G: tf.Tensor[] = [], O: tf.Tensor[] = [];
    const cPrev: tf.Tensor[] = [], phiC: tf.Tensor[] = [], hIn: tf.Tensor[] = [], hs: tf.Tensor[] = [], cs: tf.Tensor[] = [];
    for (let t = 0; t < xp.length; t++) {
      const hd = recMask ? tf.mul(h, recMask) : h;
      const z = tf.add(xp[t], tf.matMul(hd, R));
      // σ over all 4H columns in one kernel; φ only on the c̃ block.
      const [i, f, o, zc] = pickColumns([recAct!.apply(z), z], [[0, 0, H], [0, H, H], [0, 3 * H, H], [1, 2 * H, H]]);
      const g = act.apply(zc);
      const cHat = tf.add(tf.mul(f, c), tf.mul(i, g));
      const pc = act.apply(cHat);
      const hHat = tf.mul(o, pc);
      I.push(i); F.push(f); G.push(g); O.push(o); cPrev.push(c); phiC.push(pc); hIn.push(hd);
      h = carry(hHat, h, mask && mask[t]);
      c = carry(cHat, c, mask && mask[t]);
      hs.push(h);
      cs.push(c);
    }
    const keep = [I, F, G, O, cPrev, phiC, hIn].map((l) => tf.stack(l));
    const probe = () => ({ i: keep[0], f: keep[1], cTilde: keep[2], o: keep[3], c: tf.stack(cs), h: tf.stack(hs) });
    return { hs, keep, probe, cLast: c };
  },

  // Per step: 1 add, 2 for ĉ, concat + mul for dz, matMul, mul for dc = 7 kernels (+1 recurrent dropout, +6 mask).
  backward(ctx) {
    const { keep, R, mask, recMask, act, recAct, steps: T, units: H } = ctx;
    const [I, F, G, O, Cp, PhiC, Hin] = keep;
    // Whole-sequence factors (no recurrence):
    //   ∂ĥ/∂ĉ = o ⊙ φ′(ĉ);   ∂ĉ → z: [g ⊙ σ′_i, c_{t−1} ⊙ σ′_f, i ⊙ φ′_g],  ∂ĥ → z_o: φ(ĉ) ⊙ σ′_o
    const P = unstackTime(tf.mul(O, derivative(act, PhiC)));
    const Gz = unstackTime(tf.concat([
      tf.mul(G, derivative(recAct!, I)),
      tf.mul(Cp, derivative(recAct!, F)),
      tf.mul(I, derivative(act, G)),
      tf.mul(PhiC, derivative(recAct!, O)),
    ], 2));
    const Fs = unstackTime(F);
    const Rt = tf.transpose(R);
    const dZ: tf.Tensor[] = new Array(T);
    const dH: tf.Tensor[] = new Array(T);
    let dhNext: tf.Tensor | null = ctx.dFinal?.[0] ?? null;
    let dcNext: tf.Tensor | null = ctx.dFinal?.[1] ?? null;
    for (let t = T - 1; t >= 0; t--) {
      const m = mask && mask[t];
      dH[t] = incoming(ctx, t, dhNext);
      const [dhHat, dcIn] = [splitMasked(dH[t], m), splitMasked(dcNext, m)];
      // ∂L/∂ĉ = ∂L/∂c_t (through the cell) + ∂L/∂ĥ ⊙ o ⊙ φ′(ĉ)
      const dcHat = addMaybe(tf.mul(dhHat[0]!, P[t]), dcIn[0]);
      const dz = tf.mul(tf.concat([dcHat, dcHat, dcHat, dhHat[0]!], 1), Gz[t]);
      dZ[t] = dz;
      const dhd = tf.matMul(dz, Rt);
      dhNext = addMaybe(recMask ? tf.mul(dhd, recMask) : dhd, dhHat[1]);
      dcNext = addMaybe(tf.mul(dcHat, Fs[t]), dcIn[1]);
    }
    const dZs = tf.stack(dZ);
    const B = Hin.shape[1]!;
    // ∂L/∂R = Σ_t h̃_{t−1}ᵀ·dz_t as one matMul over [T·B] rows.
    const dR = ctx.weightGrads ? tf.matMul(tf.transpose(tf.reshape(Hin, [T * B, H])), tf.reshape(dZs, [T * B, 4 * H])) : tf.zerosLike(R);
    return { dZ: dZs, dR, dH, dInitial: [dhNext!, dcNext!] };
  },
};
