import { describe, expect, it } from 'vitest';
import { beamSearch, greedyDecode, withoutEnd, type StepFn } from '../../src/datasets/decode.ts';

/**
 * A toy decoder over the tokens 0 = END, 1 = a, 2 = b, with start token 3. Its state is the prefix produced so far;
 * p(next | prefix) is a hand-written table. Finished sequences within 3 tokens and their probabilities (by hand):
 *   E .1 · aE .5·.32 = .16 · bE .4·.9 = .36 · aaE .5·.4·.5 = .1 · abE .5·.28·.8 = .112 · baE = bbE .4·.05·.6 = .012
 * Greedy takes a (.5), a (.4), E (.5): "aaE", p = .1. The most likely sequence is "bE" (.36).
 */
const END = 0;
const START = 3;
const TABLE: Record<string, [number, number, number]> = {
  '': [0.1, 0.5, 0.4],
  a: [0.32, 0.4, 0.28],
  b: [0.9, 0.05, 0.05],
  aa: [0.5, 0.25, 0.25],
  ab: [0.8, 0.1, 0.1],
  ba: [0.6, 0.2, 0.2],
  bb: [0.6, 0.2, 0.2],
};
const NAMES = ['E', 'a', 'b'];
/**
 * One decoder step: the state is the prefix before `prev`; the step appends `prev` (the start token adds nothing),
 * returns the table row for the new prefix and the new prefix as the next state.
 */
const prefixStep: StepFn<string> = (state, prev) => {
  const prefix = prev === START ? state : state + NAMES[prev];
  const p = TABLE[prefix];
  if (!p) throw new Error(`no row for "${prefix}"`);
  return { logProbs: p.map(Math.log), state: prefix };
};
const opts = { start: START, end: END, maxLen: 3 };
const text = (tokens: number[]) => tokens.map((t) => NAMES[t]).join('');

/** Every sequence of at most maxLen tokens that ends with END, with its probability (brute force over the table). */
function allFinished(maxLen: number): { s: string; p: number }[] {
  const out: { s: string; p: number }[] = [];
  const grow = (prefix: string, p: number) => {
    TABLE[prefix].forEach((q, v) => {
      if (v === END) out.push({ s: prefix + 'E', p: p * q });
      else if (prefix.length + 2 <= maxLen) grow(prefix + NAMES[v], p * q);
    });
  };
  grow('', 1);
  return out;
}

describe('greedy decoding', () => {
  it('feeds back its own argmax from the start token and stops at END: "aaE", log p = ln .1', () => {
    const h = greedyDecode(prefixStep, '', opts);
    expect(text(h.tokens)).toBe('aaE');
    expect(h.finished).toBe(true);
    expect(h.logProb).toBeCloseTo(Math.log(0.5 * 0.4 * 0.5), 12);
    expect(withoutEnd(h, END)).toEqual([1, 1]);
  });

  it('stops at the length cap without END when the cap comes first', () => {
    const h = greedyDecode(prefixStep, '', { ...opts, maxLen: 2 });
    expect(text(h.tokens)).toBe('aa');
    expect(h.finished).toBe(false);
    expect(withoutEnd(h, END)).toEqual([1, 1]);
  });
});

describe('beam search', () => {
  it('width 2 finds the most likely sequence "bE" (.36), which greedy misses; the beams are the hand-traced ones', () => {
    // Step 1 keeps a (.5), b (.4); E (.1) ranks 3rd ≥ k and is dropped. Step 2: bE .36 (rank 1, finished), aa .2,
    // aE .16 (rank 3: dropped), ab .14. Step 3: abE .112 finishes; the beam is full (k = 2 finished).
    const beams = beamSearch(prefixStep, '', { ...opts, width: 2, lengthPenalty: 0 });
    expect(beams.map((b) => text(b.tokens))).toEqual(['bE', 'abE']);
    expect(beams[0].logProb).toBeCloseTo(Math.log(0.36), 12);
    expect(beams[1].logProb).toBeCloseTo(Math.log(0.112), 12);
    expect(beams.every((b) => b.finished)).toBe(true);
    const best = allFinished(3).sort((x, y) => y.p - x.p)[0];
    expect(best.s).toBe('bE');
    expect(text(greedyDecode(prefixStep, '', opts).tokens)).not.toBe(best.s);
  });

  it('ranks finished beams by log p / length^lengthPenalty', () => {
    const beams = beamSearch(prefixStep, '', { ...opts, width: 2, lengthPenalty: 1 });
    expect(beams.map((b) => b.score)).toEqual([Math.log(0.4 * 0.9) / 2, Math.log(0.5 * 0.28 * 0.8) / 3].map((x) => expect.closeTo(x, 12)));
  });

  it('width 1 is greedy', () => {
    const [one] = beamSearch(prefixStep, '', { ...opts, width: 1 });
    expect(one.tokens).toEqual(greedyDecode(prefixStep, '', opts).tokens);
  });

  it('a beam as wide as every prefix is exhaustive: its finished beams are the brute-force ranking of all sequences', () => {
    const beams = beamSearch(prefixStep, '', { ...opts, width: 50, lengthPenalty: 0 });
    const done = beams.filter((b) => b.finished);
    const brute = allFinished(3).sort((x, y) => y.p - x.p);
    expect(done.map((b) => text(b.tokens)).sort()).toEqual(brute.map((b) => b.s).sort());
    done.forEach((b, i) => expect(b.logProb).toBeCloseTo(Math.log(brute[i].p), 12));
    // The cut (unfinished) ones come after, each of length maxLen.
    expect(beams.filter((b) => !b.finished).every((b) => b.tokens.length === 3 && !b.tokens.includes(END))).toBe(true);
  });

  it('refuses a width that is not a whole number ≥ 1', () => {
    expect(() => beamSearch(prefixStep, '', { ...opts, width: 0 })).toThrow(/whole number/);
    expect(() => beamSearch(prefixStep, '', { ...opts, width: 1.5 })).toThrow(/whole number/);
  });
});
