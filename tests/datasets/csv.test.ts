import { describe, expect, it } from 'vitest';
import { CSV_MAX_STEPS } from '../../src/datasets/csv.ts';
import { CSV_MAX_BYTES, parseCsvDataset } from '../../src/datasets/index.ts';

const rows = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join('\n');
const parse = (text: string) => parseCsvDataset(text, { seed: 1 });
const error = (text: string) => {
  const r = parse(text);
  expect(r.ok).toBe(false);
  return r.ok ? '' : r.error;
};

describe('user CSV: clear errors, never a throw', () => {
  it('rejects an empty file', () => expect(error('')).toMatch(/empty/));
  it('rejects a file without a label column and shows the header it found', () =>
    expect(error('sentence,category\nhello,a\n')).toMatch(/No "label" column: the header is "sentence,category"/));
  it('names the empty row', () => expect(error(`text,label\n${rows(5, (i) => `t${i},a`)}\n\n${rows(10, (i) => `u${i},b`)}`)).toMatch(/Row 7 is empty/));
  it('names a row with the wrong number of columns', () => expect(error(`text,label\n${rows(12, (i) => `t${i},a`)}\nx,y,z`)).toMatch(/Row 14 has 3 columns but the header has 2/));
  it('names an empty label and an empty text', () => {
    expect(error(`text,label\n${rows(12, (i) => `t${i},a`)}\nhello,`)).toMatch(/Row 14 has an empty label/);
    expect(error(`text,label\n,a\n${rows(12, (i) => `t${i},b`)}`)).toMatch(/Row 2 has an empty text/);
  });
  it('rejects too large a file before parsing it', () => expect(error('text,label\n' + 'a'.repeat(CSV_MAX_BYTES))).toMatch(/too large/));
  it(`takes ${CSV_MAX_STEPS} value columns (timesteps) and refuses one more`, () => {
    const wide = (T: number) => `${rows(1, () => 'x,'.repeat(T))}label\n${rows(10, (i) => `${'1,'.repeat(T)}${i + 0.5}`)}`;
    const r = parse(wide(CSV_MAX_STEPS));
    expect(r.ok && r.dataset.info.length).toBe(CSV_MAX_STEPS);
    expect(error(wide(CSV_MAX_STEPS + 1))).toBe(`The file has ${CSV_MAX_STEPS + 1} value columns, one timestep each; the limit is ${CSV_MAX_STEPS} timesteps. Keep fewer columns, e.g. one value in 2.`);
  });
  it('refuses a file of 800,000 columns (under the size limit) that used to end training in "memory access out of bounds"', () => {
    const T = 800_000;
    const text = `${'x,'.repeat(T)}label\n${rows(10, (i) => `${'1,'.repeat(T)}${i + 0.5}`)}\n`;
    expect(text.length).toBeLessThan(CSV_MAX_BYTES);
    expect(error(text)).toMatch(/^The file has 800000 value columns, one timestep each; the limit is 10000 timesteps\. Keep fewer columns, e\.g\. one value in 80\.$/);
  });
  it('needs two classes and enough rows', () => {
    expect(error(`text,label\n${rows(20, (i) => `t${i},same`)}`)).toMatch(/at least two classes/);
    expect(error(`text,label\n${rows(3, (i) => `t${i},${i % 2}`)}`)).toMatch(/at least 10/);
  });
  it('names a non-numeric value in a numeric-sequence CSV', () =>
    expect(error(`x1,x2,label\n${rows(12, (i) => `${i},2,${i % 2}`)}\n1,abc,0`)).toMatch(/Row 14, column "x2" is "abc", not a number/));
});

describe('user CSV: accepted layouts', () => {
  it('text,label → token classification with a vocabulary from the training rows; quoted commas survive', () => {
    const text = `text,label\n${rows(40, (i) => `"good, ${i % 2 ? 'fine' : 'awful'} stuff",${i % 2 ? 'pos' : 'neg'}`)}\n`;
    const r = parse(text);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.rows).toBe(40);
    expect(r.dataset.info.output).toMatchObject({ kind: 'classes', classes: 2, classNames: ['neg', 'pos'] });
    expect(r.dataset.trainSize + r.dataset.valSize).toBe(40);
    expect(r.dataset.info.input.kind).toBe('tokens');
    expect(r.dataset.show(0).input).toMatch(/^good, (fine|awful) stuff$/);
  });
  it('numeric columns + label → one feature per step; real labels → regression with a mean-predictor baseline', () => {
    const r = parse(`a,b,c,label\n${rows(30, (i) => `${i},${i + 1},${i + 2},${(i * 0.37).toFixed(2)}`)}`);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.dataset.info.input).toEqual({ kind: 'features', features: 1 });
    expect(r.dataset.info.length).toBe(3);
    expect(r.dataset.info.output).toEqual({ kind: 'regression', units: 1 });
    const s = r.dataset.sample(0);
    expect(Array.from(s.x)).toEqual([s.x[0], s.x[0] + 1, s.x[0] + 2]);
    expect(s.y[0]).toBeCloseTo(s.x[0] * 0.37, 5);
  });
});
