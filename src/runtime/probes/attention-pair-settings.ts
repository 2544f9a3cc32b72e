/**
 * The with/without-attention pair's settings and results (attention-pair.ts), in one place that the app (Inside
 * tab, lesson) and the measuring script read. No tfjs here: the store and the UI import it.
 */
/** Which model of the pair: the graph without its attention, or with it. */
export type PairRun = 'without' | 'with';
export const PAIR_LABELS: Record<PairRun, string> = { without: 'without attention', with: 'with attention' };

export interface AttentionPairSettings {
  task: string;
  /** The reversal task's length L: the source's first symbol is the target's last. */
  seqLen: number;
  /** Units of every recurrent layer (encoder and decoder). */
  units: number;
  learningRate: number;
  batchSize: number;
  clipNorm: number;
  /** Optimizer steps per model (Adam). */
  steps: number;
  seed: number;
}

export const ATTENTION_PAIR_DEFAULTS: Readonly<AttentionPairSettings> = Object.freeze({
  task: 'reversal', seqLen: 20, units: 32, learningRate: 0.01, batchSize: 32, clipNorm: 1, steps: 300, seed: 1,
});

export type AttentionPairOptions = Partial<AttentionPairSettings> & { probeBatch?: number };

export const attentionPairSettings = (o: AttentionPairOptions = {}): AttentionPairSettings =>
  Object.fromEntries(Object.entries(ATTENTION_PAIR_DEFAULTS).map(([k, v]) => [k, o[k as keyof AttentionPairSettings] ?? v])) as unknown as AttentionPairSettings;

export interface AttentionPairModel {
  run: PairRun;
  /** Validation loss after training (up to 200 validation pairs, teacher forcing). */
  valLoss: number;
  /** The encoder layer's name, and its median ‖∂L/∂h_t‖ over the probe batch per encoder step (t = 1 first). */
  encoder: string;
  encoderGrad: number[];
  /** Wall time of this model's training and probe. */
  ms: number;
}

export interface AttentionPairResult extends AttentionPairSettings {
  /** The task's baseline loss (each target token predicted by its training frequency). */
  baseline: number;
  /** Without attention first; a model stopped before it finished is missing. */
  models: AttentionPairModel[];
}
