/** The dataset picker's tasks, by id (the id is what `training.task` and `--task` name). */
import { adding, addingHeads, copy, firstToken, parity, sineForecast, temporalOrder } from './synthetic.ts';
import { agreement, negation, newsTitles } from './toys.ts';
import { chars, names, spam } from './corpus.ts';
import { additionText, reversal } from './pairs.ts';
import { cmudict, cmudictNoStress } from './cmudict.ts';
import type { TaskDef } from './types.ts';

export const TASKS: Record<string, TaskDef> = Object.fromEntries(
    [adding, addingHeads, copy, temporalOrder, parity, firstToken, sineForecast, negation, agreement, newsTitles, spam, names, chars, additionText, reversal, cmudict, cmudictNoStress]
    .map((t) => [t.id, t]),
);

/** Fetches the data of task `id` when it ships in its own chunk (`TaskDef.load`); await it before `make`. */
export async function loadTask(id: string | undefined): Promise<void> {
  if (id) await TASKS[id]?.load?.();
}

export * from './types.ts';
export { alignedTargets, collate, type Batch } from './batch.ts';
export { parseCsvDataset, csvKey, CSV_MAX_BYTES, CSV_MAX_ROWS } from './csv.ts';
export { TRAINING_DEFAULTS, withTrainingDefaults, type ResolvedTraining } from './defaults.ts';
export { checkFit, headsBaseline, type FitResult, type FitIssue, type LossKind } from './fit.ts';
export { CHAR_ALPHABET, encodeChars } from './corpus.ts';
export { deriveSeed, permutation, Rng } from './rng.ts';
export { END, PAD, START, type PairDataset } from './pairs.ts';
export { argmax, beamSearch, greedyDecode, withoutEnd, type Hypothesis, type StepFn } from './decode.ts';
export { editDistance, errorRates, type ErrorRates } from './metrics.ts';
