/**
 * Sequence metrics for sequence-to-sequence tasks (shared/reference/seq2seq-attention.md §5.5):
 *  - phoneme (token) error rate, PER = Σ_words editDistance(hyp, ref) / Σ_words |ref|, pooled over the set;
 *  - word error rate in the G2P sense, WER = the share of words whose hypothesis differs from the reference.
 * A word with several references (pronunciation variants) is right when the hypothesis equals any of them; its PER
 * term uses the reference closest to the hypothesis (fewest edits; the shorter one on a tie), and that reference's
 * length in the denominator.
 */

/** Levenshtein distance over tokens: unit-cost substitutions, insertions and deletions. */
export function editDistance<T>(a: ArrayLike<T>, b: ArrayLike<T>): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

export interface ErrorRates {
  /** Σ edits / Σ reference lengths. */
  per: number;
  /** Words with any error / words. */
  wer: number;
  edits: number;
  refTokens: number;
  wrongWords: number;
  words: number;
}

/**
 * PER and WER of hypotheses against their references.
 * @param hyps one token sequence per word
 * @param refs the references of each word (at least one)
 * @example errorRates([['K', 'AE1', 'T']], [[['K', 'AE1', 'T']]]) // { per: 0, wer: 0, … }
 */
export function errorRates<T>(hyps: ArrayLike<T>[], refs: ArrayLike<T>[][]): ErrorRates {
  if (hyps.length !== refs.length) throw new Error(`${hyps.length} hypotheses for ${refs.length} words.`);
  let edits = 0;
  let refTokens = 0;
  let wrongWords = 0;
  hyps.forEach((h, w) => {
    if (refs[w].length === 0) throw new Error(`Word ${w} has no reference.`);
    const best = refs[w].map((r) => ({ d: editDistance(h, r), n: r.length })).reduce((a, b) => (b.d < a.d || (b.d === a.d && b.n < a.n) ? b : a));
    edits += best.d;
    refTokens += best.n;
    if (best.d > 0) wrongWords++;
  });
  const words = hyps.length;
  return { per: refTokens ? edits / refTokens : 0, wer: words ? wrongWords / words : 0, edits, refTokens, wrongWords, words };
}
