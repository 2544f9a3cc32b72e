/** `rnn-studio train` as a user runs it: same seed → identical printed losses, another seed → different; files written. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../fixtures/graphs.ts';

const train = (...args: string[]) =>
  JSON.parse(execFileSync('node', [join(ROOT, 'bin/rnn-studio.mjs'), 'train', join(ROOT, 'presets/adding-lstm.json'), '--seq-len', '10', '--steps', '4', '--eval-every', '100', '--json', ...args], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));

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
    let err = '';
    let code = 0;
    try {
      train('--task', 'names');
    } catch (e) {
      code = (e as { status: number }).status;
      err = String((e as { stderr: string }).stderr);
    }
    expect(code).toBe(1);
    expect(err).toMatch(/does not fit "First names → gender"/);
    expect(err).toMatch(/Fix: Set the Input type to tokens/);
  });
});
