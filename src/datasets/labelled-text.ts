/** A dataset of labelled texts turned into token ids with a vocabulary built on the training split. */
import { buildVocab, charTokens, encodeTokens, tokenize, type Vocab } from './vocab.ts';
import type { Dataset, TaskInfo } from './types.ts';

export interface LabelledText {
  text: string;
  label: number;
}

export interface TextDatasetOptions {
  info: Omit<TaskInfo, 'input' | 'length'>;
  train: LabelledText[];
  val: LabelledText[];
  /** Word tokens by default; characters for names. */
  tokens?: (text: string) => string[];
  maxTokens?: number;
  /** Keep at most this many tokens per text. */
  maxLen?: number;
  classNames: string[];
}

export function textDataset(o: TextDatasetOptions): Dataset & { vocab: Vocab } {
  const tok = o.tokens ?? tokenize;
  const vocab = buildVocab(o.train.map((d) => tok(d.text)), o.maxTokens);
  const all = [...o.train, ...o.val];
  const ids = all.map((d) => encodeTokens(tok(d.text), vocab, o.maxLen));
  return {
    info: { ...o.info, input: { kind: 'tokens', vocabSize: vocab.words.length }, length: null },
    trainSize: o.train.length,
    valSize: o.val.length,
    vocab,
    symbols: vocab.words,
    sample: (i) => ({ x: ids[i], T: ids[i].length, y: [all[i].label] }),
    show: (i) => ({ input: all[i].text, target: o.classNames[all[i].label] }),
    encode: (text) => Array.from(encodeTokens(tok(text), vocab, o.maxLen)),
    tokens: (text) => tok(text).slice(0, o.maxLen),
    textInput: { tokenizer: o.tokens === charTokens ? 'chars' : 'words', maxLen: o.maxLen ?? null, words: vocab.words },
  };
}

/** Majority-class baseline for a labelled set: accuracy of always guessing the most frequent training label, and the cross-entropy of predicting the training label frequencies. */
export function priorBaseline(train: LabelledText[], classes: number) {
  const counts = new Array(classes).fill(0);
  for (const d of train) counts[d.label]++;
  const p = counts.map((c) => c / train.length);
  const ce = -p.reduce((s, pi) => s + (pi > 0 ? pi * Math.log(pi) : 0), 0);
  return { loss: ce, metric: Math.max(...p) };
}
