/**
 * The lesson's "What you should see" checks: pure functions from what a run measured (plain numbers, gathered by
 * store/lesson.ts) to a verdict. A verdict's sentence is written from those numbers, so it can never contradict
 * the run on screen: "✓ …" when the run shows what the step teaches, "not this time, because …" when it does not.
 */
import type { AttentionPairResult } from '../runtime/probes/attention-pair-settings.ts';
import { raceVerdict, type RaceResult } from '../runtime/probes/race-settings.ts';
import { fmtLoss, fmtSci, times } from '../runtime/probes/sentences.ts';

export interface Verdict {
  ok: boolean;
  /** The sentence shown under "What you should see" (without the ✓ mark). */
  text: string;
}

const SUP: Record<string, string> = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };

/** A number for a sentence: 0.034, 1.7, or 3·10⁻⁶ for very small or large magnitudes. */
export function num(x: number, digits = 2): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e4) return String(Number(x.toPrecision(digits)));
  const [m, e] = x.toExponential(digits - 1).split('e');
  return `${Number(m)}·10${[...String(Number(e))].map((c) => SUP[c] ?? c).join('')}`;
}
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const pass = (text: string): Verdict => ({ ok: true, text });
const fail = (because: string): Verdict => ({ ok: false, text: `not this time, because ${because}` });
const list = (xs: string[]) => (xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);

// ── step 1: the unrolled cell ─────────────────────────────────────────────────────────────────────────
export interface StripFacts {
  layer: string;
  /** 1-based number of the probe example shown, and how many of its steps are real (unmasked). */
  example: number;
  length: number;
  /** max_j |h_t[j] − h_{t−1}[j]| for each shown step (h_0 = 0). */
  change: number[];
  /** 1 = real, 0 = masked, per shown step; null when the layer sees no mask. */
  mask: number[] | null;
}

/** Largest change of h at a masked step that still counts as "carried over unchanged" (float32 noise). */
export const CARRY_TOLERANCE = 1e-6;

export function checkStrip(f: StripFacts): Verdict {
  const K = f.change.length;
  const real = f.change.map((_, t) => t).filter((t) => !f.mask || f.mask[t] === 1);
  const masked = f.change.map((_, t) => t).filter((t) => f.mask && f.mask[t] === 0);
  const still = real.filter((t) => f.change[t] <= CARRY_TOLERANCE);
  if (still.length) return fail(`h_t did not change at real step${still.length > 1 ? 's' : ''} ${list(still.map((t) => `t = ${t + 1}`))}.`);
  if (!f.mask) return fail(`${f.layer} sees no mask here, so no step is skipped (every one of the ${K} steps changed h_t).`);
  if (!masked.length) return fail(`example ${f.example} has ${f.length} real tokens, so the ${K} steps shown hold no padding to skip.`);
  const moved = masked.filter((t) => f.change[t] > CARRY_TOLERANCE);
  if (moved.length) return fail(`h_t changed by ${num(Math.max(...moved.map((t) => f.change[t])))} at masked step${moved.length > 1 ? 's' : ''} ${list(moved.map((t) => `t = ${t + 1}`))}.`);
  const smallest = Math.min(...real.map((t) => f.change[t]));
  return pass(`${real.length === 1 ? 'the only real token' : `each of the ${real.length} real tokens`} of example ${f.example} changed h_t (by at least ${num(smallest)} in some unit), ` +
    `and at the ${masked.length} padded step${masked.length > 1 ? 's' : ''} (mask 0) h_t was carried over exactly.`);
}

// ── step 2: a text classifier ─────────────────────────────────────────────────────────────────────────
export interface TrainFacts {
  task: string;
  steps: number;
  /** Validation loss of the trained model, and the baseline loss (predicting the training class frequencies). */
  valLoss: number;
  baselineLoss: number;
  /** Validation accuracy of the trained model, and of always answering the majority training class. */
  accuracy: number;
  baselineAccuracy: number;
  /** The "try it" answer on a held-out sample, if it ran. */
  tried: { input: string; output: string } | null;
}

/** How far above the majority class the accuracy must be to count as learned (accuracy points). */
export const LEARNED_MARGIN = 0.05;

/** A loss as the Training tab prints it. */
const loss4 = (x: number) => x.toFixed(4);

export function checkTrain(f: TrainFacts): Verdict {
  const after = `after ${f.steps} steps on ${f.task}`;
  const losses = `validation loss ${loss4(f.valLoss)} against the baseline loss ${loss4(f.baselineLoss)} (predicting the class frequencies)`;
  const accs = `validation accuracy ${pct(f.accuracy)} against ${pct(f.baselineAccuracy)} for always answering the majority class`;
  if (!(f.valLoss < f.baselineLoss)) return fail(`${after} the ${losses} is not below it: the model predicts worse than the class frequencies alone (${accs}).`);
  if (f.accuracy < f.baselineAccuracy + LEARNED_MARGIN) return fail(`${after} the ${accs} is not ${Math.round(100 * LEARNED_MARGIN)} points above it yet (${losses}); more steps would help.`);
  if (!f.tried) return fail(`${after} the ${losses} and the ${accs} beat the baselines, but "try it" has not run on a held-out sample.`);
  return pass(`${after}, ${losses}, and ${accs}. "Try it" read “${f.tried.input}” and answered ${f.tried.output}.`);
}

// ── step 3: the gradient through time ─────────────────────────────────────────────────────────────────
export interface GradientFacts {
  /** Per probed length T: g₁/g_T, the median ‖∂L/∂h_1‖ over ‖∂L/∂h_T‖. */
  curves: { T: number; ratio: number }[];
}

/** g₁/g_T below this at the longest T counts as "vanished". */
export const VANISHED = 1e-2;

export function checkGradient(f: GradientFacts): Verdict {
  const c = [...f.curves].sort((a, b) => a.T - b.T);
  if (c.length < 2) return fail(`only ${c.length} length was probed.`);
  // g₁/g_T as the gradient legend writes it (fmtSci), so the verdict and the chart show one value.
  const said = list(c.map((x) => `${fmtSci(x.ratio)} at T = ${x.T}`));
  for (let k = 1; k < c.length; k++)
    if (!(c[k].ratio < c[k - 1].ratio)) return fail(`g₁/g_T at T = ${c[k].T} (${fmtSci(c[k].ratio)}) is not below T = ${c[k - 1].T} (${fmtSci(c[k - 1].ratio)}).`);
  const last = c[c.length - 1];
  if (!(last.ratio < VANISHED)) return fail(`g₁/g_T fell (${said}) but is still ${fmtSci(last.ratio)} at T = ${last.T}, not below ${fmtSci(VANISHED)}.`);
  return pass(`g₁/g_T = ${said}: the longer the sequence, the less of the gradient reaches the first step.`);
}

// ── step 4: the LSTM's gates ──────────────────────────────────────────────────────────────────────────
export interface GateFacts {
  weights: 'trained' | 'imported' | 'initial';
  /** The probe example the heatmaps show (1-based) and its real (unmasked) steps; every number below is of it. */
  example: number;
  steps: number;
  /** Forget gate f over the example's real steps and all units. */
  fMin: number;
  fMax: number;
  fMean: number;
  /** Largest |c_t| and |h_t| over real steps. */
  cMaxAbs: number;
  hMaxAbs: number;
}

/** A forget gate that keeps more than this share of c per step, on average, makes the cell state a running sum. */
export const KEEPS = 0.5;

export function checkGates(f: GateFacts): Verdict {
  const what = `in example ${f.example} (the one in the heatmaps, ${f.steps} real steps) the forget gate f ranges from ${num(f.fMin)} to ${num(f.fMax)} (mean ${num(f.fMean)}); the cell state c reaches ±${num(f.cMaxAbs)} and h ±${num(f.hMaxAbs)}`;
  if (f.weights !== 'trained') return fail(`these are the ${f.weights} weights (train this graph in step 2 first): ${what}.`);
  if (f.fMean <= KEEPS) return fail(`${what}: on average f keeps only ${num(f.fMean)} of c per step.`);
  if (f.cMaxAbs <= Math.max(1, f.hMaxAbs)) return fail(`${what}: c stays within the ±1 that bounds h.`);
  return pass(`with the trained weights, ${what}: f keeps most of c from step to step, so c adds up past the ±1 that bounds h = o·tanh(c).`);
}

// ── step 5: the race ──────────────────────────────────────────────────────────────────────────────────
/**
 * The race's own verdict (raceVerdict: SimpleRNN ≥ 0.8 × baseline, LSTM and GRU ≤ 0.1 × baseline and ≥ 100× the
 * SimpleRNN's trained g₁/g_T), written as a sentence from the race's results.
 */
export function checkRace(r: RaceResult): Verdict {
  const missing = (['SimpleRNN', 'LSTM', 'GRU'] as const).filter((k) => !r.models.some((m) => m.kind === k && Number.isFinite(m.valLoss)));
  if (missing.length) return fail(`${list([...missing])} did not finish.`);
  const v = raceVerdict(r);
  // Numbers as the race's own sentences write them (sentences.ts), so the verdict and the Inside tab agree to the digit.
  const loss = (k: 'SimpleRNN' | 'LSTM' | 'GRU') => `${k}'s validation loss ${fmtLoss(r.models.find((m) => m.kind === k)!.valLoss)}`;
  const gain = (k: 'LSTM' | 'GRU') => `${k} ${Number.isFinite(v.ratioGain[k]) || v.ratioGain[k] === Infinity ? times(v.ratioGain[k]) : 'unknown'}`;
  const head = `after ${r.steps} steps at T = ${r.seqLen} (baseline ${fmtLoss(r.baseline)})`;
  if (!v.simpleStays) return fail(`${head} the ${loss('SimpleRNN')} got below 0.8 × baseline: at this T it can bridge the lag.`);
  const slow = (['LSTM', 'GRU'] as const).filter((k) => !(v.relLoss[k] <= 0.1));
  if (slow.length) return fail(`${head} the ${list(slow.map(loss))} stayed above 0.1 × baseline: gated cells start with their gates half closed and may need more steps.`);
  if (!v.gatedCarry) return fail(`${head} the gated cells learned, but their trained g₁/g_T is not 100× the SimpleRNN's (${gain('LSTM')}, ${gain('GRU')}).`);
  return pass(`${head} the ${loss('SimpleRNN')} stayed at the baseline, while the ${loss('LSTM')} and the ${loss('GRU')} learned, ` +
    `carrying more of the gradient back to the first step than the SimpleRNN (g₁/g_T ${gain('LSTM')}, ${gain('GRU')}).`);
}

// ── step 6: shapes of bidirectional and stacked layers ────────────────────────────────────────────────
export interface ShapeFacts {
  /** Each Bidirectional layer: its inner units, merge mode, returnSequences and inferred output dims (after the batch axis; null = any length). */
  layers: { name: string; units: number; mergeMode: string; returnSequences: boolean; dims: (number | null)[] }[];
}

/** As the canvas's edges write a shape: `[batch, T, 128]`. */
const shapeText = (dims: (number | null)[]) => `[batch, ${dims.map((d, i) => (d === null ? (i === 0 ? 'T' : '?') : d)).join(', ')}]`;

export function checkShapes(f: ShapeFacts): Verdict {
  if (!f.layers.length) return fail('this graph has no Bidirectional layer.');
  const parts: string[] = [];
  for (const l of f.layers) {
    const width = l.dims[l.dims.length - 1];
    const want = l.mergeMode === 'concat' ? 2 * l.units : l.units;
    if (width !== want) return fail(`${l.name} outputs ${shapeText(l.dims)}, not ${want} features (${l.units} units, merge ${l.mergeMode}).`);
    if ((l.dims.length === 2) !== l.returnSequences) return fail(`${l.name} outputs ${shapeText(l.dims)} with returnSequences ${l.returnSequences ? 'on' : 'off'}.`);
    parts.push(`${l.name} outputs ${shapeText(l.dims)}${l.mergeMode === 'concat' ? ` = ${l.units} forward + ${l.units} backward` : ''}${l.returnSequences ? ', one vector per step for the next layer' : ', only the last state'}`);
  }
  return pass(`${parts.join('; ')}.`);
}

// ── step 7: export ────────────────────────────────────────────────────────────────────────────────────
export interface ExportFacts {
  target: string;
  file: string;
  /** Recurrent directions in the model (a Bidirectional layer has two) and recurrent modules found in the code. */
  directions: number;
  modules: number;
  /** Input sizes the code's recurrent modules read, in order. */
  inputSizes: number[];
}

export function checkExport(f: ExportFacts): Verdict {
  if (f.directions === 0) return fail('this graph has no recurrent layer.');
  if (f.modules !== f.directions) return fail(`${f.file} builds ${f.modules} recurrent modules for the model's ${f.directions} recurrent directions.`);
  return pass(`${f.file} (${f.target}) builds ${f.modules} recurrent module${f.modules > 1 ? 's' : ''}, one per direction, reading ${list(f.inputSizes.map(String))} input features; Download zip adds the weights and a predict script.`);
}

// ── step 8: attention, a short path ───────────────────────────────────────────────────────────────────
export interface AttentionFacts {
  seqLen: number;
  steps: number;
  /** The task's baseline loss (each target token by its frequency). */
  baseline: number;
  /** Per model of the pair: validation loss and the encoder's median ‖∂L/∂h_1‖ (its first step) after training. */
  without: { valLoss: number; g1: number } | null;
  with: { valLoss: number; g1: number } | null;
}

/** The facts of a finished (or stopped) pair run. */
export function attentionFacts(r: AttentionPairResult): AttentionFacts {
  const of = (run: 'with' | 'without') => {
    const m = r.models.find((x) => x.run === run);
    return m ? { valLoss: m.valLoss, g1: m.encoderGrad[0] } : null;
  };
  return { seqLen: r.seqLen, steps: r.steps, baseline: r.baseline, without: of('without'), with: of('with') };
}

/** With attention the validation loss must be at most this share of the loss without it. */
export const ATTENTION_LOSS_SHARE = 0.5;
/** ‖∂L/∂h_1‖ with attention over ‖∂L/∂h_1‖ without it must be at least this. */
export const ATTENTION_G1_GAIN = 1;

/** ‖∂L/∂h_1‖ with attention over without: the ratio the chart's sentence and the verdict quote. */
export const firstStepGain = (f: Pick<AttentionFacts, 'with' | 'without'>) => (f.with && f.without ? f.with.g1 / f.without.g1 : NaN);

export function checkAttention(f: AttentionFacts): Verdict {
  const missing = [f.without ? '' : 'the model without attention', f.with ? '' : 'the model with attention'].filter(Boolean);
  if (missing.length || !f.with || !f.without) return fail(`${list(missing)} did not finish.`);
  const head = `after ${f.steps} steps of reversing ${f.seqLen} symbols (baseline ${fmtLoss(f.baseline)})`;
  const losses = `the validation loss is ${fmtLoss(f.with.valLoss)} with attention and ${fmtLoss(f.without.valLoss)} without`;
  const gain = firstStepGain(f);
  const g1 = `‖∂L/∂h_1‖ of the encoder's first step is ${fmtSci(f.with.g1)} with attention and ${fmtSci(f.without.g1)} without (with / without = ${fmtSci(gain)})`;
  if (!(f.with.valLoss <= ATTENTION_LOSS_SHARE * f.without.valLoss)) return fail(`${head} ${losses}: not below ${ATTENTION_LOSS_SHARE} × the loss without attention.`);
  if (!(gain >= ATTENTION_G1_GAIN)) return fail(`${head} ${losses}, but ${g1}: attention did not bring more gradient to the first step.`);
  return pass(`${head} ${losses}, and ${g1}: attention is a short path from every output step to every input step.`);
}
