/**
 * `rnn-studio probe` in-process: the JSON form of the issue, a TF.js model.json giving the same numbers as its graph,
 * explicit --input/--target tensors, and one-line errors with exit codes; a model with two outputs (its loss named as
 * training sums it, a connectivity matrix per output, one target per output).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';

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
const dir = mkdtempSync(join(tmpdir(), 'probe-cli-'));

it('prints {"seqLen","layers":[{"name","kind","direction","gradNorm","gateMeans","retention"}]} for a task batch', async () => {
  const r = await run('probe', 'presets/adding-lstm.json', '--seq-len', '12', '--batch', '4', '--json');
  expect(r.code).toBe(0);
  const j = JSON.parse(r.out);
  expect(Object.keys(j)).toEqual(['seqLen', 'layers']);
  expect(j.seqLen).toBe(12);
  const l = j.layers[0];
  expect(Object.keys(l)).toEqual(['name', 'kind', 'direction', 'gradNorm', 'gateMeans', 'retention']);
  expect(l).toMatchObject({ name: 'lstm', kind: 'LSTM', direction: 'forward' });
  expect(Object.keys(l.gateMeans)).toEqual(['i', 'f', 'cTilde', 'o', 'c', 'h']);
  for (const v of [l.gradNorm, l.retention, ...Object.values(l.gateMeans)]) expect((v as number[]).length).toBe(12);
  expect(l.retention[11]).toBe(1);
  // The loss is read at the last step: the gradient there is larger than at the first.
  expect(l.gradNorm[11]).toBeGreaterThan(l.gradNorm[0]);
});

it("--extrapolate reports the factor it reached: the task's maximum length caps it, and a text corpus may have nothing longer", async () => {
  const r = await run('probe', 'presets/adding-lstm.json', '--seq-len', '300', '--batch', '2', '--extrapolate', '5', '--json');
  expect(r.code).toBe(0);
  const x = JSON.parse(r.out).extrapolation;
  expect({ trainedLength: x.trainedLength, length: x.length }).toEqual({ trainedLength: 300, length: 1000 }); // adding: T ≤ 1000
  expect(x.factor).toBeCloseTo(1000 / 300, 12);
  expect(x.layers[0].hNorm).toHaveLength(1000);
  out = '';
  // lesson-lstm on spam subjects, 4 tokens probed: the longer batch is cut at 20 tokens, still longer than 4.
  const short = JSON.parse((await run('probe', 'presets/lesson-lstm.json', '--seq-len', '4', '--batch', '2', '--extrapolate', '5', '--json')).out).extrapolation;
  expect(short.length).toBeGreaterThan(4);
  expect(short.length).toBeLessThanOrEqual(20);
  expect(short.factor).toBeCloseTo(short.length / 4, 12);
  out = '';
  // At its own length the probe batch is the longest the data has: nothing to run past it.
  const none = await run('probe', 'presets/lesson-lstm.json', '--batch', '2', '--extrapolate', '5');
  expect(none.code).toBe(0);
  expect(none.out).toMatch(/beyond the training length: this data has no example longer than the \d+ steps probed\./);
});

it('a TF.js model.json with its weights gives the same probe as the graph it was exported from', async () => {
  const exp = join(dir, 'gru');
  expect((await run('export', 'presets/adding-gru.json', '--format', 'tfjs', '--out', exp)).code).toBe(0);
  out = '';
  const fromGraph = JSON.parse((await run('probe', 'presets/adding-gru.json', '--seq-len', '9', '--batch', '3', '--json')).out);
  out = '';
  const r = await run('probe', join(exp, 'model.json'), '--task', 'adding', '--seq-len', '9', '--batch', '3', '--json');
  expect(r.code).toBe(0);
  const fromModel = JSON.parse(r.out);
  fromModel.layers[0].gradNorm.forEach((g: number, t: number) => expect(g).toBeCloseTo(fromGraph.layers[0].gradNorm[t], 6));
  // SimpleRNN has no gate: its retention is the exact Jacobian norm, 1 at t = T.
  out = '';
  const s = JSON.parse((await run('probe', 'presets/adding-simplernn.json', '--seq-len', '6', '--batch', '2', '--json')).out);
  expect(s.layers[0].retention[5]).toBeCloseTo(1, 5);
});

it('takes explicit --input/--target tensors (the predict form)', async () => {
  const x = join(dir, 'x.json'), y = join(dir, 'y.json');
  writeFileSync(x, JSON.stringify({ dtype: 'float32', shape: [2, 5, 2], data: [0.1, 0, 0.5, 1, 0.2, 0, 0.9, 1, 0.3, 0, 0.4, 1, 0.6, 0, 0.2, 0, 0.8, 1, 0.1, 0] }));
  writeFileSync(y, JSON.stringify({ dtype: 'float32', shape: [2, 1], data: [1.4, 1.2] }));
  const r = await run('probe', 'presets/adding-simplernn.json', '--input', x, '--target', y, '--json');
  expect(r.code).toBe(0);
  expect(JSON.parse(r.out).layers[0].gradNorm.length).toBe(5);
});

it('fails with one line and an exit code, never a stack trace', async () => {
  let r = await run('probe', 'presets/adding-lstm.json', '--input', join(dir, 'x.json'));
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/--input and --target go together/);
  err = '';
  r = await run('probe', 'presets/adding-lstm.json', '--task', 'nope');
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/Unknown task "nope"/);
  err = '';
  r = await run('probe', 'presets/missing.json');
  expect(r.code).toBe(2);
  expect(r.err.split('\n').filter(Boolean).length).toBe(1);
});

it('a model with two outputs: the loss named as training sums it, one connectivity matrix per output; explicit targets one per output', async () => {
  const r = await run('probe', 'tests/fixtures/two-heads.json', '--batch', '4', '--connectivity');
  expect(r.code, r.err).toBe(0);
  expect(r.out).toMatch(/^T = 10, loss \(0\.5 · mean squared error of dense \+ 1 · cross-entropy of dense_1, as in training\) = /);
  expect(r.out.match(/^connectivity of \w+/gm)).toEqual(['connectivity of dense', 'connectivity of dense_1']);
  out = err = '';
  const j = await run('probe', 'tests/fixtures/two-heads.json', '--batch', '4', '--connectivity', '--json');
  expect(JSON.parse(j.out).outputs.map((o: { name: string }) => o.name)).toEqual(['dense', 'dense_1']);
  const x = join(dir, 'x2.json'), y1 = join(dir, 'y1.json');
  writeFileSync(x, JSON.stringify({ dtype: 'float32', shape: [1, 3, 2], data: [0.1, 1, 0.5, 0, 0.9, 1] }));
  writeFileSync(y1, JSON.stringify({ dtype: 'float32', shape: [1, 1], data: [0.6] }));
  out = err = '';
  const bad = await run('probe', 'tests/fixtures/two-heads.json', '--input', x, '--target', y1);
  expect(bad.code).toBe(2);
  expect(bad.err.trim()).toMatch(/y1\.json holds 1 target\(s\); the model has 2 output\(s\): give a list with one target per output, in output order\.$/);
});
