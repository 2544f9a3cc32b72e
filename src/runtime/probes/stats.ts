/**
 * Statistics over probe arrays (plain typed arrays, no tensors), shared by the CLI, the recorder and the panels.
 * Layouts follow `DirectionProbe`: per-step values [T, B], gates [T, B, H], mask [B, T] (1 = real step).
 * Masked steps are excluded from every statistic; a step masked in every example yields `null`.
 */

const isReal = (mask: Uint8Array | null, T: number, b: number, t: number) => !mask || mask[b * T + t] === 1;

/** Median of the finite numbers in `xs` (sorted copy), or null. */
export function median(xs: number[]): number | null {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/** Quantile q ∈ [0, 1] by linear interpolation, or null. */
export function quantile(xs: number[], q: number): number | null {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const pos = (v.length - 1) * q;
  const lo = Math.floor(pos);
  return v[lo] + (v[Math.min(lo + 1, v.length - 1)] - v[lo]) * (pos - lo);
}

/** Per step, the values of the examples that are real there. */
export function perStep(values: ArrayLike<number>, mask: Uint8Array | null, T: number, B: number): number[][] {
  return Array.from({ length: T }, (_, t) => {
    const out: number[] = [];
    for (let b = 0; b < B; b++) if (isReal(mask, T, b, t)) out.push(values[t * B + b]);
    return out;
  });
}

/** Median over the batch at every step: the g_t curve of panel P3 (and the `gradNorm` of the CLI). */
export const medianPerStep = (values: ArrayLike<number>, mask: Uint8Array | null, T: number, B: number) =>
  perStep(values, mask, T, B).map(median);

/** Interquartile band per step: [q25, q75]. */
export const iqrPerStep = (values: ArrayLike<number>, mask: Uint8Array | null, T: number, B: number) =>
  perStep(values, mask, T, B).map((xs) => [quantile(xs, 0.25), quantile(xs, 0.75)] as const);

/** Mean of a gate over real examples and all units, per step. */
export function gateMeanPerStep(gate: ArrayLike<number>, mask: Uint8Array | null, T: number, B: number, H: number): (number | null)[] {
  return Array.from({ length: T }, (_, t) => {
    let s = 0, n = 0;
    for (let b = 0; b < B; b++) {
      if (!isReal(mask, T, b, t)) continue;
      const o = (t * B + b) * H;
      for (let j = 0; j < H; j++) s += gate[o + j];
      n += H;
    }
    return n ? s / n : null;
  });
}

/**
 * Gated-path retention (rnn-math.md §10d): R_t = mean over real examples and units of Π_{k=t+1..T} g_k, with
 * g = f (LSTM forget gate) or z (GRU update gate). A masked step carries the state, so it contributes a factor 1.
 * R_T = 1. Computed backwards in one pass per example and unit.
 */
export function retentionPerStep(gate: ArrayLike<number>, mask: Uint8Array | null, T: number, B: number, H: number): (number | null)[] {
  const sum = new Float64Array(T);
  const count = new Float64Array(T);
  for (let b = 0; b < B; b++)
    for (let j = 0; j < H; j++) {
      let prod = 1;
      for (let t = T - 1; t >= 0; t--) {
        if (!isReal(mask, T, b, t)) continue;
        sum[t] += prod;
        count[t] += 1;
        prod *= gate[(t * B + b) * H + j]; // step t's gate scales the path from c_{t−1} (h_{t−1}) onwards
      }
    }
  return Array.from(sum, (s, t) => (count[t] ? s / count[t] : null));
}

/**
 * Least-squares fit of ln g_t = a + s·(T − t) over the steps with g_t > 1e−12 (values at or below are "zero").
 * `perStep` = e^s is the factor the gradient changes by per step back in time (< 1: vanishing), `eFold` = −1/s
 * the number of steps over which it falls by e (Infinity when it does not fall).
 */
export function fitDecay(g: (number | null)[]): { perStep: number; eFold: number; points: number } | null {
  const T = g.length;
  const pts: [number, number][] = [];
  g.forEach((v, t) => {
    if (v !== null && v > 1e-12) pts.push([T - 1 - t, Math.log(v)]);
  });
  if (pts.length < 2) return null;
  const mx = pts.reduce((s, p) => s + p[0], 0) / pts.length;
  const my = pts.reduce((s, p) => s + p[1], 0) / pts.length;
  const sxx = pts.reduce((s, p) => s + (p[0] - mx) ** 2, 0);
  const sxy = pts.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0);
  const slope = sxx ? sxy / sxx : 0;
  return { perStep: Math.exp(slope), eFold: slope < 0 ? -1 / slope : Infinity, points: pts.length };
}

/**
 * Extremes, largest magnitude and mean of a gate or state ([T, B, H] values) over the real steps of example `e`
 * ([B, T] mask), and how many real steps it has: the numbers the gate panel's readout and the lesson's step 4 quote.
 */
export function exampleRange(v: ArrayLike<number>, mask: Uint8Array | null, T: number, B: number, H: number, e: number) {
  let min = Infinity, max = -Infinity, maxAbs = 0, sum = 0, n = 0, steps = 0;
  for (let t = 0; t < T; t++) {
    if (!isReal(mask, T, e, t)) continue;
    steps++;
    for (let j = 0; j < H; j++) {
      const x = v[(t * B + e) * H + j];
      min = Math.min(min, x);
      max = Math.max(max, x);
      maxAbs = Math.max(maxAbs, Math.abs(x));
      sum += x;
      n++;
    }
  }
  return { min, max, maxAbs, mean: n ? sum / n : NaN, steps };
}

/** Panel P2: per unit, the fraction of real steps (over the batch) with the gate < 0.1 and > 0.9. */
export function saturation(gate: ArrayLike<number>, mask: Uint8Array | null, T: number, B: number, H: number) {
  const low = new Float32Array(H), high = new Float32Array(H);
  let n = 0;
  for (let t = 0; t < T; t++)
    for (let b = 0; b < B; b++) {
      if (!isReal(mask, T, b, t)) continue;
      n++;
      const o = (t * B + b) * H;
      for (let j = 0; j < H; j++) {
        if (gate[o + j] < 0.1) low[j]++;
        else if (gate[o + j] > 0.9) high[j]++;
      }
    }
  for (let j = 0; j < H; j++) {
    low[j] /= n || 1;
    high[j] /= n || 1;
  }
  return { low, high };
}

/** Mean of a gate per unit over real steps and examples (unit ordering by mean forget gate, panel P1). */
export function unitMeans(gate: ArrayLike<number>, mask: Uint8Array | null, T: number, B: number, H: number): Float32Array {
  const s = new Float64Array(H);
  let n = 0;
  for (let t = 0; t < T; t++)
    for (let b = 0; b < B; b++) {
      if (!isReal(mask, T, b, t)) continue;
      n++;
      const o = (t * B + b) * H;
      for (let j = 0; j < H; j++) s[j] += gate[o + j];
    }
  return Float32Array.from(s, (v) => v / (n || 1));
}

/**
 * g₁/g_T of a g_t curve (t in reading order): the first step's gradient norm over the last one's, as the gradient
 * panel, the race results and `rnn-studio race` report it. Masked (null) ends are skipped; 0 when g₁ underflowed
 * to 0 in float32; null when there is no finite last value above 0.
 */
export function gradRatio(g: (number | null)[]): number | null {
  const first = g.find((v) => v !== null);
  const last = [...g].reverse().find((v) => v !== null);
  return first == null || last == null || !(last > 0) ? null : first / last;
}

/**
 * Do two [rows, cols] maps peak at the same column? For each row (a decoder step) whose `real` entry is true (not
 * padding), the column of the largest entry of `a` (the attention weights) and of `b` (connectivity) are compared.
 * @returns how many rows agree, out of how many were compared
 * @example argmaxAgreement([0.9, 0.1, 0.2, 0.8], [5, 1, 2, 3], 2, 2) // { agree: 1, of: 2 }
 */
export function argmaxAgreement(a: ArrayLike<number>, b: ArrayLike<number>, rows: number, cols: number, real?: ArrayLike<boolean>): { agree: number; of: number } {
  const peak = (m: ArrayLike<number>, r: number) => {
    let best = 0;
    for (let c = 1; c < cols; c++) if (m[r * cols + c] > m[r * cols + best]) best = c;
    return best;
  };
  let agree = 0, of = 0;
  for (let r = 0; r < rows; r++) {
    if (real && !real[r]) continue;
    of++;
    if (peak(a, r) === peak(b, r)) agree++;
  }
  return { agree, of };
}
