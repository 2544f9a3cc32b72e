/**
 * The user's own CSV (shared/reference/tasks.md §10 "bring your own CSV"), parsed with papaparse and validated
 * at the boundary: every problem is a clear message, never an exception that reaches the page.
 * Two layouts, decided by the header:
 *  - `text,label` (any other columns ignored): text classification with word tokens;
 *  - numeric columns then `label` (e.g. `x1,…,xT,label`): one number per timestep (features 1); classes when the
 *    labels are not all numbers or are integers with at most 20 distinct values, otherwise regression (MSE).
 * The target is the `label` column, or the columns `targets` names, one per model output in output order (a model
 * with several outputs, as "Adding, two heads"): each is classes or a number by the rule above, and every other
 * column of a numeric CSV is a timestep.
 */
import Papa from 'papaparse';
import { deriveSeed, permutation, Rng } from './rng.ts';
import { priorBaseline, textDataset, type LabelledText } from './labelled-text.ts';
import type { Baseline, Dataset, Head } from './types.ts';

export const CSV_MAX_BYTES = 20_000_000;
export const CSV_MAX_ROWS = 200_000;
/**
 * Value columns of a numeric CSV, one timestep each: ten times the longest built-in task (T = 1,000). At this T an
 * LSTM(64) on a batch of 32 already saves [T, 32, 7·64] floats (573 MB) for its backward pass; past 4 GiB, or when the
 * heap is full, training stops with a HeapError (src/runtime/heap.ts).
 */
export const CSV_MAX_STEPS = 10_000;
const MIN_ROWS = 10;
const MAX_CLASSES = 100;

export type CsvResult = { ok: true; dataset: Dataset; rows: number } | { ok: false; error: string };

const fail = (error: string): CsvResult => ({ ok: false, error });
/** Finite once stored as float32, as every tensor here is (1e307 is a finite double but Infinity in float32). */
const isFloat32 = (v: number) => Number.isFinite(Math.fround(v));

/** One target column: per row its class id or number, as a head of the task, and how a value reads. */
interface TargetColumn {
  head: Head;
  ys: number[];
  baseline: Baseline;
  show: (y: number) => string;
}

/** What saved weights of a run on the user's CSV are keyed by: its text, and its target columns when it has several. */
export const csvKey = (csv: { text: string; targets?: string[] }): string => (csv.targets ? `${JSON.stringify(csv.targets)}\n${csv.text}` : csv.text);

/** The header's column names as the user wrote them (for the target pickers), or none when the file has no rows. */
export function csvColumns(text: string): string[] {
  const first = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { preview: 1 }).data[0] ?? [];
  return first.map((h) => h.trim()).filter((h) => h !== '');
}

/**
 * @param opts.targets the target columns, one per model output in output order (default: the `label` column); an
 *   empty name is an output with no column picked yet
 */
export function parseCsvDataset(text: string, opts: { seed: number; maxLen?: number; name?: string; targets?: string[] }): CsvResult {
  if (text.length > CSV_MAX_BYTES)
    return fail(`The file is too large (${(text.length / 1e6).toFixed(1)} MB; the limit is ${CSV_MAX_BYTES / 1e6} MB). Use a sample of the rows.`);
  if (text.trim() === '') return fail('The file is empty.');
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: false });
  const quote = parsed.errors.find((e) => e.type === 'Quotes');
  // An unclosed quote swallows the rest of the file into one cell: say where, rather than count columns.
  if (quote) return fail(`Row ${(quote.row ?? 0) + 1} has a quote that is not closed properly (${quote.message.toLowerCase()}). Put a cell with commas in "…", and write a quote inside it as "".`);
  const rows = parsed.data;
  // A trailing newline yields one empty row at the end: that is not an "empty row" of data.
  while (rows.length && rows[rows.length - 1].length === 1 && rows[rows.length - 1][0] === '') rows.pop();
  if (rows.length === 0) return fail('The file has no rows, only separators.');
  const header = rows[0].map((h) => h.trim().toLowerCase());
  const body = rows.slice(1);
  if (body.length > CSV_MAX_ROWS) return fail(`The file has ${body.length} rows; the limit is ${CSV_MAX_ROWS}. Use a sample of the rows.`);
  const names = opts.targets ?? ['label'];
  const unpicked = names.findIndex((t) => t.trim() === '');
  if (unpicked >= 0) return fail(`Output ${unpicked + 1} has no target column: pick one column of the CSV for each of the model's ${names.length} outputs.`);
  const targetCols = names.map((t) => header.indexOf(t.trim().toLowerCase()));
  const missing = targetCols.indexOf(-1);
  if (missing >= 0)
    return fail(opts.targets ? `No "${names[missing]}" column: the header is "${rows[0].join(',')}".` : `No "label" column: the header is "${rows[0].join(',')}". The first line must name the columns, e.g. "text,label" or "x1,x2,…,label".`);
  const twice = targetCols.findIndex((c, k) => targetCols.indexOf(c) !== k);
  if (twice >= 0) return fail(`Column "${names[twice]}" is picked for outputs ${targetCols.indexOf(targetCols[twice]) + 1} and ${twice + 1}; each output needs its own column.`);
  const textCol = header.indexOf('text');
  if (targetCols.includes(textCol)) return fail('The "text" column is the input of a text CSV, not a target.');
  if (textCol < 0 && header.length - targetCols.length > CSV_MAX_STEPS)
    return fail(`The file has ${header.length - targetCols.length} value columns, one timestep each; the limit is ${CSV_MAX_STEPS} timesteps. Keep fewer columns, e.g. one value in ${Math.ceil((header.length - targetCols.length) / CSV_MAX_STEPS)}.`);
  for (let r = 0; r < body.length; r++) {
    const line = r + 2;
    const row = body[r];
    if (row.every((c) => c.trim() === '')) return fail(`Row ${line} is empty. Remove empty lines from the file.`);
    if (row.length !== header.length) return fail(`Row ${line} has ${row.length} columns but the header has ${header.length}.`);
    const empty = targetCols.find((c) => row[c].trim() === '');
    if (empty !== undefined) return fail(opts.targets ? `Row ${line} has an empty "${rows[0][empty].trim()}".` : `Row ${line} has an empty label.`);
    if (textCol >= 0 && row[textCol].trim() === '') return fail(`Row ${line} has an empty text.`);
  }
  if (body.length < MIN_ROWS) return fail(`Only ${body.length} data rows; at least ${MIN_ROWS} are needed to train and validate.`);
  const name = opts.name ?? 'my CSV';
  const order = permutation(body.length, new Rng(deriveSeed(opts.seed, 'csv-split')));
  const nVal = Math.max(1, Math.round(body.length * 0.1));
  const trainIdx = order.slice(nVal);
  // Dataset index → row: the training rows, then the validation rows (both in shuffled order).
  const rowOf = (i: number) => (i < trainIdx.length ? trainIdx[i] : order[i - trainIdx.length]);
  const targets: TargetColumn[] = [];
  for (const c of targetCols) {
    const t = targetColumn(body.map((row) => row[c].trim()), trainIdx, order.slice(0, nVal), opts.targets ? `"${rows[0][c].trim()}"` : '');
    if (typeof t === 'string') return fail(t);
    if (textCol >= 0 && t.head.output.kind === 'regression')
      return fail(`The ${opts.targets ? `${rows[0][c].trim()} column` : 'labels'} of a text CSV must be classes (words or small integers), not real numbers.`);
    targets.push(t);
  }
  const [first] = targets;
  const several = targets.length > 1;
  // Several targets: a sample's y holds one value per target, and the baseline is their sum (each output weighing 1;
  // the run plan weighs them as the model does).
  const heads = several ? { heads: targets.map((t) => t.head) } : {};
  const baseline: Baseline = several
    ? { loss: targets.reduce((a, t) => a + t.baseline.loss, 0), what: `${targets.map((t) => `${t.head.name}: ${t.baseline.what}`).join('; ')}, loss weights 1` }
    : first.baseline;
  const ysOf = (row: number) => targets.map((t) => t.ys[row]);
  const shownTarget = (row: number) => targets.map((t) => t.show(t.ys[row])).join(', ');
  const outputs = targets.map((t) => (t.head.output.kind === 'classes' ? `${t.head.output.classes} classes` : 'a real-valued target'));
  const what = several ? targets.map((t, k) => `${t.head.name} (${outputs[k]})`).join(', ') : outputs[0];

  if (textCol >= 0) {
    const out = first.head.output as Extract<Head['output'], { kind: 'classes' }>;
    const items: LabelledText[] = body.map((row, r) => ({ text: row[textCol], label: first.ys[r] }));
    const text = textDataset({
      info: {
        id: 'csv', title: name, description: several ? `Your CSV: ${body.length} texts; ${what}.` : `Your CSV: ${body.length} texts, ${out.classes} classes (${out.classNames!.slice(0, 6).join(', ')}${out.classes > 6 ? ', …' : ''}).`,
        output: out, baseline, params: { rows: body.length }, ...heads,
      },
      train: Array.from(trainIdx, (i) => items[i]), val: Array.from(order.slice(0, nVal), (i) => items[i]), classNames: out.classNames!, maxLen: opts.maxLen,
    });
    const dataset = several ? { ...text, sample: (i: number) => ({ ...text.sample(i), y: ysOf(rowOf(i)) }), show: (i: number) => ({ ...text.show(i), target: shownTarget(rowOf(i)) }) } : text;
    return { ok: true, dataset, rows: body.length };
  }

  const valueCols = header.map((_, i) => i).filter((i) => !targetCols.includes(i));
  if (valueCols.length === 0) return fail(`There is no "text" column and no value columns: add "text" or numeric columns x1,x2,… before ${opts.targets ? 'the targets' : '"label"'}.`);
  const T = valueCols.length;
  const xs = new Float32Array(body.length * T);
  for (let r = 0; r < body.length; r++)
    for (let k = 0; k < T; k++) {
      const v = Number(body[r][valueCols[k]]);
      if (body[r][valueCols[k]].trim() === '' || !Number.isFinite(v))
        return fail(`Row ${r + 2}, column "${rows[0][valueCols[k]]}" is "${body[r][valueCols[k]]}", not a number. Without a "text" column every column except ${opts.targets ? 'the targets' : '"label"'} must be numeric.`);
      if (!isFloat32(v))
        return fail(`Row ${r + 2}, column "${rows[0][valueCols[k]]}" is ${body[r][valueCols[k]].trim()}, beyond what a float32 holds (±3.4e38). Scale the column down.`);
      xs[r * T + k] = v;
    }
  const dataset: Dataset = {
    info: {
      id: 'csv', title: name, description: `Your CSV: ${body.length} sequences of ${T} numbers; ${what}.`,
      input: { kind: 'features', features: 1 },
      output: first.head.output, length: T, baseline, params: { rows: body.length, T }, ...heads,
    },
    trainSize: trainIdx.length, valSize: nVal,
    sample: (i) => ({ x: xs.subarray(rowOf(i) * T, rowOf(i) * T + T), T, y: ysOf(rowOf(i)) }),
    show: (i) => ({ input: Array.from(xs.subarray(rowOf(i) * T, rowOf(i) * T + Math.min(T, 12)), (v) => +v.toFixed(3)).join(', ') + (T > 12 ? ', …' : ''), target: shownTarget(rowOf(i)) }),
  };
  return { ok: true, dataset, rows: body.length };
}

/**
 * One target column (`labels`, one trimmed cell per row): classes when the values are not all numbers or are
 * integers with at most 20 distinct values, otherwise a number; its baseline from the training rows (class
 * frequencies, or the training mean's MSE on the validation rows). `column` names it in messages ('' for `label`).
 */
function targetColumn(labels: string[], trainIdx: ArrayLike<number>, valIdx: ArrayLike<number>, column: string): TargetColumn | string {
  const numeric = labels.every((l) => isFloat32(Number(l)));
  const distinct = [...new Set(labels)];
  const isClasses = !numeric || (labels.every((l) => Number.isInteger(Number(l))) && distinct.length <= 20);
  const of = column ? ` in ${column}` : '';
  if (isClasses && distinct.length < 2) return `Every row has the ${column ? `value "${distinct[0]}"${of}` : `label "${distinct[0]}"`}; a classifier needs at least two classes.`;
  if (isClasses && distinct.length > MAX_CLASSES) return `${distinct.length} different ${column ? `values${of}` : 'labels'}; the limit is ${MAX_CLASSES} classes.`;
  const name = column.replace(/^"|"$/g, '') || 'label';
  if (isClasses) {
    const classNames = numeric ? distinct.sort((a, b) => Number(a) - Number(b)) : distinct.sort();
    const classOf = new Map(classNames.map((c, i) => [c, i]));
    const ys = labels.map((l) => classOf.get(l)!);
    const baseline = { ...priorBaseline(Array.from(trainIdx, (i) => ({ text: '', label: ys[i] })), classNames.length), what: 'the class frequencies of the training rows' };
    return { head: { name, output: { kind: 'classes', classes: classNames.length, perStep: false, classNames }, baseline: baseline.loss }, ys, baseline, show: (y) => classNames[y] };
  }
  const ys = labels.map(Number);
  const mean = Array.from(trainIdx).reduce((s, i) => s + ys[i], 0) / trainIdx.length;
  const variance = Array.from(valIdx).reduce((s, i) => s + (ys[i] - mean) ** 2, 0) / valIdx.length;
  const baseline = { loss: variance, what: 'always predict the mean of the training labels' };
  return { head: { name, output: { kind: 'regression', units: 1 }, baseline: variance }, ys, baseline, show: String };
}
