/**
 * Long-lag tasks sit on their baseline before they fall (or never fall). What to expect, measured: a small table of
 * CLI runs (data/plateaus.json, written by scripts/measure-plateaus.ts) gives, per task, recurrent cell and T, the
 * step at which each seed's run left the baseline, or that it stayed there for the whole budget. The Training tab
 * labels the baseline line and writes the expectation for the graph and settings on screen from it.
 */
import type { ModelIR } from '../compiler/index.ts';
import { isRecurrentKind, type RecurrentKind } from '../layers/index.ts';
import measured from './data/plateaus.json' with { type: 'json' };

/** The tasks with a plateau, and what their baseline line means (a short label for the chart). */
export const PLATEAU_MEANING: Record<string, string> = {
  adding: 'no memory: always predict 1',
  copy: 'no memory: blanks, then a guess',
  'temporal-order': 'no memory: a guess among 4 classes',
};

/** "Left the baseline": the mean training loss of the last `window` steps is below `fraction` × the baseline. */
export const LEAVE_RULE = { window: 20, fraction: 0.5 };

/** The first step (1-based) at which the run has left the baseline, or null if it never did. */
export function leftBaselineAt(losses: ArrayLike<number>, baseline: number, rule = LEAVE_RULE): number | null {
  let sum = 0;
  for (let i = 0; i < losses.length; i++) {
    sum += losses[i];
    if (i >= rule.window) sum -= losses[i - rule.window];
    if (i >= rule.window - 1 && sum / rule.window < rule.fraction * baseline) return i + 1;
  }
  return null;
}

export interface PlateauSettings {
  optimizer: string;
  learningRate: number;
  batchSize: number;
  clipNorm: number;
}

export interface PlateauRow extends PlateauSettings {
  task: string;
  /** The graph measured (a preset) and its recurrent layer. */
  preset: string;
  cell: RecurrentKind;
  units: number;
  T: number;
  /** Steps each run was allowed; a run that did not leave the baseline within them has leftAt null. */
  budget: number;
  runs: { seed: number; leftAt: number | null; wallSeconds: number }[];
}

export interface PlateauTable {
  measured: string;
  command: string;
  rows: PlateauRow[];
}

/** The table shipped with the app. */
export const PLATEAUS = measured as PlateauTable;

/** The first recurrent layer of a model (inside a Bidirectional too): the cell the table is keyed by. */
export function recurrentOf(ir: ModelIR): { cell: RecurrentKind; units: number } | null {
  for (const l of ir.layers) {
    const k = l.kind === 'Bidirectional' ? l.inner : l;
    if (k && isRecurrentKind(k.kind)) return { cell: k.kind, units: Number(k.params.units) };
  }
  return null;
}

export interface Chosen extends PlateauSettings {
  task: string;
  T: number;
  cell: RecurrentKind;
  units: number;
}

export interface Expectation {
  /** What the measured runs did, for the T used (or the nearest measured one). */
  text: string;
  /** Where the chosen setting is outside the table: another T, other units or training settings. */
  caveats: string[];
  /** A shorter measured T at which the runs left the baseline, when the chosen T is longer; else null. */
  shorterT: number | null;
}

const article = (cell: string) => (cell === 'LSTM' ? 'an' : 'a');
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const left = (r: PlateauRow) => r.runs.filter((x) => x.leftAt !== null).map((x) => x.leftAt!);
const describeSettings = (r: PlateauSettings & { cell: string; units: number }) =>
  `${r.cell}(${r.units}), ${r.optimizer === 'adam' ? 'Adam' : r.optimizer === 'rmsprop' ? 'RMSProp' : 'SGD'} ${r.learningRate}, batch ${r.batchSize}, clip ${r.clipNorm || 'off'}`;

/** One sentence for one measured row. */
export function describeRow(r: PlateauRow): string {
  const l = left(r);
  const n = r.runs.length;
  const who = `At T = ${r.T} ${article(r.cell)} ${describeSettings(r)}`;
  if (l.length === 0) return `${who} stayed at the baseline for all ${r.budget} measured steps in ${n} of ${n} runs; it may leave later, or never.`;
  const steps = l.length === 1 ? `${l[0]}` : `${Math.min(...l)}–${Math.max(...l)}`;
  if (l.length === n) return `${who} usually stays at the baseline for about ${Math.round(median(l))} steps, then falls (left it after ${steps} steps in ${n} of ${n} runs).`;
  return `${who} left the baseline in ${l.length} of ${n} runs (after ${steps} steps); the other${n - l.length > 1 ? 's' : ''} stayed there for all ${r.budget} measured steps.`;
}

/**
 * The expectation for a chosen task, cell, T and settings, or null when the task has no plateau. Uses the measured
 * row for this task and cell at the nearest T (ties: the longer one), and says where the choice differs from it.
 */
export function expectation(c: Chosen, table: PlateauTable = PLATEAUS): Expectation | null {
  if (!(c.task in PLATEAU_MEANING)) return null;
  const rows = table.rows.filter((r) => r.task === c.task && r.cell === c.cell).sort((a, b) => a.T - b.T);
  if (!rows.length) {
    const cells = [...new Set(table.rows.filter((r) => r.task === c.task).map((r) => r.cell))];
    return {
      text: `No measurement for ${article(c.cell)} ${c.cell} on this task${cells.length ? ` (measured: ${cells.join(', ')})` : ''}: expect a stretch at the baseline before the loss falls, if it falls.`,
      caveats: [], shorterT: null,
    };
  }
  const row = rows.reduce((best, r) => (Math.abs(r.T - c.T) < Math.abs(best.T - c.T) || (Math.abs(r.T - c.T) === Math.abs(best.T - c.T) && r.T > best.T) ? r : best));
  const caveats: string[] = [];
  const Ts = rows.map((r) => r.T);
  if (row.T !== c.T) {
    const range = `${Ts[0]}–${Ts[Ts.length - 1]}`;
    caveats.push(c.T > Ts[Ts.length - 1]
      ? `T = ${c.T} is longer than any measured T (${range}): expect a longer stay at the baseline than at T = ${row.T}.`
      : c.T < Ts[0]
        ? `T = ${c.T} is shorter than any measured T (${range}): expect a shorter stay than at T = ${row.T}.`
        : `T = ${c.T} was not measured (measured: ${Ts.join(', ')}); the nearest is T = ${row.T}.`);
  }
  const diffs = [
    c.units !== row.units && `${c.units} units (measured ${row.units})`,
    c.optimizer !== row.optimizer && `optimizer ${c.optimizer} (measured ${row.optimizer})`,
    c.learningRate !== row.learningRate && `learning rate ${c.learningRate} (measured ${row.learningRate})`,
    c.batchSize !== row.batchSize && `batch ${c.batchSize} (measured ${row.batchSize})`,
    c.clipNorm !== row.clipNorm && `clip ${c.clipNorm || 'off'} (measured ${row.clipNorm || 'off'})`,
  ].filter((x): x is string => typeof x === 'string');
  if (diffs.length) caveats.push(`Your settings differ from the measured ones: ${diffs.join(', ')}; treat this as a rough guide.`);
  const learnt = rows.filter((r) => r.T < c.T && left(r).length === r.runs.length);
  return { text: describeRow(row), caveats, shorterT: learnt.length ? learnt[learnt.length - 1].T : null };
}
