/**
 * Long-lag synthetic tasks (shared/reference/tasks.md §1a–§5). Each sample is generated from its own seeded
 * generator, so training sets are "virtual": any number of samples, no memory, identical for the same seed.
 */
import { sampleRng } from './rng.ts';
import { oneHot, type MakeOptions, type TaskDef } from './types.ts';

/** Synthetic tasks draw fresh sequences: this many per "epoch" of training, and a fixed validation set. */
const TRAIN = 100_000;
const VAL = 1_000;

const fmt = (v: number) => v.toFixed(2);
const clampLen = (o: MakeOptions, d: number, min: number, max: number) => Math.max(min, Math.min(max, Math.round(o.seqLen ?? d)));

/**
 * §1a Adding problem, uRNN variant (Arjovsky et al. 2016). x: [T, 2], channel 0 ~ U[0,1], channel 1 marks
 * exactly two steps, one in [0, T/2) and one in [T/2, T). y = sum of the two marked values.
 * Baseline: predicting 1 always gives MSE = Var(U₁ + U₂) = 2 · 1/12 = 1/6.
 */
export const adding: TaskDef = {
  id: 'adding',
  title: 'Adding problem',
  summary: 'Sum the two marked numbers of a long sequence; a constant guess of 1 scores MSE 1/6 ≈ 0.167.',
  group: 'long-lag',
  seqLen: { default: 100, min: 4, max: 1000, label: 'Sequence length T' },
  make(o) {
    const T = clampLen(o, 100, 4, 1000);
    const half = Math.floor(T / 2);
    const gen = (i: number) => {
      const r = sampleRng(o.seed, i);
      const x = new Float32Array(T * 2);
      for (let t = 0; t < T; t++) x[2 * t] = r.next();
      const p1 = r.int(0, half);
      const p2 = r.int(half, T);
      x[2 * p1 + 1] = 1;
      x[2 * p2 + 1] = 1;
      return { x, T, y: [x[2 * p1] + x[2 * p2]], p1, p2 };
    };
    return {
      info: {
        id: 'adding', title: 'Adding problem (uRNN variant)',
        description: `T=${T}: values ~ U[0,1] on channel 0; channel 1 marks one step in [0, ${half}) and one in [${half}, ${T}). Target: their sum, at the end.`,
        input: { kind: 'features', features: 2 }, output: { kind: 'regression', units: 1 }, length: T,
        baseline: { loss: 1 / 6, what: 'always predict 1 (MSE = Var(U₁+U₂) = 1/6)' }, params: { T },
      },
      trainSize: TRAIN, valSize: VAL,
      sample: gen,
      show(i) {
        const s = gen(i);
        return { input: `${T} pairs; marked: step ${s.p1} (${fmt(s.x[2 * s.p1])}) and step ${s.p2} (${fmt(s.x[2 * s.p2])})`, target: fmt(s.y[0]) };
      },
    };
  },
};

/**
 * The adding problem read by two heads (a model with two outputs): the sum of the two marked values (regression,
 * MSE) and whether that sum is above 1 (two classes). A sample's targets: [sum, class]. Baselines: predicting 1
 * gives MSE 1/6; P(U₁ + U₂ > 1) = 1/2 exactly, so a coin gives cross-entropy ln 2. The total baseline is their sum
 * (loss weights 1).
 */
export const addingHeads: TaskDef = {
  id: 'adding-heads',
  title: 'Adding, two heads',
  summary: 'Two outputs on the adding problem: the sum of the two marked numbers, and whether it is above 1.',
  group: 'long-lag',
  seqLen: { default: 20, min: 4, max: 1000, label: 'Sequence length T' },
  make(o) {
    const base = adding.make({ ...o, seqLen: clampLen(o, 20, 4, 1000) });
    const sample = (i: number) => {
      const s = base.sample(i);
      return { ...s, y: [s.y[0], s.y[0] > 1 ? 1 : 0] };
    };
    return {
      ...base,
      info: {
        ...base.info, id: 'adding-heads', title: 'Adding, two heads',
        description: `${base.info.description} Two targets: the sum (a number) and whether it is above 1 (two classes).`,
        heads: [
          { name: 'sum', output: { kind: 'regression', units: 1 }, baseline: 1 / 6 },
          { name: 'above 1', output: { kind: 'classes', classes: 2, perStep: false, classNames: ['≤ 1', '> 1'] }, baseline: Math.LN2 },
        ],
        baseline: { loss: 1 / 6 + Math.LN2, what: 'predict 1 for the sum (MSE 1/6) and a coin for "above 1" (cross-entropy ln 2), loss weights 1' },
      },
      sample,
      show(i) {
        const y = sample(i).y;
        return { ...base.show(i), target: `${fmt(y[0])}, ${y[1] ? '> 1' : '≤ 1'}` };
      },
    };
  },
};

const COPY_SYMBOLS = ['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', '_', ':'];
/**
 * §2 Copy memory (uRNN variant). Input length T+20: 10 symbols from a0…a7, T−1 blanks (8), the delimiter (9),
 * 10 blanks. Target: T+10 blanks, then the 10 symbols. Baseline: blanks, then uniform over 8 → 10·ln 8/(T+20).
 */
export const copy: TaskDef = {
  id: 'copy',
  title: 'Copy memory',
  summary: 'Remember 10 symbols across T blank steps and replay them after the delimiter (per-step softmax).',
  group: 'long-lag',
  seqLen: { default: 100, min: 1, max: 500, label: 'Delay T' },
  make(o) {
    const T = clampLen(o, 100, 1, 500);
    const L = T + 20;
    const gen = (i: number) => {
      const r = sampleRng(o.seed, i);
      const ids = new Int32Array(L).fill(8);
      const y = new Int32Array(L).fill(8);
      for (let k = 0; k < 10; k++) {
        ids[k] = r.int(0, 8);
        y[T + 10 + k] = ids[k];
      }
      ids[T + 9] = 9;
      return { x: oneHot(ids, 10), T: L, y, ids };
    };
    const text = (a: ArrayLike<number>) => Array.from(a, (v) => COPY_SYMBOLS[v]).join(' ').replace(/(_ ){6,}/g, (m) => `_×${m.length / 2} `);
    return {
      info: {
        id: 'copy', title: 'Copy memory (uRNN variant)',
        description: `10 symbols, ${T - 1} blanks, a delimiter, 10 blanks (length ${L}); the model outputs blanks, then the 10 symbols.`,
        input: { kind: 'features', features: 10 }, output: { kind: 'classes', classes: 10, perStep: true, classNames: COPY_SYMBOLS }, length: L,
        baseline: { loss: (10 * Math.log(8)) / L, what: 'blanks, then a uniform guess over the 8 symbols: 10·ln 8/(T+20)' }, params: { T },
      },
      trainSize: TRAIN, valSize: VAL, symbols: COPY_SYMBOLS,
      sample: gen,
      show(i) {
        const s = gen(i);
        return { input: text(s.ids), target: text(s.y) };
      },
    };
  },
};

const ORDER_SYMBOLS = ['a', 'b', 'c', 'd', 'X', 'Y', 'E', 'B'];
const ORDER_CLASSES = ['XX', 'XY', 'YX', 'YY'];
/**
 * §3 Temporal order, task 2a (Hochreiter & Schmidhuber). One-hot over {a,b,c,d,X,Y,E,B}; E first, B last,
 * distractors elsewhere; t₁ ∈ [0.1T, 0.2T] and t₂ ∈ [0.5T, 0.6T] (= [10,20] and [50,60] at T = 100) hold X or Y.
 * Class = the ordered pair (XX, XY, YX, YY). Porting note: the paper draws the length from [T, T+10]; we keep
 * every sample at length T so batches need no mask. Baseline: accuracy 1/4, cross-entropy ln 4.
 */
export const temporalOrder: TaskDef = {
  id: 'temporal-order',
  title: 'Temporal order',
  summary: 'Which of X/Y came first and second, among distractors: 4 classes decided at the end.',
  group: 'long-lag',
  seqLen: { default: 100, min: 20, max: 1000, label: 'Sequence length T' },
  make(o) {
    const T = clampLen(o, 100, 20, 1000);
    const range = (a: number, b: number) => [Math.round(a * T), Math.round(b * T)] as const;
    const [a1, b1] = range(0.1, 0.2);
    const [a2, b2] = range(0.5, 0.6);
    const gen = (i: number) => {
      const r = sampleRng(o.seed, i);
      const ids = new Int32Array(T);
      for (let t = 1; t < T - 1; t++) ids[t] = r.int(0, 4);
      ids[0] = 6;
      ids[T - 1] = 7;
      const t1 = r.int(a1, b1 + 1);
      const t2 = r.int(a2, b2 + 1);
      const y1 = r.int(0, 2);
      const y2 = r.int(0, 2);
      ids[t1] = 4 + y1;
      ids[t2] = 4 + y2;
      return { x: oneHot(ids, 8), T, y: [2 * y1 + y2], ids, t1, t2 };
    };
    return {
      info: {
        id: 'temporal-order', title: 'Temporal order (2a)',
        description: `Length ${T}; X or Y at t₁ ∈ [${a1}, ${b1}] and t₂ ∈ [${a2}, ${b2}], distractors a–d elsewhere. Classify XX, XY, YX, YY.`,
        input: { kind: 'features', features: 8 }, output: { kind: 'classes', classes: 4, perStep: false, classNames: ORDER_CLASSES }, length: T,
        baseline: { loss: Math.log(4), metric: 0.25, what: 'a uniform guess over 4 classes (ln 4, accuracy 1/4)' }, params: { T },
      },
      trainSize: TRAIN, valSize: VAL, symbols: ORDER_SYMBOLS,
      sample: gen,
      show(i) {
        const s = gen(i);
        return { input: `${Array.from(s.ids.slice(0, Math.min(T, 24)), (v) => ORDER_SYMBOLS[v]).join('')}${T > 24 ? '…' : ''}  (t₁=${s.t1}: ${ORDER_SYMBOLS[s.ids[s.t1]]}, t₂=${s.t2}: ${ORDER_SYMBOLS[s.ids[s.t2]]})`, target: ORDER_CLASSES[s.y[0]] };
      },
    };
  },
};

/**
 * §4 Parity of L bits, given as ±1 on one feature. Label 1 when the number of ones is odd. Baseline: accuracy
 * 1/2, cross-entropy ln 2 (fixed length L; no padding).
 */
export const parity: TaskDef = {
  id: 'parity',
  title: 'Parity',
  summary: 'Is the number of ones odd? Every bit matters, so no shortcut exists.',
  group: 'long-lag',
  seqLen: { default: 10, min: 1, max: 200, label: 'Bits L' },
  make(o) {
    const L = clampLen(o, 10, 1, 200);
    const gen = (i: number) => {
      const r = sampleRng(o.seed, i);
      const x = new Float32Array(L);
      let ones = 0;
      for (let t = 0; t < L; t++) {
        const b = r.bool();
        x[t] = b ? 1 : -1;
        ones += b ? 1 : 0;
      }
      return { x, T: L, y: [ones % 2] };
    };
    return {
      info: {
        id: 'parity', title: 'Parity', description: `${L} bits (±1); class 1 when the count of ones is odd.`,
        input: { kind: 'features', features: 1 }, output: { kind: 'classes', classes: 2, perStep: false, classNames: ['even', 'odd'] }, length: L,
        baseline: { loss: Math.log(2), metric: 0.5, what: 'a coin flip (ln 2, accuracy 1/2)' }, params: { L },
      },
      trainSize: TRAIN, valSize: VAL,
      sample: gen,
      show(i) {
        const s = gen(i);
        return { input: Array.from(s.x, (v) => (v > 0 ? '1' : '0')).join(''), target: s.y[0] ? 'odd' : 'even' };
      },
    };
  },
};

const K = 4;
const M = 16;
/** First-token's typed text: words split on spaces. */
const words = (text: string) => text.trim().split(/\s+/).filter(Boolean);
/**
 * §5 Remember the first token. Vocabulary: 0 PAD, 1…K class tokens, K+1…K+M distractors. x₁ = class token,
 * x₂…x_{L+1} uniform distractors; label = the class at the end. Baseline: accuracy 1/K, cross-entropy ln K.
 */
export const firstToken: TaskDef = {
  id: 'first-token',
  title: 'Remember the first token',
  summary: 'The class is the very first token; L distractors follow. Tests how far back memory reaches.',
  group: 'long-lag',
  seqLen: { default: 20, min: 1, max: 200, label: 'Distractors L' },
  make(o) {
    const L = clampLen(o, 20, 1, 200);
    const symbols = ['<pad>', ...Array.from({ length: K }, (_, k) => `C${k + 1}`), ...Array.from({ length: M }, (_, k) => `d${k + 1}`)];
    const gen = (i: number) => {
      const r = sampleRng(o.seed, i);
      const x = new Int32Array(L + 1);
      const c = r.int(0, K);
      x[0] = 1 + c;
      for (let t = 1; t <= L; t++) x[t] = 1 + K + r.int(0, M);
      return { x, T: L + 1, y: [c] };
    };
    return {
      info: {
        id: 'first-token', title: 'Remember the first token',
        description: `A class token C1–C${K}, then ${L} random distractors; predict the class at the end.`,
        input: { kind: 'tokens', vocabSize: 1 + K + M },
        output: { kind: 'classes', classes: K, perStep: false, classNames: symbols.slice(1, K + 1) }, length: L + 1,
        baseline: { loss: Math.log(K), metric: 1 / K, what: `a uniform guess over ${K} classes` }, params: { L, K, M },
      },
      trainSize: TRAIN, valSize: VAL, symbols,
      sample: gen,
      encode: (text) => words(text).map((w) => Math.max(0, symbols.indexOf(w))),
      tokens: words,
      show(i) {
        const s = gen(i);
        return { input: Array.from(s.x, (v) => symbols[v]).join(' '), target: symbols[1 + s.y[0]] };
      },
    };
  },
};

/** The forecast's horizon: the target is the signal this many steps after the window's last step. */
export const FORECAST_HORIZON = 4;
const FORECAST_OMEGA = [0.05, 0.25] as const;
const FORECAST_AMPLITUDE = [0.5, 1] as const;
const FORECAST_NOISE = 0.1;

/**
 * The persistence forecast's MSE (repeat the window's last observed value), in closed form. With
 * s(t) = Σₖ aₖ sin(ωₖ t + φₖ), φₖ ~ U[0, 2π): E[(s(t+h) − s(t))²] = Σₖ E[aₖ²] (1 − E[cos ωₖh]), where
 * E[a²] = (b³ − a³) / (3(b − a)) for a ~ U[a, b] and E[cos ωh] = (sin(ω₁h) − sin(ω₀h)) / (h(ω₁ − ω₀)) for ω ~ U[ω₀, ω₁];
 * the last value also carries its noise (variance σ²), the target none.
 */
export function persistenceMse(h: number): number {
  const [a0, a1] = FORECAST_AMPLITUDE;
  const [w0, w1] = FORECAST_OMEGA;
  const ea2 = (a1 ** 3 - a0 ** 3) / (3 * (a1 - a0));
  const ecos = (Math.sin(w1 * h) - Math.sin(w0 * h)) / (h * (w1 - w0));
  return 2 * ea2 * (1 - ecos) + FORECAST_NOISE ** 2;
}

/**
 * Forecasting: a window of T noisy values of s(t) = a₁ sin(ω₁t + φ₁) + a₂ sin(ω₂t + φ₂), each sample with its own
 * a ~ U[0.5, 1], ω ~ U[0.05, 0.25] (periods of 25–126 steps), φ ~ U[0, 2π), plus uniform noise of standard deviation
 * 0.1; the target is the noise-free s(T − 1 + h), h = FORECAST_HORIZON steps after the window. Baseline: the
 * persistence forecast (the last value seen), whose MSE `persistenceMse` gives in closed form.
 */
export const sineForecast: TaskDef = {
  id: 'sine-forecast',
  title: 'Forecast a noisy series',
  summary: `Predict a noisy sum of two sines ${FORECAST_HORIZON} steps after the window; repeating the last value is the baseline.`,
  group: 'forecasting',
  seqLen: { default: 48, min: 8, max: 500, label: 'Window length T' },
  make(o) {
    const T = clampLen(o, 48, 8, 500);
    const h = FORECAST_HORIZON;
    const halfWidth = FORECAST_NOISE * Math.sqrt(3); // U[−w, w] has variance w²/3
    const gen = (i: number) => {
      const r = sampleRng(o.seed, i);
      const waves = [0, 1].map(() => ({
        a: FORECAST_AMPLITUDE[0] + r.next() * (FORECAST_AMPLITUDE[1] - FORECAST_AMPLITUDE[0]),
        w: FORECAST_OMEGA[0] + r.next() * (FORECAST_OMEGA[1] - FORECAST_OMEGA[0]),
        phi: r.next() * 2 * Math.PI,
      }));
      const s = (t: number) => waves.reduce((acc, { a, w, phi }) => acc + a * Math.sin(w * t + phi), 0);
      const x = new Float32Array(T);
      for (let t = 0; t < T; t++) x[t] = s(t) + (2 * r.next() - 1) * halfWidth;
      return { x, T, y: [s(T - 1 + h)] };
    };
    return {
      info: {
        id: 'sine-forecast', title: 'Forecast a noisy series',
        description: `T=${T} noisy values of a sum of two sines (random amplitudes, periods of 25–126 steps and phases, noise σ = ${FORECAST_NOISE}); target: the noise-free value ${h} steps after the window.`,
        input: { kind: 'features', features: 1 }, output: { kind: 'regression', units: 1 }, length: T,
        baseline: { loss: persistenceMse(h), what: `repeat the window's last value (the persistence forecast, MSE ${persistenceMse(h).toFixed(3)})` },
        params: { T, horizon: h },
      },
      trainSize: TRAIN, valSize: VAL,
      sample: gen,
      show(i) {
        const s = gen(i);
        return { input: `${T} values, the last ${Array.from(s.x.slice(-4), fmt).join(', ')}`, target: `${fmt(s.y[0])} (${h} steps later)` };
      },
    };
  },
};
