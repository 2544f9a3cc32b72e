import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/index.ts';
import { expectation, leftBaselineAt, PLATEAU_MEANING, recurrentOf, type Chosen, type PlateauRow, type PlateauTable } from '../../src/datasets/plateau.ts';
import { TASKS } from '../../src/datasets/index.ts';
import shipped from '../../src/datasets/data/plateaus.json' with { type: 'json' };
import { presetByName } from '../../src/store/presets.ts';

describe('leftBaselineAt (mean training loss of 20 steps below half the baseline)', () => {
  it('finds the first step by hand: 30 steps at the baseline, then 0.1', () => {
    // After k steps at 0.1 the window mean is (0.1k + (20 − k))/20 < 0.5 ⇔ k > 11.1: k = 12, step 42.
    expect(leftBaselineAt([...Array(30).fill(1), ...Array(40).fill(0.1)], 1)).toBe(42);
  });
  it('is null when the run never leaves, or is shorter than the window', () => {
    expect(leftBaselineAt(Array(300).fill(0.9), 1)).toBeNull();
    expect(leftBaselineAt(Array(19).fill(0), 1)).toBeNull();
    expect(leftBaselineAt(Array(20).fill(0), 1)).toBe(20);
  });
});

describe('recurrentOf', () => {
  it('names the first recurrent cell and its units, inside a Bidirectional too', () => {
    expect(recurrentOf(compile(presetByName('adding-simplernn')!.doc).ir!)).toEqual({ cell: 'SimpleRNN', units: 64 });
    expect(recurrentOf(compile(presetByName('lesson-bilstm-2layer')!.doc).ir!)).toEqual({ cell: 'LSTM', units: 64 });
  });
});

const settings = { optimizer: 'adam', learningRate: 0.01, batchSize: 50, clipNorm: 1 };
const row = (cell: PlateauRow['cell'], T: number, leftAt: (number | null)[]): PlateauRow => ({
  task: 'adding', preset: `adding-${cell.toLowerCase()}`, cell, units: 64, T, ...settings, budget: 300,
  runs: leftAt.map((l, i) => ({ seed: i + 1, leftAt: l, wallSeconds: 1 })),
});
const table: PlateauTable = {
  measured: '2026-12-02', command: 'test',
  rows: [row('LSTM', 10, [40, 60]), row('LSTM', 25, [120, 160, 200]), row('LSTM', 50, [250, null]), row('LSTM', 100, [null, null])],
};
const chosen = (o: Partial<Chosen> = {}): Chosen => ({ task: 'adding', T: 100, cell: 'LSTM', units: 64, ...settings, ...o });

describe('expectation: the sentence follows the measured runs', () => {
  it('every run stayed: says so with the budget, and offers the longest T at which every run left', () => {
    const e = expectation(chosen(), table)!;
    expect(e.text).toBe('At T = 100 an LSTM(64), Adam 0.01, batch 50, clip 1 stayed at the baseline for all 300 measured steps in 2 of 2 runs; it may leave later, or never.');
    expect(e.caveats).toEqual([]);
    expect(e.shorterT).toBe(25);
  });
  it('every run left: "usually stays … for about <median> steps, then falls"', () => {
    const e = expectation(chosen({ T: 25 }), table)!;
    expect(e.text).toBe('At T = 25 an LSTM(64), Adam 0.01, batch 50, clip 1 usually stays at the baseline for about 160 steps, then falls (left it after 120–200 steps in 3 of 3 runs).');
    expect(e.shorterT).toBe(10);
    expect(expectation(chosen({ T: 10 }), table)!.text).toMatch(/for about 50 steps, then falls \(left it after 40–60 steps in 2 of 2 runs\)/);
    expect(expectation(chosen({ T: 10 }), table)!.shorterT).toBeNull();
  });
  it('some runs left: counts them', () => {
    expect(expectation(chosen({ T: 50 }), table)!.text).toMatch(/left the baseline in 1 of 2 runs \(after 250 steps\); the other stayed there for all 300 measured steps\./);
  });
  it('a T between, beyond or below the measured ones: the nearest row, and a caveat that says which', () => {
    const between = expectation(chosen({ T: 60 }), table)!;
    expect(between.text).toMatch(/^At T = 50 /);
    expect(between.caveats).toEqual(['T = 60 was not measured (measured: 10, 25, 50, 100); the nearest is T = 50.']);
    expect(expectation(chosen({ T: 200 }), table)!.caveats[0]).toBe('T = 200 is longer than any measured T (10–100): expect a longer stay at the baseline than at T = 100.');
    expect(expectation(chosen({ T: 5 }), table)!.caveats[0]).toBe('T = 5 is shorter than any measured T (10–100): expect a shorter stay than at T = 10.');
  });
  it('other units or training settings: a caveat naming each difference', () => {
    expect(expectation(chosen({ units: 32, learningRate: 0.001, clipNorm: 0 }), table)!.caveats).toEqual([
      'Your settings differ from the measured ones: 32 units (measured 64), learning rate 0.001 (measured 0.01), clip off (measured 1); treat this as a rough guide.',
    ]);
  });
  it('a cell the table has no row for, and tasks without a plateau', () => {
    expect(expectation(chosen({ cell: 'GRU' }), table)!.text).toBe('No measurement for a GRU on this task (measured: LSTM): expect a stretch at the baseline before the loss falls, if it falls.');
    expect(expectation(chosen({ task: 'negation' }), table)).toBeNull();
  });
});

describe('the shipped table (src/datasets/data/plateaus.json, scripts/measure-plateaus.ts)', () => {
  it('has rows for plateau tasks only, each run within its budget, and a sentence for every row', () => {
    expect(shipped.rows.length).toBeGreaterThan(0);
    for (const r of shipped.rows as PlateauRow[]) {
      expect(Object.keys(PLATEAU_MEANING)).toContain(r.task);
      expect(TASKS[r.task]).toBeDefined();
      for (const x of r.runs) if (x.leftAt !== null) expect(x.leftAt).toBeLessThanOrEqual(r.budget);
      expect(expectation({ ...r, T: r.T }, shipped as PlateauTable)!.text).toMatch(new RegExp(`^At T = ${r.T} `));
    }
  });
  it('has rows for every task with a plateau, each measured on a preset of that task with its own cell and settings', () => {
    for (const task of Object.keys(PLATEAU_MEANING)) {
      const rows = (shipped.rows as PlateauRow[]).filter((r) => r.task === task);
      expect(rows.length, task).toBeGreaterThan(0);
      for (const r of rows) {
        const doc = presetByName(r.preset)!.doc;
        expect(doc.training).toMatchObject({ task, optimizer: r.optimizer, learningRate: r.learningRate, batchSize: r.batchSize, clipNorm: r.clipNorm });
        expect(recurrentOf(compile(doc).ir!)).toEqual({ cell: r.cell, units: r.units });
      }
    }
  });
});
