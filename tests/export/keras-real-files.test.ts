/**
 * Real Keras files, written by Keras itself (Keras 1.2.2 on TensorFlow and Theano, Keras 2.0–2.2, tf.keras 2.2.4 and
 * 2.3, Keras 3.6 and 3.12) and kept in public repositories, opened as a new user would: `rnn-studio summary` and
 * `predict` on the file.
 * tests/fixtures/keras-real-files/index.json names each file's source (repository, path, commit, license) and the
 * Keras version from its attributes; expected.json is written by reference.py beside it, without RNN Studio: the
 * parameter total is the sum of the sizes of the file's weight arrays (`model_weights`, or a .keras file's
 * model.weights.h5 layers), the outputs a float64 numpy
 * forward pass of Keras's equations, and, where the source kept them, Keras's own predictions on Keras's own inputs.
 * Files outside what RNN Studio opens (ConvLSTM2D, an image layer) must be refused with one line naming the layer,
 * or the input it cannot take, and the reason.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, maxAbsDiff, ROOT, scratchDir, type Out } from './helpers.ts';

const FIXTURES = join(ROOT, 'tests/fixtures/keras-real-files');
const DIR = scratchDir('keras-real-files');

interface Entry { file: string; repo: string; path: string; commit: string; license: string; kerasVersion: string; layers: string[]; refused?: 'ConvLSTM2D' }
interface Tensor extends Out { dtype: string }
interface Expected { totalParams: number; input?: Tensor; output?: Out; keras?: { input: Tensor; output: Out } }

const index = JSON.parse(readFileSync(join(FIXTURES, 'index.json'), 'utf8')) as { files: Entry[] };
const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as Record<string, Expected>;
const opens = index.files.filter((e) => !e.refused);
const refused = index.files.filter((e) => e.refused);

async function predictOn(file: string, x: Tensor, tag: string): Promise<Out> {
  const input = join(DIR, `${tag}.x.json`);
  writeFileSync(input, JSON.stringify(x));
  const r = await cli(['predict', file, '--input', input, '--json']);
  expect(r.code, r.err).toBe(0);
  // Every setting these files carry is read: no note (Keras 3.6 writes its orthogonal initializer as OrthogonalInitializer).
  expect(r.err).toBe('');
  return JSON.parse(r.out) as Out;
}

describe('the manifest', () => {
  it('names a source, a commit, a permissive license and the Keras version for every file, and every file has expected results', () => {
    expect(index.files.length).toBeGreaterThan(200);
    for (const e of index.files) {
      expect(e.repo).toMatch(/^[\w.-]+\/[\w.-]+$/);
      expect(e.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(['MIT', 'Apache-2.0', 'BSD-2-Clause', 'BSD-3-Clause']).toContain(e.license);
      expect(existsSync(join(FIXTURES, e.file.split('/')[0], 'LICENSE')), `${e.file}: its source's LICENSE is kept beside it`).toBe(true);
      expect(e.kerasVersion).toMatch(/^[123]\./);
      expect(expected[e.file]?.totalParams, e.file).toBeGreaterThan(0);
    }
    // Keras 1, 2 and 3, and every recurrent kind, are present.
    expect(new Set(opens.map((e) => e.kerasVersion[0]))).toEqual(new Set(['1', '2', '3']));
    for (const kind of ['SimpleRNN', 'LSTM', 'GRU', 'Bidirectional', 'Embedding', 'Masking', 'RepeatVector']) expect(opens.some((e) => e.layers.includes(kind)), kind).toBe(true);
  });
});

describe.each(opens.map((e) => [e.file, e] as const))('%s', (file, entry) => {
  const path = join(FIXTURES, file);
  const e = expected[file];
  const tag = file.replace(/\W+/g, '_');

  it("summary gives the parameter total of the file's weight arrays", async () => {
    const r = await cli(['summary', path, '--json']);
    expect(r.code, r.err).toBe(0);
    expect((JSON.parse(r.out) as { totalParams: number }).totalParams).toBe(e.totalParams);
  });

  it('predict matches the float64 reference within 1e-5', async () => {
    const y = await predictOn(path, e.input!, tag);
    expect(maxAbsDiff(y, e.output!)).toBeLessThan(1e-5);
  });

  if (e.keras) it(`predict on Keras's own inputs gives Keras's own predictions within 1e-5 (Keras ${entry.kerasVersion})`, async () => {
    const y = await predictOn(path, e.keras!.input, `${tag}-keras`);
    expect(maxAbsDiff(y, e.keras!.output)).toBeLessThan(1e-5);
  });
});

describe.each(refused.map((e) => [e.file] as const))('%s is refused', (file) => {
  it('with one line naming the layer and the reason', async () => {
    const r = await cli(['summary', join(FIXTURES, file)]);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/is a ConvLSTM2D, which RNN Studio cannot open: it is an image|has shape \[null,3,4,10,10\]; RNN Studio takes/);
  });
});
