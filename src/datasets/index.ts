/** The dataset picker's tasks, by id (the id is what `training.task` and `--task` name). */
import { adding, copy, firstToken, parity, temporalOrder } from './synthetic.ts';
import { agreement, negation, newsTitles } from './toys.ts';
import { chars, names, spam } from './corpus.ts';
import type { TaskDef } from './types.ts';

export const TASKS: Record<string, TaskDef> = Object.fromEntries(
  [adding, copy, temporalOrder, parity, firstToken, negation, agreement, newsTitles, spam, names, chars].map((t) => [t.id, t]),
);

export * from './types.ts';
export { collate, type Batch } from './batch.ts';
export { parseCsvDataset, CSV_MAX_BYTES, CSV_MAX_ROWS } from './csv.ts';
export { checkFit, type FitResult, type FitIssue, type LossKind } from './fit.ts';
export { CHAR_ALPHABET, encodeChars } from './corpus.ts';
export { deriveSeed, permutation, Rng } from './rng.ts';
