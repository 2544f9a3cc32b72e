/**
 * Tokenizer and vocabulary builder (tfjs has no TextVectorization; shared/reference/tasks.md §10):
 * lowercase, split like torchtext `basic_english`, 0 = PAD, 1 = UNK, vocabulary capped by frequency on the
 * training split only, so validation text can contain unknown words exactly as new text would.
 */

export const PAD = 0;
export const UNK = 1;

/** torchtext `basic_english`: lowercase, punctuation split off as tokens, `<br />` removed. */
export function tokenize(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/<br \/>/g, ' ')
    .replace(/'/g, " ' ")
    .replace(/"/g, '')
    .replace(/\./g, ' . ')
    .replace(/,/g, ' , ')
    .replace(/\(/g, ' ( ')
    .replace(/\)/g, ' ) ')
    .replace(/!/g, ' ! ')
    .replace(/\?/g, ' ? ')
    .replace(/;/g, ' ')
    .replace(/:/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
}

/** Character tokens (for names): lowercase letters and the few symbols names contain. */
export const charTokens = (text: string): string[] => [...text.toLowerCase()];

export interface Vocab {
  /** `words[id]`; `words[0] = '<pad>'`, `words[1] = '<unk>'`. */
  words: string[];
  index: Map<string, number>;
}

/**
 * Builds a vocabulary from tokenised training texts: the `maxTokens − 2` most frequent tokens get ids 2, 3, …
 * (ties broken alphabetically so the result does not depend on input order).
 */
export function buildVocab(docs: string[][], maxTokens = 20000): Vocab {
  const freq = new Map<string, number>();
  for (const d of docs) for (const w of d) freq.set(w, (freq.get(w) ?? 0) + 1);
  const sorted = [...freq.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const words = ['<pad>', '<unk>', ...sorted.slice(0, Math.max(0, maxTokens - 2)).map(([w]) => w)];
  return { words, index: new Map(words.map((w, i) => [w, i])) };
}

/** Token ids for one text, unknown tokens → UNK, truncated to `maxLen` (the length slider). */
export function encodeTokens(tokens: string[], vocab: Vocab, maxLen = Infinity): Int32Array {
  const n = Math.min(tokens.length, maxLen);
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) ids[i] = vocab.index.get(tokens[i]) ?? UNK;
  return ids;
}
