/** `rnn-studio train` as a user runs it: same seed → identical printed losses, another seed → different; files written. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serializeDocument } from '../../src/graph/index.ts';
import { chain, ROOT } from '../fixtures/graphs.ts';
import { CSV_MAX_STEPS } from '../../src/datasets/csv.ts';
import { leftBaselineAt } from '../../src/datasets/plateau.ts';

const train = (...args: string[]) =>
  JSON.parse(execFileSync('node', [join(ROOT, 'bin/rnn-studio.mjs'), 'train', join(ROOT, 'presets/adding-lstm.json'), '--seq-len', '10', '--steps', '4', '--eval-every', '100', '--json', ...args], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));

/** The exit code and stderr of a CLI run that must fail (0 and '' if it did not). */
function failure(run: () => unknown): { code: number; err: string } {
  try {
    run();
  } catch (e) {
    return { code: (e as { status: number }).status, err: String((e as { stderr: string }).stderr) };
  }
  return { code: 0, err: '' };
}

describe('rnn-studio train', () => {
  it('prints identical losses for the same seed and different ones for another seed; writes TF.js weights and metrics', () => {
    const out = mkdtempSync(join(tmpdir(), 'rnn-train-'));
    const a = train('--seed', '3', '--out', out);
    const b = train('--seed', '3');
    const c = train('--seed', '4');
    expect(a).toMatchObject({ task: 'adding', seqLen: 10, steps: 4, status: 'done', baseline: 1 / 6, backend: 'wasm', metric: 'mse' });
    expect(a.losses).toHaveLength(4);
    expect(b.losses).toEqual(a.losses);
    expect(b.finalLoss).toBe(a.finalLoss);
    expect(c.losses).not.toEqual(a.losses);
    const modelJson = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    expect(modelJson.weightsManifest[0].paths).toEqual(['./weights.bin']);
    const bytes = modelJson.weightsManifest[0].weights.reduce((s: number, w: { shape: number[] }) => s + 4 * w.shape.reduce((p, d) => p * d, 1), 0);
    expect(readFileSync(join(out, 'weights.bin')).length).toBe(bytes);
    expect(JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')).history).toHaveLength(4);
    expect(existsSync(join(out, 'metrics.json'))).toBe(true);
  });
  it('refuses a task the model does not fit, with exit code 1 and the fix', () => {
    const { code, err } = failure(() => train('--task', 'names'));
    expect(code).toBe(1);
    expect(err).toMatch(/does not fit "First names → gender"/);
    expect(err).toMatch(/Fix: Set the Input type to tokens/);
  });
  it('trains on a user CSV (--csv) and reports a broken one in one line with exit code 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rnn-csv-'));
    const graph = join(dir, 'g.json');
    writeFileSync(graph, serializeDocument({ ...chain(['Input', { inputType: 'features', features: 1, length: 0 }], ['GRU', { units: 4 }], ['Dense', { units: 2, activation: 'softmax' }]), training: { seed: 1 } }));
    // label = 1 when the 4 values sum to more than 2
    const rows = Array.from({ length: 60 }, (_, i) => { const x = [0, 1, 2, 3].map((k) => ((i * 7 + k * 13) % 10) / 10); return `${x.join(',')},${+(x.reduce((a, b) => a + b) > 2)}`; });
    writeFileSync(join(dir, 'ok.csv'), `a,b,c,d,label\n${rows.join('\n')}\n`);
    writeFileSync(join(dir, 'bad.csv'), `a,b,c,d,label\n${rows.slice(0, 20).join('\n')}\n1,2,x,4,0\n`);
    const run = (csv: string) => execFileSync('node', [join(ROOT, 'bin/rnn-studio.mjs'), 'train', graph, '--csv', join(dir, csv), '--steps', '3', '--batch-size', '8', '--json'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(JSON.parse(run('ok.csv'))).toMatchObject({ task: 'csv', steps: 3, status: 'done', metric: 'accuracy' });
    let err = '';
    try {
      run('bad.csv');
    } catch (e) {
      expect((e as { status: number }).status).toBe(2);
      err = String((e as { stderr: string }).stderr);
    }
    expect(err).toMatch(/bad\.csv: Row 22, column "c" is "x", not a number/);
  });
  it('a CSV with two target columns trains a two-output model (--target, output order); a count that does not match is one line, exit 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rnn-csv-'));
    const graph = join(dir, 'g.json');
    const doc = JSON.parse(readFileSync(join(ROOT, 'tests/fixtures/two-heads.json'), 'utf8'));
    doc.graph.nodes[0].data.params.features = 1;
    writeFileSync(graph, JSON.stringify(doc));
    // sum of the 4 values, and whether it is above 2
    const rows = Array.from({ length: 60 }, (_, i) => { const x = [0, 1, 2, 3].map((k) => ((i * 7 + k * 13) % 10) / 10); const s = +x.reduce((a, b) => a + b).toFixed(1); return `${x.join(',')},${s},${s > 2 ? 'high' : 'low'}`; });
    writeFileSync(join(dir, 'two.csv'), `a,b,c,d,total,level\n${rows.join('\n')}\n`);
    const run = (...args: string[]) => execFileSync('node', [join(ROOT, 'bin/rnn-studio.mjs'), 'train', graph, '--csv', join(dir, 'two.csv'), '--steps', '3', '--batch-size', '8', '--json', ...args], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const r = JSON.parse(run('--target', 'total,level'));
    expect(r).toMatchObject({ task: 'csv', steps: 3, status: 'done' });
    expect(r.outputs.map((o: { name: string; target: string }) => [o.name, o.target])).toEqual([['dense', 'total'], ['dense_1', 'level']]);
    const { code, err } = failure(() => run('--target', 'total,level,a'));
    expect(code, err).toBe(1);
    expect(err).toMatch(/F_INPUTS: "two\.csv" has 3 targets \(total, level, a\); the model has 1 input\(s\) and 2 output\(s\)\. Fix: /);
  });
  it('a CSV whose model does not fit in wasm memory ends in one line naming the tensor, with exit code 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rnn-csv-'));
    const graph = join(dir, 'g.json');
    const lstm = { units: 512, recurrentInitializer: 'glorotUniform' }; // (orthogonal would take minutes at this size)
    writeFileSync(graph, serializeDocument(chain(['Input', { inputType: 'features', features: 1, length: 0 }], ['LSTM', lstm], ['Dense', { units: 1, activation: 'linear' }])));
    // The longest CSV (10,000 timesteps): the LSTM saves [T, B, 7·512] floats, 4.6 GB at batch 32.
    const T = CSV_MAX_STEPS;
    writeFileSync(join(dir, 'long.csv'), `${'x,'.repeat(T)}label\n${Array.from({ length: 40 }, (_, i) => `${'1,'.repeat(T)}${i + 0.5}`).join('\n')}\n`);
    let err = '';
    let code = 0;
    try {
      execFileSync('node', [join(ROOT, 'bin/rnn-studio.mjs'), 'train', graph, '--csv', join(dir, 'long.csv'), '--steps', '1', '--batch-size', '32'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      code = (e as { status: number }).status;
      err = String((e as { stderr: string }).stderr);
    }
    expect(code).toBe(1);
    expect(err.trim().split('\n').at(-1)).toBe(
      'rnn-studio train: A tensor of shape [10000, 32, 3584] needs 4.6 GB, more than the 4.3 GB (2³² bytes) that wasm memory can address. Use a smaller batch, a shorter sequence (T) or fewer units or input features.');
  });
  it('--stop-when-left stops at the step the run left the baseline, and --json reports that step', () => {
    const r = JSON.parse(execFileSync('node', [join(ROOT, 'bin/rnn-studio.mjs'), 'train', join(ROOT, 'presets/adding-simplernn.json'), '--seq-len', '10', '--steps', '400',
      '--seed', '1', '--eval-every', '1000', '--stop-when-left', '--json'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
    expect(r.status).toBe('stopped');
    expect(r.steps).toBeLessThan(400);
    expect(r.losses).toHaveLength(r.steps);
    expect(r.leftBaselineAt).toBe(r.steps);
    expect(leftBaselineAt(r.losses, r.baseline)).toBe(r.steps);
    expect(leftBaselineAt(r.losses.slice(0, -1), r.baseline)).toBeNull();
  });
});

describe('rnn-studio train, a model with two outputs', () => {
  it('--json reports each output by name with its target, loss, weight and losses; the total is their weighted sum', () => {
    const r = JSON.parse(execFileSync('node', [join(ROOT, 'bin/rnn-studio.mjs'), 'train', join(ROOT, 'tests/fixtures/two-heads.json'), '--steps', '4', '--eval-every', '100', '--json'],
      { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
    expect(r.outputs.map((o: { name: string; target: string; loss: string; weight: number }) => [o.name, o.target, o.loss, o.weight]))
      .toEqual([['dense', 'sum', 'mse', 0.5], ['dense_1', 'above 1', 'ce', 1]]);
    const [sum, cls] = r.outputs;
    expect(r.finalLoss).toBeCloseTo(0.5 * sum.finalLoss + cls.finalLoss, 5);
    r.losses.forEach((l: number, i: number) => expect(l).toBeCloseTo(0.5 * sum.losses[i] + cls.losses[i], 5));
    // The baseline weighs each target's as the model weighs its output: 0.5 · 1/6 + 1 · ln 2.
    expect(r.baseline).toBeCloseTo(0.5 / 6 + Math.LN2, 10);
  });
});
