import { describe, expect, it } from 'vitest';
import { editDistance, errorRates } from '../../src/datasets/metrics.ts';

const ph = (s: string) => s.split(' ').filter(Boolean);

describe('edit distance', () => {
  it.each([
    ['', '', 0],
    ['K AE1 T', 'K AE1 T', 0],
    ['K AE1 T', '', 3], // three deletions
    ['', 'K AE1 T', 3], // three insertions
    ['K AE1 T', 'K AH0 T', 1], // one substitution
    ['K AE1 T S', 'K AE1 T', 1], // one insertion
    ['T AH0 M EY1 T OW2', 'T AH0 M AA1 T OW2', 1],
    ['AH0 B K', 'K AH0 B', 2], // a rotation: delete K at the end, insert it at the front
  ])('%j vs %j: %i', (a, b, d) => {
    expect(editDistance(ph(a), ph(b))).toBe(d);
    expect(editDistance(ph(b), ph(a))).toBe(d);
  });
  it('kitten → sitting is 3 over characters (the textbook case)', () => expect(editDistance('kitten', 'sitting')).toBe(3));
});

describe('PER and WER', () => {
  it('pools edits over the summed reference length, and counts a word wrong on any error', () => {
    // word 1: right (0 of 3); word 2: one substitution of 4; word 3: two deletions of 5.
    const r = errorRates(
      [ph('K AE1 T'), ph('D AO1 G Z'), ph('HH AW1 S')],
      [[ph('K AE1 T')], [ph('D AA1 G Z')], [ph('HH AW1 S IH0 Z')]],
    );
    expect(r).toEqual({ per: 3 / 12, wer: 2 / 3, edits: 3, refTokens: 12, wrongWords: 2, words: 3 });
    // Averaging per word instead would give (0 + 1/4 + 2/5) / 3 = 0.2167, not 0.25.
    expect(r.per).not.toBeCloseTo((0 + 1 / 4 + 2 / 5) / 3, 3);
  });

  it('a word with variants is right when the hypothesis equals any; PER uses the closest reference and its length', () => {
    const read = [ph('R EH1 D'), ph('R IY1 D')];
    expect(errorRates([ph('R IY1 D')], [read])).toMatchObject({ per: 0, wer: 0 });
    // TOMATO: hypothesis one edit from variant 2, two from variant 1.
    const tomato = [ph('T AH0 M EY1 T OW2'), ph('T AH0 M AA1 T OW2')];
    expect(errorRates([ph('T AH0 M AA1 T OW1')], [tomato])).toMatchObject({ edits: 1, refTokens: 6, wrongWords: 1 });
    // Equal distance to a 2- and a 3-token reference: the shorter one's length counts.
    expect(errorRates([ph('A')], [[ph('A B C'), ph('B C')]])).toMatchObject({ edits: 2, refTokens: 2 });
  });

  it('refuses mismatched lists and words without a reference', () => {
    expect(() => errorRates([ph('A')], [])).toThrow(/1 hypotheses for 0 words/);
    expect(() => errorRates([ph('A')], [[]])).toThrow(/no reference/);
  });
});
