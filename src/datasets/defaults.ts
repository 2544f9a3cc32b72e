/**
 * The one set of training defaults: what a run uses for each setting the graph leaves unset, in the app (the Training
 * tab, store/training.ts `settingsOf`) and in `rnn-studio train` alike. Pure: no tensors, no UI.
 */
import { DEFAULT_SEED } from '../compiler/index.ts';
import type { TrainingSettings } from '../graph/types.ts';

/** The settings every run has, resolved. */
export type ResolvedTraining = Required<Pick<TrainingSettings, 'seed' | 'optimizer' | 'learningRate' | 'batchSize' | 'epochs' | 'clipNorm'>>;

/** Adam 0.001, batch 32, one epoch, global-norm clipping at 1 (clipping keeps a recurrent net's first steps from exploding). */
export const TRAINING_DEFAULTS: Omit<ResolvedTraining, 'seed'> = { optimizer: 'adam', learningRate: 0.001, batchSize: 32, epochs: 1, clipNorm: 1 };

/**
 * A graph's training settings with the defaults filled in.
 * @example withTrainingDefaults({ seed: 7, clipNorm: 0 }) // { seed: 7, optimizer: 'adam', learningRate: 0.001, batchSize: 32, epochs: 1, clipNorm: 0 }
 */
export const withTrainingDefaults = (t: TrainingSettings | undefined): ResolvedTraining => ({
  seed: t?.seed ?? DEFAULT_SEED,
  optimizer: t?.optimizer ?? TRAINING_DEFAULTS.optimizer,
  learningRate: t?.learningRate ?? TRAINING_DEFAULTS.learningRate,
  batchSize: t?.batchSize ?? TRAINING_DEFAULTS.batchSize,
  epochs: t?.epochs ?? TRAINING_DEFAULTS.epochs,
  clipNorm: t?.clipNorm ?? TRAINING_DEFAULTS.clipNorm,
});
