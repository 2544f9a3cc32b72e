/**
 * `rnn-studio train` on a sequence-to-sequence task: `--minutes` stops the run, and the summary reports greedy
 * decoding's PER and WER on the test split (`--test-words` words of it), for a CMUdict model with an attention decoder.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { serializeDocument } from '../../src/graph/index.ts';
import { seq2seqDoc } from '../fixtures/seq2seq.ts';

let out = '';
let err = '';
beforeEach(() => {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  vi.spyOn(console, 'warn').mockImplementation(() => {});
}, 300_000);
afterEach(() => vi.restoreAllMocks());

it('--minutes 0 stops after the first step; the test split is decoded and scored', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'train-s2s-')), 'g.json');
  writeFileSync(file, serializeDocument(seq2seqDoc({ source: 28, target: 72, embed: 8, units: 16, task: 'cmudict', attention: 'AdditiveAttention' })));
  expect(await main(['train', file, '--steps', '5', '--minutes', '0', '--test-words', '7', '--json'])).toBe(0);
  const r = JSON.parse(out);
  expect(r.steps).toBe(1);
  expect(r.status).toBe('time-up');
  expect(r.test.words).toBe(7);
  // WER counts whole words: a multiple of 1/7. PER is edits over reference phonemes; after one step nothing is right.
  expect(Number.isInteger(Math.round(r.test.wer * 7 * 1e9) / 1e9)).toBe(true);
  expect(r.test.per).toBeGreaterThan(0);
  expect(err).toMatch(/test split, greedy decoding of 7 of \d+ words: PER \S+ WER \S+/);
}, 300_000);
