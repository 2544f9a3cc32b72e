/**
 * The user's own CSV (shared/reference/tasks.md §10 "bring your own CSV"), parsed with papaparse and validated
 * at the boundary: every problem is a clear message, never an exception that reaches the page.
 * Two layouts, decided by the header:
 *  - `text,label` (any other columns ignored): text classification with word tokens;
 *  - numeric columns then `label` (e.g. `x1,…,xT,label`): one number per timestep (features 1); classes when the
 *    labels are not all numbers or are integers with at most 20 distinct values, otherwise regression (MSE).
 */
import Papa from 'papaparse';
import { deriveSeed, permutation, Rng } from './rng.ts';
import { priorBaseline, textDataset, type LabelledText } from './labelled-text.ts';
import type { Dataset } from './types.ts';

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

export function parseCsvDataset(text: string, opts: { seed: number; maxLen?: number; name?: string }): CsvResult {
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
  const labelCol = header.indexOf('label');
  if (labelCol < 0)
    return fail(`No "label" column: the header is "${rows[0].join(',')}". The first line must name the columns, e.g. "text,label" or "x1,x2,…,label".`);
  const textCol = header.indexOf('text');
  if (textCol < 0 && header.length - 1 > CSV_MAX_STEPS)
    return fail(`The file has ${header.length - 1} value columns, one timestep each; the limit is ${CSV_MAX_STEPS} timesteps. Keep fewer columns, e.g. one value in ${Math.ceil((header.length - 1) / CSV_MAX_STEPS)}.`);
  for (let r = 0; r < body.length; r++) {
    const line = r + 2;
    const row = body[r];
    if (row.every((c) => c.trim() === '')) return fail(`Row ${line} is empty. Remove empty lines from the file.`);
    if (row.length !== header.length) return fail(`Row ${line} has ${row.length} columns but the header has ${header.length}.`);
    if (row[labelCol].trim() === '') return fail(`Row ${line} has an empty label.`);
    if (textCol >= 0 && row[textCol].trim() === '') return fail(`Row ${line} has an empty text.`);
  }
  if (body.length < MIN_ROWS) return fail(`Only ${body.length} data rows; at least ${MIN_ROWS} are needed to train and validate.`);
  const labels = body.map((row) => row[labelCol].trim());
  const name = opts.name ?? 'my CSV';
  const order = permutation(body.length, new Rng(deriveSeed(opts.seed, 'csv-split')));
  const nVal = Math.max(1, Math.round(body.length * 0.1));
  const numericLabels = labels.every((l) => isFloat32(Number(l)));
  const distinct = [...new Set(labels)];
  const isClasses = !numericLabels || (labels.every((l) => Number.isInteger(Number(l))) && distinct.length <= 20);
  if (isClasses && distinct.length < 2) return fail(`Every row has the label "${distinct[0]}"; a classifier needs at least two classes.`);
  if (isClasses && distinct.length > MAX_CLASSES) return fail(`${distinct.length} different labels; the limit is ${MAX_CLASSES} classes.`);
  const classNames = numericLabels ? distinct.sort((a, b) => Number(a) - Number(b)) : distinct.sort();
  const classOf = new Map(classNames.map((c, i) => [c, i]));

  if (textCol >= 0) {
    if (!isClasses) return fail('The labels of a text CSV must be classes (words or small integers), not real numbers.');
    const items: LabelledText[] = body.map((row) => ({ text: row[textCol], label: classOf.get(row[labelCol].trim())! }));
    const shuffled = Array.from(order, (i) => items[i]);
    const train = shuffled.slice(nVal);
    const dataset = textDataset({
      info: {
        id: 'csv', title: name, description: `Your CSV: ${body.length} texts, ${classNames.length} classes (${classNames.slice(0, 6).join(', ')}${classNames.length > 6 ? ', …' : ''}).`,
        output: { kind: 'classes', classes: classNames.length, perStep: false, classNames },
        baseline: { ...priorBaseline(train, classNames.length), what: 'the class frequencies of the training rows' }, params: { rows: body.length },
      },
      train, val: shuffled.slice(0, nVal), classNames, maxLen: opts.maxLen,
    });
    return { ok: true, dataset, rows: body.length };
  }

  const valueCols = header.map((_, i) => i).filter((i) => i !== labelCol);
  if (valueCols.length === 0) return fail('There is no "text" column and no value columns: add "text" or numeric columns x1,x2,… before "label".');
  const T = valueCols.length;
  const xs = new Float32Array(body.length * T);
  for (let r = 0; r < body.length; r++)
    for (let k = 0; k < T; k++) {
      const v = Number(body[r][valueCols[k]]);
      if (body[r][valueCols[k]].trim() === '' || !Number.isFinite(v))
        return fail(`Row ${r + 2}, column "${rows[0][valueCols[k]]}" is "${body[r][valueCols[k]]}", not a number. Without a "text" column every column except "label" must be numeric.`);
      if (!isFloat32(v))
        return fail(`Row ${r + 2}, column "${rows[0][valueCols[k]]}" is ${body[r][valueCols[k]].trim()}, beyond what a float32 holds (±3.4e38). Scale the column down.`);
      xs[r * T + k] = v;
    }
  const ys = labels.map((l) => (isClasses ? classOf.get(l)! : Number(l)));
  const trainIdx = order.slice(nVal);
  const mean = Array.from(trainIdx).reduce((s, i) => s + ys[i], 0) / trainIdx.length;
  const variance = Array.from(order.slice(0, nVal)).reduce((s, i) => s + (ys[i] - mean) ** 2, 0) / nVal;
  const rowOf = (i: number) => (i < trainIdx.length ? trainIdx[i] : order[i - trainIdx.length]);
  const baseline = isClasses
    ? { ...priorBaseline(Array.from(trainIdx, (i) => ({ text: '', label: ys[i] })), classNames.length), what: 'the class frequencies of the training rows' }
    : { loss: variance, what: 'always predict the mean of the training labels' };
  const dataset: Dataset = {
    info: {
      id: 'csv', title: name, description: `Your CSV: ${body.length} sequences of ${T} numbers; ${isClasses ? `${classNames.length} classes` : 'a real-valued target'}.`,
      input: { kind: 'features', features: 1 },
      output: isClasses ? { kind: 'classes', classes: classNames.length, perStep: false, classNames } : { kind: 'regression', units: 1 },
      length: T, baseline, params: { rows: body.length, T },
    },
    trainSize: trainIdx.length, valSize: nVal,
    sample: (i) => ({ x: xs.subarray(rowOf(i) * T, rowOf(i) * T + T), T, y: [ys[rowOf(i)]] }),
    show: (i) => ({ input: Array.from(xs.subarray(rowOf(i) * T, rowOf(i) * T + Math.min(T, 12)), (v) => +v.toFixed(3)).join(', ') + (T > 12 ? ', …' : ''), target: isClasses ? classNames[ys[rowOf(i)]] : String(ys[rowOf(i)]) }),
  };
  return { ok: true, dataset, rows: body.length };
}
