/**
 * Our own re-implementation of the tfjs-layers 4.22 recurrent cells (reference/rnn-math.md §2), run with a layer's
 * own weights. The library's loop disposes its gates inside a per-step `tidy`, so gate panels and per-timestep
 * gradient probes need this loop; it is parity-tested against the stock layers (tests/runtime/probes.test.ts).
 *
 * Everything here is in *processing order*: step k is the k-th input the cell reads (for a goBackwards cell,
 * step 1 is the last position of the sequence).
 */
import * as tf from '@tensorflow/tfjs';
import type { RecurrentKind } from '../../layers/index.ts';

type Act = (x: tf.Tensor) => tf.Tensor;

/** tfjs `hardSigmoid`: clip(0.2·x + 0.5, 0, 1); derivative 0.2 inside (−2.5, 2.5), 0 outside. */
const hardSigmoid: Act = (x) => tf.clipByValue(tf.add(tf.mul(x, 0.2), 0.5), 0, 1);

/** The activations the registry offers (φ) plus the two gate activations (σ_r). */
export const ACTIVATION_FNS: Record<string, Act> = {
  tanh: (x) => tf.tanh(x),
  relu: (x) => tf.relu(x),
  sigmoid: (x) => tf.sigmoid(x),
  linear: (x) => x,
  hardSigmoid,
  elu: (x) => tf.elu(x),
  // Keras 3's hard_sigmoid: clip(x/6 + 0.5, 0, 1).
  hardSigmoidKeras3: (x) => tf.clipByValue(tf.add(tf.div(x, 6), 0.5), 0, 1),
};

/** Gate and state names per kind, in the order the panels show them. `cTilde`/`hTilde` are the candidates. */
export const PROBE_GATES: Record<RecurrentKind, readonly string[]> = {
  SimpleRNN: ['a', 'h'],
  LSTM: ['i', 'f', 'cTilde', 'o', 'c', 'h'],
  GRU: ['z', 'r', 'hTilde', 'h'],
};

/**
 * Weights as `layer.getWeights()` returns them: kernel [D, kH], recurrent kernel [H, kH], bias [kH] (if useBias), or
 * [2, kH] for the reset-after GRU and the two-bias LSTM (row 0 input, row 1 recurrent, as Keras).
 */
export interface CellWeights {
  K: tf.Tensor2D;
  R: tf.Tensor2D;
  b?: tf.Tensor1D | tf.Tensor2D;
}

export interface CellConfig {
  kind: RecurrentKind;
  activation: string;
  /** LSTM and GRU only. */
  recurrentActivation?: string;
  /** GRU only: the reset-after form (Keras reset_after=True, nn.GRU). */
  resetAfter?: boolean;
  goBackwards: boolean;
}

/** Zero probe tensors ε added to the states as they are produced; ∂L/∂ε_t is the total derivative ∂L/∂h_t. */
export interface StateProbes {
  h?: tf.Tensor[];
  c?: tf.Tensor[];
  /**
   * Per step, [B, kH] added to the pre-activations (blocks in weight order: LSTM i, f, c, o; GRU z, r, h), so
   * ∂L/∂εa_t = δa_t, the gradient the recurrent kernel's step-t term h_{t−1}ᵀ·δa_t is built from (panel P7).
   */
  a?: tf.Tensor[];
}

export interface CellRun {
  /** h_k after every step, processing order (what the layer outputs with returnSequences). */
  hs: tf.Tensor2D[];
  /** The final h (carried over trailing masked steps). */
  h: tf.Tensor2D;
  /** LSTM only: the final c (carried over trailing masked steps). */
  c?: tf.Tensor2D;
  /** Per gate name: one [B, H] tensor per step. Masked steps hold the values the cell computed there. */
  gates: Record<string, tf.Tensor2D[]>;
  /** The mask in processing order, [B, T] of 0/1, or null. */
  mask: tf.Tensor2D | null;
  /** The input the cell read, [B, T, D], processing order. */
  x: tf.Tensor3D;
}

/**
 * Runs a recurrent cell over `x` ([B, T, D]) exactly as tfjs `rnn()` does: optional time reversal (goBackwards),
 * the initial state `init` (h, and c for an LSTM: an encoder's final states) or zero, and at a masked step every
 * state and the output are carried over from the previous step (rnn-math.md §7). Must be called inside a `tf.tidy`
 * (or a gradient function) — it creates many temporaries.
 */
export function runCell(x: tf.Tensor3D, mask: tf.Tensor2D | null, w: CellWeights, cfg: CellConfig, probes: StateProbes = {}, init?: tf.Tensor2D[]): CellRun {
  const [B, T, D] = x.shape;
  const H = w.R.shape[0];
  const blocks = w.R.shape[1] / H;
  const phi = ACTIVATION_FNS[cfg.activation];
  const sr = ACTIVATION_FNS[cfg.recurrentActivation ?? 'sigmoid'];
  if (!phi || !sr) throw new Error(`unsupported activation ${cfg.activation}/${cfg.recurrentActivation}`);
  const xs = cfg.goBackwards ? tf.reverse(x, 1) : x;
  const m = mask && (cfg.goBackwards ? tf.reverse(mask, 1) : mask);
  // Input projection x·K + b for every step at once (one matmul instead of T).
  let xk = tf.matMul(tf.reshape(xs, [B * T, D]), w.K);
  // Two bias rows: the reset-after GRU adds the recurrent one inside its candidate; the two-bias LSTM adds both here.
  const [bIn, bRec] = w.b?.rank !== 2 ? [w.b, undefined] : cfg.kind === 'GRU' ? tf.unstack(w.b) : [tf.sum(w.b, 0), undefined];
  if (bIn) xk = tf.add(xk, bIn);
  const xz = tf.reshape(xk, [B, T, blocks * H]);
  // GRU splits its recurrent kernel into the z,r part and the candidate part (reset applied before the matmul).
  const [Rzr, Rh] = cfg.kind === 'GRU' ? tf.split(w.R, [2 * H, H], 1) : [w.R, w.R];

  let h: tf.Tensor2D = init?.[0] ?? tf.zeros([B, H]);
  let c: tf.Tensor2D = init?.[1] ?? tf.zeros([B, H]);
  const hs: tf.Tensor2D[] = [];
  const gates: Record<string, tf.Tensor2D[]> = Object.fromEntries(PROBE_GATES[cfg.kind].map((g) => [g, []]));
  for (let t = 0; t < T; t++) {
    const xt = tf.reshape(tf.slice(xz, [0, t, 0], [B, 1, blocks * H]), [B, blocks * H]) as tf.Tensor2D;
    let hN: tf.Tensor2D;
    let cN: tf.Tensor2D | null = null;
    switch (cfg.kind) {
      case 'SimpleRNN': {
        // a_t = x_t·K + b + h_{t−1}·R;  h_t = φ(a_t)
        let a = tf.add(xt, tf.matMul(h, w.R)) as tf.Tensor2D;
        if (probes.a) a = tf.add(a, probes.a[t]) as tf.Tensor2D;
        hN = phi(a) as tf.Tensor2D;
        gates.a.push(a);
        break;
      }
      case 'LSTM': {
        // z = x_t·K + b + h_{t−1}·R, blocks i, f, c̃, o;  c_t = f⊙c_{t−1} + i⊙φ(z_c);  h_t = o⊙φ(c_t)
        let z = tf.add(xt, tf.matMul(h, w.R));
        if (probes.a) z = tf.add(z, probes.a[t]);
        const [zi, zf, zc, zo] = tf.split(z, 4, 1);
        const i = sr(zi) as tf.Tensor2D, f = sr(zf) as tf.Tensor2D, g = phi(zc) as tf.Tensor2D, o = sr(zo) as tf.Tensor2D;
        cN = tf.add(tf.mul(f, c), tf.mul(i, g)) as tf.Tensor2D;
        if (probes.c) cN = tf.add(cN, probes.c[t]) as tf.Tensor2D; // before h_t, so ∂L/∂εc_t is the total δc_t
        hN = tf.mul(o, phi(cN)) as tf.Tensor2D;
        gates.i.push(i); gates.f.push(f); gates.cTilde.push(g); gates.o.push(o);
        break;
      }
      case 'GRU': {
        const plus = (v: tf.Tensor, p?: tf.Tensor) => (p ? tf.add(v, p) : v);
        if (cfg.resetAfter) {
          // ρ = h·R + bᵣ;  z = σ(x_z + ρ_z), r = σ(x_r + ρ_r);  h̃ = φ(x_h + r⊙ρ_h);  h_t = z⊙h_{t−1} + (1 − z)⊙h̃
          const [xZ, xR, xH] = tf.split(xt, 3, 1);
          const rho = bRec ? tf.add(tf.matMul(h, w.R), bRec) : tf.matMul(h, w.R);
          const [rZ, rR, rH] = tf.split(rho, 3, 1);
          const [pZ, pR, pH] = probes.a ? tf.split(probes.a[t], 3, 1) : [];
          const z = sr(plus(tf.add(xZ, rZ), pZ)) as tf.Tensor2D;
          const r = sr(plus(tf.add(xR, rR), pR)) as tf.Tensor2D;
          const hh = phi(plus(tf.add(xH, tf.mul(r, rH)), pH)) as tf.Tensor2D;
          hN = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), hh)) as tf.Tensor2D;
          gates.z.push(z); gates.r.push(r); gates.hTilde.push(hh);
          break;
        }
        // [x_z, x_r, x_h] = x_t·K + b;  z = σ(x_z + h·R_z), r = σ(x_r + h·R_r);  h̃ = φ(x_h + (r⊙h)·R_h)
        // h_t = z⊙h_{t−1} + (1 − z)⊙h̃
        const [xZ, xR, xH] = tf.split(xt, 3, 1);
        const [rZ, rR] = tf.split(tf.matMul(h, Rzr), 2, 1);
        const [pZ, pR, pH] = probes.a ? tf.split(probes.a[t], 3, 1) : [];
        const z = sr(plus(tf.add(xZ, rZ), pZ)) as tf.Tensor2D;
        const r = sr(plus(tf.add(xR, rR), pR)) as tf.Tensor2D;
        const hh = phi(plus(tf.add(xH, tf.matMul(tf.mul(r, h), Rh)), pH)) as tf.Tensor2D;
        hN = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), hh)) as tf.Tensor2D;
        gates.z.push(z); gates.r.push(r); gates.hTilde.push(hh);
        break;
      }
    }
    if (m) {
      // Masked step: carry every state over (tfjs: s_t = m·s_t + (1 − m)·s_{t−1}).
      const mt = tf.reshape(tf.slice(m, [0, t], [B, 1]), [B, 1]);
      const keep = tf.sub(1, mt);
      hN = tf.add(tf.mul(mt, hN), tf.mul(keep, h)) as tf.Tensor2D;
      if (cN) cN = tf.add(tf.mul(mt, cN), tf.mul(keep, c)) as tf.Tensor2D;
    }
    if (probes.h) hN = tf.add(hN, probes.h[t]) as tf.Tensor2D; // ∂L/∂εh_t = ∂L/∂h_t
    if (cN) {
      c = cN;
      gates.c.push(c);
    }
    h = hN;
    hs.push(h);
    gates.h.push(h);
  }
  return { hs, h, ...(cfg.kind === 'LSTM' ? { c } : {}), gates, mask: m, x: xs };
}
