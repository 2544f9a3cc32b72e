/**
 * The race's settings and results, in one place that the app (Inside tab, lesson) and `rnn-studio race` both read.
 * No tfjs here: the store and the UI import it.
 *
 * The defaults were chosen by measurement (docs/vanishing-gradients.md, "The default race"): on the adding problem at
 * T = 40 with 16 units, Adam 0.02, batch 32, clipping 1 and 400 steps, seeds 1–5 all end with the SimpleRNN at the
 * baseline while the LSTM and GRU learn and carry ≥ 100× more gradient back to the first step. Shorter settings
 * failed that last condition for some seed: T = 30/400 steps (seed 1, LSTM 24×), T = 35/350 (seed 4, LSTM 39×),
 * T = 40/320 (seed 1, LSTM 15×; seed 4, the LSTM did not learn).
 */
import type { GraphDoc } from '../../graph/index.ts';
import type { Engine } from '../build.ts';
import type { RecurrentKind } from '../../layers/index.ts';

export interface RaceSettings {
  task: string;
  seqLen: number;
  /** Units of every recurrent layer. */
  units: number;
  optimizer: 'adam' | 'rmsprop' | 'sgd';
  learningRate: number;
  batchSize: number;
  clipNorm: number;
  /** Optimizer steps per model. */
  steps: number;
  seed: number;
  /** Record a gradient snapshot every this many steps (and at step 0). */
  every: number;
}

export const RACE_DEFAULTS: Readonly<RaceSettings> = Object.freeze({
  task: 'adding', seqLen: 40, units: 16, optimizer: 'adam', learningRate: 0.02, batchSize: 32, clipNorm: 1, steps: 400, seed: 1, every: 25,
});

/** Overrides of the race's settings; `probeBatch` is the probe batch size (default 32). */
/** `engine`: the training engine (build.ts), the default unless a benchmark compares engines. */
export type RaceOptions = Partial<RaceSettings> & { probeBatch?: number; engine?: Engine };

/** The settings a race runs with: the options given, else the graph's task, else RACE_DEFAULTS. */
export function raceSettings(doc: GraphDoc, o: RaceOptions = {}): RaceSettings {
  const d: RaceSettings = { ...RACE_DEFAULTS, task: doc.training?.task ?? RACE_DEFAULTS.task };
  for (const k of Object.keys(d) as (keyof RaceSettings)[]) if (o[k] !== undefined) (d as unknown as Record<string, unknown>)[k] = o[k];
  return d;
}

/** The ranges of the race's sliders (T and units). */
export const RACE_RANGES = { seqLen: { min: 10, max: 100, step: 5 }, units: { min: 4, max: 64, step: 4 } } as const;

/** One model's outcome: what `rnn-studio race --json` prints per model and what the lesson checks. */
export interface RaceModelResult {
  kind: RecurrentKind;
  /** Validation loss after training (up to 200 validation sequences). */
  valLoss: number;
  /** g₁/g_T of the first recurrent layer at initialisation (step 0) and after training. */
  gradRatioInit: number | null;
  gradRatioTrained: number | null;
  /** Wall time of this model's training and probes. */
  ms: number;
}

export interface RaceResult {
  task: string;
  seqLen: number;
  steps: number;
  baseline: number;
  models: RaceModelResult[];
}

/** The three conditions of the lesson (issue 10) on a finished race, each with the number it was decided on. */
export function raceVerdict(r: RaceResult) {
  const by = (k: RecurrentKind) => r.models.find((m) => m.kind === k);
  const rnn = by('SimpleRNN'), gated = [by('LSTM'), by('GRU')];
  const rel = (m?: RaceModelResult) => (m ? m.valLoss / r.baseline : NaN);
  const gain = (m?: RaceModelResult) =>
    m?.gradRatioTrained == null || rnn?.gradRatioTrained == null ? NaN : rnn.gradRatioTrained === 0 ? (m.gradRatioTrained > 0 ? Infinity : NaN) : m.gradRatioTrained / rnn.gradRatioTrained;
  const simpleStays = rel(rnn) >= 0.8;
  const gatedLearn = gated.every((m) => rel(m) <= 0.1);
  const gatedCarry = gated.every((m) => gain(m) >= 100);
  return {
    simpleStays, gatedLearn, gatedCarry, all: simpleStays && gatedLearn && gatedCarry,
    relLoss: { SimpleRNN: rel(rnn), LSTM: rel(gated[0]), GRU: rel(gated[1]) },
    ratioGain: { LSTM: gain(gated[0]), GRU: gain(gated[1]) },
  };
}
