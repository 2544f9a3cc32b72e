/**
 * Every sentence the app shows about a result, written from the numbers of the run on screen (issue 10: "sentences
 * that agree with the run"). Pure text from plain numbers: no tfjs, no React; the Inside panels, the race and the
 * lesson call it. Where a run departs from the textbook story (the SimpleRNN's gradient vanishes, the gated cells
 * keep it), the text says so and gives the reason that applies to the numbers.
 */
import type { AttentionPairResult } from './attention-pair-settings.ts';
import type { RaceModelResult, RaceResult } from './race-settings.ts';

/** Loss within this fraction of the baseline: "stayed at the baseline"; at or below LEARNED: "learned the task". */
export const AT_BASELINE = 0.8;
export const LEARNED = 0.1;

export type Outcome = 'baseline' | 'learned' | 'partly';
export const outcome = (loss: number, baseline: number): Outcome =>
  loss >= AT_BASELINE * baseline ? 'baseline' : loss <= LEARNED * baseline ? 'learned' : 'partly';

const SUP: Record<string, string> = { '-': '⁻', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };
/** A small or large positive number as "3·10⁻⁶" (one significant digit is what a sentence needs); 0 as "0". */
export function fmtSci(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '—';
  if (v === 0) return '0';
  if (v >= 0.01 && v < 1000) return String(+v.toPrecision(2));
  const e = Math.floor(Math.log10(v));
  let m = Math.round(v / 10 ** e);
  let ex = e;
  if (m === 10) {
    m = 1;
    ex++;
  }
  const pow = `10${String(ex).replace(/./g, (c) => SUP[c])}`;
  return m === 1 ? pow : `${m}·${pow}`;
}
/** A loss as every race sentence writes it: 0.165, or 0.0072 below 0.01. */
export const fmtLoss = (v: number) => (v >= 0.01 ? v.toFixed(3) : v.toPrecision(2));
/** "8×", "2,300×" or "10⁵×": how many times larger. */
export const times = (x: number) => (x === Infinity ? 'infinitely many times' : x < 1e4 ? `${Math.round(x).toLocaleString('en')}×` : `${fmtSci(x)}×`);
const list = (xs: string[]) => (xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);
const the = (kinds: string[]) => `the ${list(kinds)}`;
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Why a gated cell's gradient vanishes at initialisation, per kind (the gate values its initialisation sets). */
const GATE_REASON: Record<string, string> = {
  LSTM: 'the LSTM starts with its forget gate near σ(1) ≈ 0.73 (unit forget bias), so the cell path shrinks by about 0.73 per step back',
  GRU: 'the GRU starts with its update gate near 0.5, so its gated path shrinks by about half per step back',
};

/** One model's gradient and loss, in one sentence: "In this run the SimpleRNN's gradient at t = 1 is 3·10⁻⁶ of …". */
export function modelSentence(kind: string, ratio: number | null, T: number, loss?: { value: number; baseline: number }, when = 'In this run'): string {
  const g = ratio === null ? `${when} the ${kind}'s gradient could not be measured` :
    ratio === 0 ? `${when} the ${kind}'s gradient at t = 1 is 0: it underflowed in float32 on the way back from t = ${T}` :
    `${when} the ${kind}'s gradient at t = 1 is ${ratio >= 1 ? `${fmtSci(ratio)} times` : `${fmtSci(ratio)} of`} its value at t = ${T}`;
  if (!loss) return `${g}.`;
  const o = outcome(loss.value, loss.baseline);
  const l = o === 'baseline' ? `its validation loss stayed at the baseline (${fmtLoss(loss.value)} against ${fmtLoss(loss.baseline)})` :
    o === 'learned' ? `its validation loss fell to ${fmtLoss(loss.value)}, ${(100 * loss.value / loss.baseline).toPrecision(2)}% of the baseline ${fmtLoss(loss.baseline)}: it learned the task` :
    `its validation loss fell to ${fmtLoss(loss.value)}, ${(100 * loss.value / loss.baseline).toPrecision(2)}% of the baseline ${fmtLoss(loss.baseline)}: part of the way`;
  return `${g}, and ${l}.`;
}

/**
 * The result of a race as sentences: the headline (who stayed at the baseline, who learned), one sentence per
 * model, the gradient comparison after training, and what happened at initialisation, with the reason wherever
 * the numbers depart from the textbook.
 */
export function raceSentences(r: RaceResult): string[] {
  const out: string[] = [];
  const by = (o: Outcome) => r.models.filter((m) => outcome(m.valLoss, r.baseline) === o);
  const stayed = by('baseline'), learned = by('learned'), partly = by('partly');
  const losses = (ms: RaceModelResult[]) => list(ms.map((m) => fmtLoss(m.valLoss)));
  const head: string[] = [];
  if (stayed.length) head.push(`${stayed.length === 1 && r.models.length > 1 ? 'Only the' : 'The'} ${list(stayed.map((m) => m.kind))} stayed at the baseline (validation loss ${losses(stayed)} against ${fmtLoss(r.baseline)})`);
  if (learned.length) head.push(`${the(learned.map((m) => m.kind))} learned the task (${losses(learned)})`);
  if (partly.length) head.push(`${the(partly.map((m) => m.kind))} got part of the way (${losses(partly)})`);
  if (head.length) out.push(`After ${r.steps} steps at T = ${r.seqLen}: ${head.map((h, i) => (i ? h : cap(h))).join('; ')}.`);
  for (const m of r.models) out.push(modelSentence(m.kind, m.gradRatioTrained, r.seqLen, { value: m.valLoss, baseline: r.baseline }));

  const rnn = r.models.find((m) => m.kind === 'SimpleRNN');
  const gated = r.models.filter((m) => m.kind !== 'SimpleRNN');
  const stuck = (m: RaceModelResult) => outcome(m.valLoss, r.baseline) === 'baseline';
  if (rnn?.gradRatioTrained != null) {
    for (const m of gated) {
      if (m.gradRatioTrained == null) continue;
      const f = rnn.gradRatioTrained === 0 ? (m.gradRatioTrained > 0 ? Infinity : 1) : m.gradRatioTrained / rnn.gradRatioTrained;
      // A model still at the baseline gets the reason and what to try, whatever its ratio: never "keeps it" or "opened".
      const tail = stuck(m) ? `${f > 1 ? ', but' : ', and'} it has not left the baseline: ${GATE_REASON[m.kind] ?? 'its gates start half open'}, and ${r.steps} steps were not enough for it to learn the task — try more steps or a shorter T.` :
        f > 1 ? ': its gated path keeps it.' : '.';
      if (f > 1) out.push(`After training, the ${m.kind} carries ${times(f)} more of its gradient back to t = 1 than the SimpleRNN${tail}`);
      else out.push(`Unlike the textbook picture, after training the ${m.kind} carries ${f === 1 ? 'no more' : `less (${fmtSci(f)} as much)`} of its gradient back to t = 1 than the SimpleRNN here${tail}`);
    }
  }
  if (rnn?.gradRatioInit != null) {
    const faster = gated.filter((m) => m.gradRatioInit != null && m.gradRatioInit < rnn.gradRatioInit!);
    // "Opened" only for a model that left the baseline and whose ratio rose with training.
    const opened = faster.filter((m) => !stuck(m) && m.gradRatioTrained != null && m.gradRatioTrained > m.gradRatioInit!);
    if (faster.length)
      out.push(`At initialisation the gradient of ${the(faster.map((m) => m.kind))} vanished faster than the SimpleRNN's (${list(faster.map((m) => `${m.kind} ${fmtSci(m.gradRatioInit)}`))} against ${fmtSci(rnn.gradRatioInit)}), ` +
        `the opposite of the textbook picture: ${faster.map((m) => GATE_REASON[m.kind]).filter(Boolean).join('; ')}.` +
        (opened.length ? ` Training opened the gated path${opened.length > 1 ? 's' : ''} of ${the(opened.map((m) => m.kind))} (compare the dashed initialisation curves).` : ''));
  }
  return out;
}

/** A probe of one or more models (no training, or training done elsewhere): per model its g₁/g_T, plus the comparison at initialisation. */
export function probeSentences(models: { kind: string; label: string; ratio: number | null }[], T: number, trained: boolean): string[] {
  const when = trained ? 'With the trained weights' : 'At initialisation';
  const out = models.map((m) => modelSentence(m.kind === m.label ? m.kind : m.label, m.ratio, T, undefined, when));
  const rnn = models.find((m) => m.kind === 'SimpleRNN');
  if (!trained && rnn?.ratio != null) {
    const faster = models.filter((m) => m.kind in GATE_REASON && m.ratio != null && m.ratio < rnn.ratio!);
    if (faster.length) out.push(`Here the gated cells vanish faster than the SimpleRNN, unlike the textbook picture: ${faster.map((m) => GATE_REASON[m.kind]).join('; ')}. Training has to open these gates before they carry the past.`);
  }
  const lone = models.length === 1 ? models[0] : null;
  if (!trained && lone && lone.kind in GATE_REASON && lone.ratio != null && lone.ratio < 1e-3)
    out.push(`That is expected for an untrained ${lone.kind}: ${GATE_REASON[lone.kind]}. An ${lone.kind} at a long T may sit at the baseline for hundreds of steps before its loss falls.`);
  return out;
}

/**
 * The gradient legend's words for one curve of T steps: g₁/g_T, written as the sentences write it, and the average
 * factor per step back over the same T − 1 steps, (g₁/g_T)^(1/(T−1)), so the two can never disagree.
 */
export function ratioLegend(ratio: number | null, T: number): string {
  if (ratio === null) return 'g₁/g_T could not be measured';
  if (ratio === 0) return `g₁/g_T = 0 over ${T - 1} steps back (underflowed in float32)`;
  return `g₁/g_T = ${fmtSci(ratio)} over ${T - 1} steps back = ×${(ratio ** (1 / Math.max(1, T - 1))).toFixed(3)} per step on average`;
}

/** The gradient-flow panel: how g₁ and the probe-batch loss (the loss on the probed sequences) changed between the first and the last recorded step. */
export function flowSentence(label: string, first: { step: number; g1: number | null; loss: number }, last: { step: number; g1: number | null; loss: number }, baseline?: number): string {
  if (last.step === first.step) return `One snapshot so far (step ${first.step}): g at t = 1 is ${fmtSci(first.g1)}, probe-batch loss ${fmtLoss(first.loss)}.`;
  const g = first.g1 === null || last.g1 === null ? 'could not be compared' :
    last.g1 > first.g1 ? `rose from ${fmtSci(first.g1)} to ${fmtSci(last.g1)}` : last.g1 < first.g1 ? `fell from ${fmtSci(first.g1)} to ${fmtSci(last.g1)}` : `stayed at ${fmtSci(last.g1)}`;
  const l = `the probe-batch loss went from ${fmtLoss(first.loss)} to ${fmtLoss(last.loss)}` +
    (baseline !== undefined ? ` (${outcome(last.loss, baseline) === 'baseline' ? 'still at' : outcome(last.loss, baseline) === 'learned' ? 'far below' : 'below'} the baseline ${fmtLoss(baseline)})` : '');
  return `${cap(label)}: from step ${first.step} to step ${last.step} the gradient at t = 1 ${g}, and ${l}.`;
}

/**
 * What the with/without-attention pair found: the validation losses, and ‖∂L/∂h_1‖ of the encoder's first step with
 * attention over without (the ratio the lesson's step 8 checks), once each model has finished.
 */
export function attentionPairSentences(r: AttentionPairResult): string[] {
  const w = r.models.find((m) => m.run === 'with'), wo = r.models.find((m) => m.run === 'without');
  const out: string[] = [];
  const loss = (m: typeof w, what: string) => (m ? `${fmtLoss(m.valLoss)} ${what}` : null);
  const losses = [loss(w, 'with attention'), loss(wo, 'without')].filter((x): x is string => x !== null);
  if (losses.length) out.push(`After ${r.steps} steps reversing L = ${r.seqLen} symbols, the validation loss is ${list(losses)} (baseline ${fmtLoss(r.baseline)}).`);
  if (w && wo) {
    const f = w.encoderGrad[0] / wo.encoderGrad[0];
    out.push(`‖∂L/∂h_1‖ with attention / ‖∂L/∂h_1‖ without = ${fmtSci(w.encoderGrad[0])} / ${fmtSci(wo.encoderGrad[0])} = ${fmtSci(f)}: ` +
      (f > 1 ? 'more of the gradient reaches the encoder\'s first step when attention gives it a direct path to every output step.'
        : 'here the direct path of attention does not bring more of the gradient to the encoder\'s first step.'));
  }
  return out;
}
