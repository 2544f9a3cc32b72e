/** `rnn-studio race` in-process: the JSON shape of issue 10, the same result as the race the app runs, one-line errors. */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { parseDocument } from '../../src/graph/index.ts';
import { race } from '../../src/runtime/probes/race.ts';

let out = '';
let err = '';
beforeEach(() => {
  out = err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => vi.restoreAllMocks());

const run = async (...args: string[]) => ({ code: await main(args), out, err });

it('prints {"task","seqLen","steps","baseline","models":[{"kind","valLoss","gradRatioInit","gradRatioTrained","ms"}]}, equal to the app\'s race', async () => {
  const r = await run('race', '--seq-len', '8', '--units', '4', '--steps', '3', '--seed', '3', '--json');
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  const j = JSON.parse(r.out);
  expect(Object.keys(j)).toEqual(['task', 'seqLen', 'steps', 'baseline', 'models']);
  expect(j).toMatchObject({ task: 'adding', seqLen: 8, steps: 3, baseline: 1 / 6 });
  expect(j.models.map((m: { kind: string }) => m.kind)).toEqual(['SimpleRNN', 'LSTM', 'GRU']);
  for (const m of j.models) {
    expect(Object.keys(m)).toEqual(['kind', 'valLoss', 'gradRatioInit', 'gradRatioTrained', 'ms']);
    for (const k of ['valLoss', 'gradRatioInit', 'gradRatioTrained', 'ms']) expect(m[k]).toBeGreaterThan(0);
  }
  // The same race through the runtime (as the app's worker runs it), with the preset the CLI reads by default.
  const doc = parseDocument(readFileSync(new URL('../../presets/race-adding.json', import.meta.url), 'utf8'));
  if (!doc.ok) throw new Error(doc.error);
  const direct = await race(doc.doc, { seqLen: 8, units: 4, steps: 3, seed: 3 }, () => {});
  for (const [i, m] of direct.models.entries()) {
    expect(j.models[i].valLoss).toBeCloseTo(m.valLoss, 6);
    expect(j.models[i].gradRatioInit).toBeCloseTo(m.gradRatioInit!, 6);
    expect(j.models[i].gradRatioTrained).toBeCloseTo(m.gradRatioTrained!, 6);
  }
}, 120_000);

it('prints a table and the three conditions without --json', async () => {
  const r = await run('race', '--seq-len', '6', '--units', '4', '--steps', '2');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/^race on adding, T = 6, 2 steps per model; baseline loss 0\.167/);
  expect(r.out).toMatch(/SimpleRNN ≥ 0\.8 × baseline: (yes|no); LSTM and GRU ≤ 0\.1 × baseline: (yes|no)/);
  expect(r.err).toMatch(/GRU done in/);
}, 120_000);

it('refuses bad flags with one line and exit code 2', async () => {
  expect(await run('race', '--seq-len', 'ten')).toMatchObject({ code: 2, err: 'rnn-studio race: --seq-len must be a whole number ≥ 1; got "ten".\n' });
  err = '';
  expect((await run('race', '--task', 'nope')).err).toMatch(/^rnn-studio race: Unknown task "nope"; known: .*adding/);
  err = '';
  expect((await run('race', 'missing.json')).code).toBe(2);
});
