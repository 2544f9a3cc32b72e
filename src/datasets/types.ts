/**
 * What a training task is, independent of tensors: the data a model sees, the output it must produce, the loss
 * and metric that follow, and the baseline (the best memoryless or constant predictor, drawn on the loss chart).
 * Definitions follow shared/reference/tasks.md.
 */

export type InputSpec =
  /** Float features at every step: `[T, features]`. */
  | { kind: 'features'; features: number }
  /** Token ids `[T]` in `[0, vocabSize)`; 0 = PAD (post-padding), 1 = UNK for text vocabularies. */
  | { kind: 'tokens'; vocabSize: number };

export type OutputSpec =
  /** Real numbers read from the last step: `[units]`; loss MSE. */
  | { kind: 'regression'; units: number }
  /** A class at the last step (`[classes]`) or at every step (`[T, classes]`); loss cross-entropy. */
  | { kind: 'classes'; classes: number; perStep: boolean; classNames?: string[] }
  /**
   * A target sequence of token ids over a target vocabulary of `classes` (PAD, START, END, symbols), of its own
   * length: a sequence-to-sequence pair task (src/datasets/pairs.ts), trained with teacher forcing. `length` is the
   * longest target without END: a one-Input model (Keras's addition_rnn) predicts that many steps at once.
   */
  | { kind: 'sequence'; classes: number; classNames: string[]; length: number };

export interface Baseline {
  /** The loss of the best memoryless/constant predictor. */
  loss: number;
  /** Its metric (accuracy for classes). */
  metric?: number;
  /** One sentence: which predictor this is. */
  what: string;
}

export interface TaskInfo {
  id: string;
  title: string;
  description: string;
  input: InputSpec;
  output: OutputSpec;
  /** Fixed number of timesteps of every sample, or null when lengths vary (token ids are post-padded). */
  length: number | null;
  baseline: Baseline;
  /** The parameters the data was made with, recorded with each run. */
  params: Record<string, number | string>;
  /** Where the data comes from and its licence (corpora only). */
  source?: string;
  /**
   * A task with several targets, one per model output (src/datasets/fit.ts matches each to an output by its loss):
   * each head's name, what it must produce (one value per sample) and its baseline loss. `output` is then the first
   * head's, and a sample's `y` holds the heads' targets one after another.
   */
  heads?: Head[];
}

/** One target of a task with several: a regression or a final-step class. */
export interface Head {
  name: string;
  output: Extract<OutputSpec, { kind: 'regression' }> | (Extract<OutputSpec, { kind: 'classes' }> & { perStep: false });
  baseline: number;
}

/** One example: `x` flat row-major (`[T]` ids or `[T·F]` features), `y` one value, one label, T labels, or a target sequence of its own length ending in END. */
export interface Sample {
  x: ArrayLike<number>;
  T: number;
  y: ArrayLike<number>;
}

/** A rendering of a sample for previews and the "try it" box. */
export interface Shown {
  input: string;
  target: string;
}

export interface Dataset {
  info: TaskInfo;
  trainSize: number;
  valSize: number;
  /** Sample `i`; training indices are `[0, trainSize)`, validation `[trainSize, trainSize + valSize)`. Pure in i. */
  sample(i: number): Sample;
  show(i: number): Shown;
  /** Text tasks: the token ids a typed sentence becomes (for "try it"). */
  encode?(text: string): number[];
  /** The tokens `encode` reads, one per id, as the tokenizer writes them (for showing typed words). */
  tokens?(text: string): string[];
  /** Names of token ids or feature symbols, to show inputs and outputs. */
  symbols?: string[];
  /** Text tasks: how typed text becomes ids (`encode`), as data an export carries (vocab.json). */
  textInput?: TextInput;
}

import type { TextInput } from '../graph/types.ts';
export type { TextInput };

export interface SeqLenSpec {
  default: number;
  min: number;
  max: number;
  label: string;
}

export interface MakeOptions {
  seed: number;
  /** The length slider (meaning per task: T, L, or the maximum tokens kept). */
  seqLen?: number;
}

/** A task in the dataset picker. */
export interface TaskDef {
  id: string;
  title: string;
  summary: string;
  group: 'long-lag' | 'forecasting' | 'toy language' | 'corpus' | 'sequence to sequence';
  seqLen?: SeqLenSpec;
  make(opts: MakeOptions): Dataset;
  /**
   * Data shipped in its own chunk, fetched on first use (a large corpus kept out of the page's first download):
   * await it before `make`, which throws until it has resolved. Absent: `make` works at once.
   */
  load?(): Promise<void>;
}

export const oneHot = (ids: ArrayLike<number>, width: number): Float32Array => {
  const out = new Float32Array(ids.length * width);
  for (let t = 0; t < ids.length; t++) out[t * width + ids[t]] = 1;
  return out;
};
