/**
 * Decoding an encoder–decoder, independent of tensors: the model is an injected step function
 * `step(state, prevToken) → { logProbs, state }` (one decoder step: the previous token in, log-probabilities over
 * the target vocabulary and the next decoder state out). The runtime wraps its one-step decoder model in such a
 * function; tests use hand-built toy steps. Follows shared/reference/seq2seq-attention.md §4.
 *
 *  - Greedy: from the start token, feed back the argmax until the end token or the length cap
 *    (Keras `lstm_seq2seq` `decode_sequence`, PyTorch tutorial `topk(1)`).
 *  - Beam search of width k: keep the k best partial hypotheses by summed log-probability; each step expands every
 *    live one by every token and keeps the best 2k candidates (as Hugging Face and fairseq do, so end-token
 *    candidates do not starve the beam); an end-token candidate among the best k is finished (fairseq's
 *    `eos_mask[:, :beam_size]`; one ranked lower is dropped), the best k others stay live; stop when k are finished
 *    or at the cap; the winner is the finished hypothesis with the best score sum / length^lengthPenalty (length
 *    counts the end token, fairseq's `step + 1`).
 */

export interface StepResult<S> {
  /** log p(token | prefix) over the target vocabulary. */
  logProbs: ArrayLike<number>;
  state: S;
}

export type StepFn<S> = (state: S, prevToken: number) => StepResult<S>;

export interface DecodeOptions {
  /** The decoder input of the first step. */
  start: number;
  /** The token that ends a sequence (it is part of the returned tokens when emitted). */
  end: number;
  /** At most this many tokens are produced, the end token included. */
  maxLen: number;
}

export interface Hypothesis {
  /** The produced tokens, without the start token, with the end token when one was produced. */
  tokens: number[];
  /** Σ log p of the produced tokens. */
  logProb: number;
  /** Whether the end token was produced (false: cut at maxLen). */
  finished: boolean;
  /** logProb / tokens.length^lengthPenalty: what beams are ranked by at the end. */
  score: number;
}

/** The index of the largest value, the first one on ties (greedy's choice). */
export function argmax(a: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
  return best;
}

const scoreOf = (logProb: number, length: number, lengthPenalty: number) => logProb / Math.max(1, length) ** lengthPenalty;

/** Greedy decoding: the most likely token at every step (the first one on ties). */
export function greedyDecode<S>(step: StepFn<S>, init: S, o: DecodeOptions): Hypothesis {
  let state = init;
  let prev = o.start;
  const tokens: number[] = [];
  let logProb = 0;
  while (tokens.length < o.maxLen) {
    const r = step(state, prev);
    prev = argmax(r.logProbs);
    logProb += r.logProbs[prev];
    tokens.push(prev);
    state = r.state;
    if (prev === o.end) break;
  }
  return { tokens, logProb, finished: prev === o.end && tokens.length > 0, score: logProb };
}

export interface BeamOptions extends DecodeOptions {
  /** Beam width k ≥ 1. */
  width: number;
  /** Exponent of the length normalisation of finished hypotheses (0: raw log-probability sums; 1: per token). */
  lengthPenalty?: number;
}

interface Live<S> {
  tokens: number[];
  logProb: number;
  state: S;
}

/**
 * Beam search. Returns every kept hypothesis, best first: the finished ones (at most `width`) and, when fewer than
 * `width` finished before the cap, the best unfinished ones cut at `maxLen`. Ties keep the earlier beam and the
 * lower token id, so the result is deterministic.
 */
export function beamSearch<S>(step: StepFn<S>, init: S, o: BeamOptions): Hypothesis[] {
  if (!(o.width >= 1) || !Number.isInteger(o.width)) throw new Error(`Beam width must be a whole number ≥ 1 (got ${o.width}).`);
  const lp = o.lengthPenalty ?? 1;
  let live: Live<S>[] = [{ tokens: [], logProb: 0, state: init }];
  const finished: Hypothesis[] = [];
  for (let t = 0; t < o.maxLen && live.length > 0 && finished.length < o.width; t++) {
    const candidates: { parent: number; token: number; logProb: number; state: S }[] = [];
    live.forEach((h, parent) => {
      const r = step(h.state, h.tokens.length ? h.tokens[h.tokens.length - 1] : o.start);
      for (let v = 0; v < r.logProbs.length; v++) candidates.push({ parent, token: v, logProb: h.logProb + r.logProbs[v], state: r.state });
    });
    // Stable sort: equal sums keep beam order, then token order.
    candidates.sort((a, b) => b.logProb - a.logProb);
    const next: Live<S>[] = [];
    for (const [rank, c] of candidates.slice(0, 2 * o.width).entries()) {
      const tokens = [...live[c.parent].tokens, c.token];
      if (c.token === o.end) {
        if (rank < o.width && finished.length < o.width) finished.push({ tokens, logProb: c.logProb, finished: true, score: scoreOf(c.logProb, tokens.length, lp) });
      } else if (next.length < o.width) next.push({ tokens, logProb: c.logProb, state: c.state });
    }
    live = next;
  }
  const cut = finished.length < o.width
    ? live.slice(0, o.width - finished.length).map((h) => ({ tokens: h.tokens, logProb: h.logProb, finished: false, score: scoreOf(h.logProb, h.tokens.length, lp) }))
    : [];
  const byScore = (a: Hypothesis, b: Hypothesis) => b.score - a.score;
  return [...finished.sort(byScore), ...cut.sort(byScore)];
}

/** The tokens of a hypothesis without the end token (what is shown and scored). */
export const withoutEnd = (h: Hypothesis, end: number): number[] => (h.tokens[h.tokens.length - 1] === end ? h.tokens.slice(0, -1) : h.tokens);
