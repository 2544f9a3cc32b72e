/**
 * One set of training defaults: `rnn-studio train` on a graph that sets only its seed and task uses exactly the
 * settings the app's Training tab shows for that graph (store/training.ts `settingsOf`), read from what the CLI
 * prints after one step. Any default that differs between the two fails here.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { parseDocument } from '../../src/graph/index.ts';
import { settingsOf } from '../../src/store/training.ts';

let out = '';
beforeEach(() => {
  out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => vi.restoreAllMocks());

it('the CLI and the app fill unset training settings with the same values', async () => {
  const file = 'presets/race-adding.json';
  const r = parseDocument(readFileSync(file, 'utf8'));
  if (!r.ok) throw new Error(r.error);
  // The preset leaves every setting with a default unset, so each default is compared.
  expect(Object.keys(r.doc.training!).sort()).toEqual(['seed', 'task']);
  const app = settingsOf(r.doc);

  expect(await main(['train', file, '--steps', '1', '--json'])).toBe(0);
  const cli = JSON.parse(out);
  expect({ task: cli.task, seqLen: cli.seqLen, seed: cli.seed, optimizer: cli.optimizer, learningRate: cli.learningRate, batchSize: cli.batchSize, epochs: cli.epochs, clipNorm: cli.clipNorm })
    .toEqual(app);
});
