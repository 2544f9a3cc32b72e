/**
 * Share links are untrusted input. ≥ 10,000 random and mutated links go through the start-up path the app runs
 * (`initialDocument`, which main.tsx calls before mounting): it never throws, a link either opens a valid graph or
 * leaves the autosaved graph open, untouched, with a message that says what happened. (The browser side, a
 * damaged link in Chromium, is in tests/e2e/bad-input.test.ts.)
 */
import fc from 'fast-check';
import { decompressFromEncodedURIComponent } from 'lz-string';
import { describe, expect, it } from 'vitest';
import { validateGraph } from '../../src/graph/index.ts';
import { encodeShare, initialDocument, presetByName, saveLocal, SHARE_MAX_CHARS, STORAGE_KEY, type KeyValue } from '../../src/store/index.ts';

const URI_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$';

/** An autosave holding the BiLSTM lesson: what a returning user has in storage. */
function storageWithAutosave(): { kv: KeyValue; saved: string } {
  const mem = new Map<string, string>();
  const kv: KeyValue = { getItem: (k) => mem.get(k) ?? null, setItem: (k, v) => void mem.set(k, v) };
  saveLocal(kv, presetByName('lesson-bilstm-2layer')!.doc, { tab: 't', rev: 1 });
  return { kv, saved: mem.get(STORAGE_KEY)! };
}

const valid = (['lesson-lstm', 'lesson-bilstm-2layer', 'adding-gru'] as const).map((n) => {
  const r = encodeShare(presetByName(n)!.doc);
  if (!r.ok) throw new Error(r.error);
  return r.hash.slice(3);
});

const lzThrows = (body: string) => {
  try {
    decompressFromEncodedURIComponent(body);
    return false;
  } catch {
    return true;
  }
};

/** A valid link with 1–4 edits: a character replaced, inserted or deleted, a cut, or a slice repeated. */
const mutated = fc
  .tuple(fc.constantFrom(...valid), fc.array(fc.tuple(fc.nat(4), fc.nat(), fc.nat(), fc.oneof(fc.constantFrom(...URI_ALPHABET), fc.string({ maxLength: 3 }))), { minLength: 1, maxLength: 4 }))
  .map(([link, edits]) =>
    edits.reduce((s, [op, i, j, ch]) => {
      const at = s.length ? i % s.length : 0;
      if (op === 0) return s.slice(0, at) + ch + s.slice(at + 1);
      if (op === 1) return s.slice(0, at) + ch + s.slice(at);
      if (op === 2) return s.slice(0, at) + s.slice(at + 1);
      if (op === 3) return s.slice(0, at);
      return s + s.slice(at, at + (j % 4000)).repeat(1 + (j % 5));
    }, link),
  );
const random = fc.oneof(
  fc.string({ unit: fc.constantFrom(...URI_ALPHABET), maxLength: 60 }),
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.nat(3 * SHARE_MAX_CHARS).map((n) => 'Ab$'.repeat(Math.ceil(n / 3)).slice(0, n)),
);

describe('share links, fuzzed through the start-up path', () => {
  let opened = 0;
  let thrownByLz = 0;
  const check = (body: string) => {
    if (lzThrows(body)) thrownByLz++;
    const { kv, saved } = storageWithAutosave();
    const first = initialDocument({ search: '', hash: `#g=${body}` }, kv);
    if (first.source === 'share') {
      opened++;
      expect(validateGraph(first.doc).ok).toBe(true);
      return;
    }
    expect(first.source).toBe('autosave');
    expect(first.doc).toEqual(presetByName('lesson-bilstm-2layer')!.doc);
    expect(first.error).toMatch(/^This share link (is damaged|is too long|holds no usable graph).* Your autosaved graph is open\.$/s);
    expect(kv.getItem(STORAGE_KEY)).toBe(saved);
  };

  it('6,000 random links: never a throw, the autosave stays open and a message says why', () => {
    fc.assert(fc.property(random, (body) => void check(body)), { numRuns: 6000 });
  });

  it('6,000 mutated valid links: never a throw; whatever opens is a valid graph, else the autosave with a message', () => {
    opened = 0;
    fc.assert(fc.property(mutated, (body) => void check(body)), { numRuns: 6000 });
    expect(opened).toBeLessThan(6000); // most edits damage the link…
  });

  it('the fuzzers reach the links that make lz-string itself throw', () => {
    expect(thrownByLz).toBeGreaterThan(50);
  });

  it('the unchanged links open their graphs', () => {
    for (const body of valid) expect(initialDocument({ search: '', hash: `#g=${body}` }, storageWithAutosave().kv).source).toBe('share');
  });
});
