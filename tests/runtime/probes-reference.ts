/**
 * An independent float64 reference for the probe tests: the tfjs cell equations (reference/rnn-math.md §2) and tfjs
 * masking (§7) in plain JS numbers, one example at a time, with an optional perturbation of one state entry so
 * central finite differences are free of float32 round-off.
 */
export interface RefWeights {
  K: Float64Array; // [D, kH]
  R: Float64Array; // [H, kH]
  b: Float64Array; // [kH], or [2, kH] for the reset-after GRU (input row, recurrent row)
  D: number;
  H: number;
}

export type RefKind = 'SimpleRNN' | 'LSTM' | 'GRU';
/** Add `delta` to state `state` (h or c) at step `t`, unit `j`, right where the probe tensor would be added. */
export interface Perturb { t: number; state: 'h' | 'c'; j: number; delta: number }

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * Runs one sequence xs[t][d] with mask m[t] (1 real, 0 padded); returns every h_t.
 * @param stepR optional recurrent kernel for one step only (the unrolled, untied view of ∂L/∂R)
 */
export function refRun(kind: RefKind, w: RefWeights, xs: number[][], m: number[] | null, p?: Perturb, stepR?: { t: number; R: Float64Array }): number[][] {
  const { K, b, H } = w;
  const k = kind === 'LSTM' ? 4 : kind === 'GRU' ? 3 : 1;
  let h = new Array(H).fill(0);
  let c = new Array(H).fill(0);
  const hs: number[][] = [];
  xs.forEach((x, t) => {
    const xk = Array.from({ length: k * H }, (_, col) => b[col] + x.reduce((s, xd, d) => s + xd * K[d * k * H + col], 0));
    const R = stepR?.t === t ? stepR.R : w.R;
    const hR = (v: number[], col: number) => v.reduce((s, hv, i) => s + hv * R[i * k * H + col], 0);
    let hN: number[];
    let cN = c;
    if (kind === 'SimpleRNN') hN = xk.map((v, j) => Math.tanh(v + hR(h, j)));
    else if (kind === 'LSTM') {
      const z = xk.map((v, col) => v + hR(h, col));
      cN = c.map((cj, j) => sigmoid(z[H + j]) * cj + sigmoid(z[j]) * Math.tanh(z[2 * H + j]));
      if (p && p.t === t && p.state === 'c') cN[p.j] += p.delta;
      hN = cN.map((cj, j) => sigmoid(z[3 * H + j]) * Math.tanh(cj));
    } else if (b.length === 2 * k * H) {
      // Reset-after (Keras reset_after=True): ρ = h·R + bᵣ, h̃ = tanh(x_h + r ⊙ ρ_h).
      const rho = Array.from({ length: k * H }, (_, col) => b[k * H + col] + hR(h, col));
      const z = h.map((_, j) => sigmoid(xk[j] + rho[j]));
      const r = h.map((_, j) => sigmoid(xk[H + j] + rho[H + j]));
      hN = h.map((hv, j) => z[j] * hv + (1 - z[j]) * Math.tanh(xk[2 * H + j] + r[j] * rho[2 * H + j]));
    } else {
      const z = h.map((_, j) => sigmoid(xk[j] + hR(h, j)));
      const r = h.map((_, j) => sigmoid(xk[H + j] + hR(h, H + j)));
      const rh = h.map((hv, j) => r[j] * hv);
      hN = h.map((hv, j) => z[j] * hv + (1 - z[j]) * Math.tanh(xk[2 * H + j] + hR(rh, 2 * H + j)));
    }
    if (m && m[t] === 0) {
      hN = h.slice();
      cN = c.slice();
    }
    if (p && p.t === t && p.state === 'h') hN[p.j] += p.delta;
    h = hN;
    c = cN;
    hs.push(h.slice());
  });
  return hs;
}

/** Central difference of f at δ (float64). */
export const centralDiff = (f: (delta: number) => number, delta = 1e-5) => (f(delta) - f(-delta)) / (2 * delta);
