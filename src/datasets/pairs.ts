/**
 * Sequence-to-sequence pair tasks: a source token sequence → a target token sequence (docs/seq2seq.md). A pair task
 * lists its (source, target) pairs as symbol strings; `pairDataset` turns them into ids with two vocabularies and
 * gives the training triples of teacher forcing (shared/reference/seq2seq-attention.md §2):
 *   encoder input = source ids;  decoder input = START, t₁ … tₙ;  target = t₁ … tₙ, END,
 * each post-padded with PAD = 0 by `collate` (so `Embedding(maskZero)` masks the padding and a masked loss skips it).
 */
import { deriveSeed, permutation, Rng, sampleRng } from './rng.ts';
import type { PairVocab, SourceReading } from '../graph/types.ts';
import type { Dataset, MakeOptions, TaskDef, TaskInfo } from './types.ts';

export type { PairVocab, SourceReading };

/** Source vocabulary: 0 = PAD, 1 = UNK (typed symbols outside the alphabet), then the task's symbols. */
export const SOURCE_SPECIALS = ['<pad>', '<unk>'] as const;
/** Target vocabulary: 0 = PAD, 1 = START (the first decoder input), 2 = END (ends every target), then the symbols. */
export const TARGET_SPECIALS = ['<pad>', '<start>', '<end>'] as const;
export const PAD = 0;
export const UNK = 1;
export const START = 1;
export const END = 2;

export interface Pair {
  source: string[];
  /** Every correct target (pronunciation variants); the first one is trained on. */
  targets: string[][];
}

export interface PairDataset extends Dataset {
  /** `sourceVocab[id]`: the specials, then the source symbols. */
  sourceVocab: string[];
  /** `targetVocab[id]`: the specials, then the target symbols. */
  targetVocab: string[];
  /** Sample i's references as target ids without START/END (all variants, for PER and WER). */
  references(i: number): Int32Array[];
  /** Target symbols of ids (specials dropped), joined the task's way: what "try it" and the metrics show. */
  showTarget(ids: ArrayLike<number>): string;
  /** The decoding length cap: the longest target of the data plus END. */
  maxTargetLen: number;
  /** The vocabularies and reading as data, for an export (vocab.json). */
  pairVocab: PairVocab;
  /** Split sizes: `[0, trainSize)` train, then validation, then `[trainSize + valSize, +testSize)` test. */
  testSize: number;
}

/** The source symbols of a typed text, read as `r` says. */
export function readSource(text: string, r: SourceReading): string[] {
  const s = text.replace(/\s+/g, '');
  const symbols = [...(r.upper ? s.toUpperCase() : s).padEnd(r.padTo ?? 0, ' ')];
  return r.reverse ? symbols.reverse() : symbols;
}

export interface PairDatasetOptions {
  info: Omit<TaskInfo, 'input' | 'output' | 'length' | 'baseline'>;
  /** Samples in split order: train, then validation, then test. */
  pair(i: number): Pair;
  sizes: { train: number; val: number; test: number };
  sourceSymbols: readonly string[];
  targetSymbols: readonly string[];
  /** How source and target symbols are joined for display ('' for characters, ' ' for phonemes). */
  joiners: { source: string; target: string };
  /** How a typed text ("try it", an export's decode.py) becomes source symbols. */
  reading: SourceReading;
  /**
   * How a sample reads to a person (the preview, a held-out "try it"), when not its symbols joined: addition's
   * question as typed, not reversed and padded as the model reads it.
   */
  written?: { source(symbols: string[]): string; target(symbols: string[]): string };
  /** Fixed source length of every sample, or null. */
  sourceLength: number | null;
  /** The longest target (symbols, without END). */
  maxTarget: number;
}

/** The unigram baseline is estimated on this many samples from the start of the training split. */
const BASELINE_SAMPLES = 5000;

const vocabIndex = (words: readonly string[]) => new Map(words.map((w, i) => [w, i]));

/**
 * Cross-entropy of the unigram predictor over target tokens (END included), estimated on training samples: each
 * token predicted by its frequency alone, ignoring the source and the prefix (as the char task's baseline).
 */
function unigramBaseline(pairs: Iterable<Pair>, targetIndex: Map<string, number>, V: number) {
  const counts = new Float64Array(V);
  let n = 0;
  for (const p of pairs) {
    for (const s of p.targets[0]) counts[targetIndex.get(s)!]++;
    counts[END]++;
    n += p.targets[0].length + 1;
  }
  let ce = 0;
  let best = 0;
  for (const c of counts) if (c > 0) {
    ce -= (c / n) * Math.log(c / n);
    best = Math.max(best, c / n);
  }
  return { loss: ce, metric: best };
}

export function pairDataset(o: PairDatasetOptions): PairDataset {
  const sourceVocab = [...SOURCE_SPECIALS, ...o.sourceSymbols];
  const targetVocab = [...TARGET_SPECIALS, ...o.targetSymbols];
  const src = vocabIndex(sourceVocab);
  const tgt = vocabIndex(targetVocab);
  const encodeSource = (symbols: string[]) => Int32Array.from(symbols, (s) => src.get(s) ?? UNK);
  const encodeTarget = (symbols: string[]) => Int32Array.from(symbols, (s) => {
    const id = tgt.get(s);
    if (id === undefined) throw new Error(`Target symbol "${s}" is not in the target vocabulary.`);
    return id;
  });
  const nBase = Math.min(o.sizes.train, BASELINE_SAMPLES);
  const baseline = unigramBaseline(Array.from({ length: nBase }, (_, i) => o.pair(i)), tgt, targetVocab.length);
  const show = (ids: ArrayLike<number>) => Array.from(ids).filter((id) => id >= TARGET_SPECIALS.length).map((id) => targetVocab[id]).join(o.joiners.target);
  return {
    info: {
      ...o.info,
      input: { kind: 'tokens', vocabSize: sourceVocab.length },
      output: { kind: 'sequence', classes: targetVocab.length, classNames: targetVocab, length: o.maxTarget },
      length: o.sourceLength,
      baseline: { ...baseline, what: 'each target token predicted by its training frequency alone (unigram model)' },
    },
    trainSize: o.sizes.train,
    valSize: o.sizes.val,
    testSize: o.sizes.test,
    sourceVocab,
    targetVocab,
    symbols: sourceVocab,
    maxTargetLen: o.maxTarget + 1,
    sample(i) {
      const p = o.pair(i);
      const x = encodeSource(p.source);
      const t = encodeTarget(p.targets[0]);
      const y = new Int32Array(t.length + 1);
      y.set(t);
      y[t.length] = END;
      return { x, T: x.length, y };
    },
    show(i) {
      const p = o.pair(i);
      const w = o.written ?? { source: (s: string[]) => s.join(o.joiners.source), target: (t: string[]) => t.join(o.joiners.target) };
      return { input: w.source(p.source), target: p.targets.map(w.target).join(' | ') };
    },
    references: (i) => o.pair(i).targets.map(encodeTarget),
    showTarget: show,
    encode: (text) => Array.from(encodeSource(readSource(text, o.reading))),
    tokens: (text) => readSource(text, o.reading),
    pairVocab: {
      kind: 'pairs', source: { words: sourceVocab, ...o.reading }, target: { words: targetVocab, joiner: o.joiners.target, specials: TARGET_SPECIALS.length },
      unknown: UNK, start: START, end: END, maxLen: o.maxTarget + 1,
    },
  };
}

const CHARS = { source: '', target: '' };
const DIGIT_CHARS = [...'0123456789'];
/** Keras `addition_rnn`'s alphabet: the digits, plus and the padding space. */
const ADDITION_SOURCE = [...DIGIT_CHARS, '+', ' '];
const ADDITION_TARGET = [...DIGIT_CHARS, ' '];

/**
 * Keras `addition_rnn` (keras-io examples/nlp/addition_rnn.py): `f()` draws a length in [1, DIGITS], then that many
 * digits, and reads them as an integer; pairs (a, b) are kept once as an unordered pair (`key = sorted((a, b))`);
 * the query "a+b" is padded with spaces to MAXLEN = 2·DIGITS + 1 and, with REVERSE (Keras's default, True),
 * reversed; the answer str(a + b) is padded with spaces to DIGITS + 1. 50,000 questions at DIGITS = 3.
 */
export function additionQuestions(digits: number, count: number, seed: number, reverse = true): { query: string; answer: string; a: number; b: number }[] {
  const maxLen = 2 * digits + 1;
  const rng = new Rng(deriveSeed(seed, 'addition'));
  const f = () => {
    let s = '';
    for (let i = rng.int(1, digits + 1); i > 0; i--) s += DIGIT_CHARS[rng.int(0, 10)];
    return parseInt(s, 10);
  };
  const seen = new Set<string>();
  const out: { query: string; answer: string; a: number; b: number }[] = [];
  while (out.length < count) {
    const a = f();
    const b = f();
    const key = a < b ? `${a},${b}` : `${b},${a}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const q = `${a}+${b}`.padEnd(maxLen, ' ');
    out.push({ query: reverse ? [...q].reverse().join('') : q, answer: String(a + b).padEnd(digits + 1, ' '), a, b });
  }
  return out;
}

/** Distinct unordered pairs of numbers below 10^digits: how many questions exist. */
const distinctPairs = (digits: number) => (10 ** digits * (10 ** digits + 1)) / 2;

export const additionText: TaskDef = {
  id: 'addition-text',
  title: 'Addition as text',
  summary: '"535+61" → "596", character by character, as in Keras\'s addition_rnn example (the question reversed).',
  group: 'sequence to sequence',
  seqLen: { default: 3, min: 1, max: 5, label: 'Digits per number' },
  make(o: MakeOptions) {
    const digits = Math.max(1, Math.min(5, Math.round(o.seqLen ?? 3)));
    // Keras's 50,000, or half of every question there is for fewer digits (the rejection loop needs room).
    const n = Math.min(50_000, Math.floor(distinctPairs(digits) / 2));
    const qs = additionQuestions(digits, n, o.seed);
    // Keras shuffles before its split: later questions lean to larger numbers, as small pairs are used up first.
    const order = permutation(n, new Rng(deriveSeed(o.seed, 'split')));
    const nVal = Math.round(n / 10);
    return pairDataset({
      info: {
        id: 'addition-text', title: 'Addition as text',
        description: `${n} distinct questions "a+b" with up to ${digits} digits each, padded with spaces to ${2 * digits + 1} characters and reversed before the model reads them (Keras's addition_rnn); the answer is padded to ${digits + 1} characters.`,
        params: { digits, questions: n },
      },
      pair: (i) => ({ source: [...qs[order[i]].query], targets: [[...qs[order[i]].answer]] }),
      sizes: { train: n - nVal, val: nVal, test: 0 }, sourceSymbols: ADDITION_SOURCE, targetSymbols: ADDITION_TARGET, joiners: CHARS,
      // A typed question is read as the training questions are: padded with spaces to 2·D + 1, then reversed.
      reading: { upper: false, padTo: 2 * digits + 1, reverse: true },
      written: { source: (s) => [...s].reverse().join('').trim(), target: (t) => t.join('').trimEnd() },
      sourceLength: 2 * digits + 1, maxTarget: digits + 1,
    });
  },
};

const REVERSAL_SYMBOLS = [...'abcdefghij'];
const REVERSAL_TRAIN = 100_000;
const REVERSAL_VAL = 1_000;

/** Reversal: L symbols drawn uniformly from a–j; the target is the same symbols in reverse order. */
export const reversal: TaskDef = {
  id: 'reversal',
  title: 'Reverse a sequence',
  summary: 'Output the input backwards: the first input symbol is the last one out, so the longest lag is L.',
  group: 'sequence to sequence',
  seqLen: { default: 10, min: 2, max: 100, label: 'Length L' },
  make(o: MakeOptions) {
    const L = Math.max(2, Math.min(100, Math.round(o.seqLen ?? 10)));
    const pair = (i: number): Pair => {
      const r = sampleRng(o.seed, i);
      const source = Array.from({ length: L }, () => r.pick(REVERSAL_SYMBOLS));
      return { source, targets: [[...source].reverse()] };
    };
    return pairDataset({
      info: {
        id: 'reversal', title: 'Reverse a sequence',
        description: `${L} symbols from a–j; the target is the input reversed, then the end token.`, params: { L },
      },
      pair, sizes: { train: REVERSAL_TRAIN, val: REVERSAL_VAL, test: 0 },
      sourceSymbols: REVERSAL_SYMBOLS, targetSymbols: REVERSAL_SYMBOLS, joiners: CHARS, reading: { upper: false, padTo: null, reverse: false },
      sourceLength: L, maxTarget: L,
    });
  },
};
