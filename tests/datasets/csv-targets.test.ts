/**
 * A CSV with several target columns for a model with several outputs: the columns picked, one per output in output
 * order, become the task's heads (each classes or a number by the same rule as `label`), every other column a
 * timestep; a sample's y holds one value per target; the baseline is the sum of each target's, computed here by hand.
 * The run plan gives each output its column; a missing pick, an unknown or repeated column, or as many columns as
 * outputs not, is one clear line.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { csvColumns, csvKey, parseCsvDataset } from '../../src/datasets/csv.ts';
import { collate } from '../../src/datasets/index.ts';
import { planRun } from '../../src/datasets/plan.ts';
import { parseDocument, type GraphDoc } from '../../src/graph/index.ts';

/** 40 rows of 4 values (x1..x4); "sum" = x1 + x4 (a number), "big" = whether it is above 1 ("yes"/"no"). */
const N = 40;
const values = Array.from({ length: N }, (_, r) => [0, 1, 2, 3].map((k) => Math.round(((r * 7 + k * 13) % 17) / 17 * 1000) / 1000));
const sums = values.map((v) => Math.round((v[0] + v[3]) * 1000) / 1000);
const CSV = `x1,x2,Sum,x3,x4,big\n${values.map((v, r) => `${v[0]},${v[1]},${sums[r]},${v[2]},${v[3]},${sums[r] > 1 ? 'yes' : 'no'}`).join('\n')}\n`;

const parse = (targets?: string[]) => parseCsvDataset(CSV, { seed: 3, name: 'heads.csv', ...(targets ? { targets } : {}) });
const errorOf = (targets: string[]) => {
  const r = parse(targets);
  return r.ok ? '' : r.error;
};

/** Input(features 1) → GRU(8) → Dense(1, linear) and Dense(2, softmax): the two-heads fixture on one feature. */
const twoHeads = (): GraphDoc => {
  const r = parseDocument(readFileSync(new URL('../fixtures/two-heads.json', import.meta.url), 'utf8'));
  if (!r.ok) throw new Error(r.error);
  return { ...r.doc, nodes: r.doc.nodes.map((n) => (n.id === 'in' ? { ...n, data: { ...n.data, params: { ...n.data.params, features: 1 } } } : n)) };
};

describe('a CSV with several target columns', () => {
  it('the header\'s columns, as written, for the pickers', () => {
    expect(csvColumns(CSV)).toEqual(['x1', 'x2', 'Sum', 'x3', 'x4', 'big']);
  });

  it('the picked columns are the heads in the order given, the rest timesteps; y and the baseline per target', () => {
    const r = parse(['sum', 'big']);
    if (!r.ok) throw new Error(r.error);
    const { info } = r.dataset;
    expect(info.length).toBe(4);
    expect(info.heads!.map((h) => [h.name, h.output.kind])).toEqual([['Sum', 'regression'], ['big', 'classes']]);
    expect(info.heads![1].output).toMatchObject({ classes: 2, classNames: ['no', 'yes'] });
    // Every sample: x is the row's four values (Sum and big left out), y its sum and its class id.
    const all = Array.from({ length: r.dataset.trainSize + r.dataset.valSize }, (_, i) => r.dataset.sample(i));
    const byX = new Map(values.map((v, row) => [v.join(','), row]));
    for (const s of all) {
      const row = byX.get(Array.from(s.x, (v) => Math.round(v * 1000) / 1000).join(','))!;
      expect(Array.from(s.y)).toEqual([sums[row], sums[row] > 1 ? 1 : 0]);
    }
    // Baselines by hand over the same split: MSE of the training mean on the validation rows; CE of the training class frequencies.
    const train = all.slice(0, r.dataset.trainSize), val = all.slice(r.dataset.trainSize);
    const mean = train.reduce((a, s) => a + s.y[0], 0) / train.length;
    const mse = val.reduce((a, s) => a + (s.y[0] - mean) ** 2, 0) / val.length;
    const p = train.filter((s) => s.y[1] === 1).length / train.length;
    const ce = -(p * Math.log(p) + (1 - p) * Math.log(1 - p));
    expect(info.heads![0].baseline).toBeCloseTo(mse, 10);
    expect(info.heads![1].baseline).toBeCloseTo(ce, 10);
    expect(info.baseline.loss).toBeCloseTo(mse + ce, 10);
    // A batch carries one target tensor per head.
    const b = collate(r.dataset, [0, 1, 2]);
    expect(b.heads!.map((h) => h.yShape)).toEqual([[3, 1], [3]]);
    // The order given is the order kept.
    const swapped = parse(['big', 'sum']);
    expect(swapped.ok && swapped.dataset.info.heads!.map((h) => h.name)).toEqual(['big', 'Sum']);
  });

  it('saved weights are keyed by the columns too (a one-target CSV keeps its key of before: the text)', () => {
    const keys = [csvKey({ text: CSV, targets: ['sum', 'big'] }), csvKey({ text: CSV, targets: ['big', 'sum'] }), csvKey({ text: CSV })];
    expect(new Set(keys).size).toBe(3);
    expect(keys[2]).toBe(CSV);
  });

  it('a two-output model trains on it: each output gets its column, weighted as the model weighs it', () => {
    const r = parse(['sum', 'big']);
    if (!r.ok) throw new Error(r.error);
    const plan = planRun(twoHeads(), { dataset: r.dataset });
    if (!plan.ok) throw new Error(plan.error);
    expect(plan.fit.outputs!.map((o) => [o.name, o.target, o.loss, o.weight])).toEqual([['dense', 'Sum', 'mse', 0.5], ['dense_1', 'big', 'ce', 1]]);
    expect(plan.ds.info.baseline.loss).toBeCloseTo(0.5 * r.dataset.info.heads![0].baseline + r.dataset.info.heads![1].baseline, 10);
  });

  it('one clear line for a missing pick, an unknown or repeated column, or a count that does not match the outputs', () => {
    expect(errorOf(['sum', ''])).toBe("Output 2 has no target column: pick one column of the CSV for each of the model's 2 outputs.");
    expect(errorOf(['sum', 'label'])).toBe('No "label" column: the header is "x1,x2,Sum,x3,x4,big".');
    expect(errorOf(['big', 'Big'])).toBe('Column "Big" is picked for outputs 1 and 2; each output needs its own column.');
    const three = parse(['sum', 'big', 'x1']);
    if (!three.ok) throw new Error(three.error);
    const plan = planRun(twoHeads(), { dataset: three.dataset });
    expect(plan.ok ? '' : plan.error.split('\n').slice(1)).toEqual([
      '  F_INPUTS: "heads.csv" has 3 targets (Sum, big, x1); the model has 1 input(s) and 2 output(s). Fix: Keep one Input and end the model with 3 heads, one per target (leave each final Dense unconnected).',
    ]);
  });
});
