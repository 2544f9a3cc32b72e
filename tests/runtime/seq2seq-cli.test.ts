/**
 * `rnn-studio predict --decode` as a user runs it, on weights `rnn-studio train` wrote: its tokens are the training
 * model's own argmax at every step when fed its previous predictions (checked in-process on the same weights).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { loadTfModel } from '../../src/cli/model-load.ts';
import { END, START, TASKS, type PairDataset } from '../../src/datasets/index.ts';
import { checkFit } from '../../src/datasets/fit.ts';
import { serializeDocument } from '../../src/graph/index.ts';
import { ROOT } from '../fixtures/graphs.ts';
import { seq2seqDoc } from '../fixtures/seq2seq.ts';

const cli = (...args: string[]) => execFileSync('node', [join(ROOT, 'bin/rnn-studio.mjs'), ...args], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

it('decodes a typed source with the trained weights, greedy and beam; the tokens are the model\'s fed-back argmax', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnn-s2s-'));
  const graph = join(dir, 'reversal.json');
  writeFileSync(graph, serializeDocument(seq2seqDoc({ source: 12, target: 13, embed: 8, units: 16, task: 'reversal', seqLen: 4 })));
  cli('train', graph, '--steps', '60', '--lr', '0.02', '--eval-every', '1000', '--out', join(dir, 'w'), '--json');
  const greedy = JSON.parse(cli('predict', graph, '--weights', join(dir, 'w'), '--decode', 'abcd', '--json'));
  const beam = JSON.parse(cli('predict', graph, '--weights', join(dir, 'w'), '--decode', 'abcd', '--beam', '3', '--json'));
  expect(beam.beam).toBe(3);
  expect(beam.output).toMatch(/^[a-j]*$/);

  const { doc, ir, model } = await loadTfModel(graph, join(dir, 'w'), 'wasm');
  const ds = TASKS.reversal.make({ seed: 3, seqLen: 4 }) as PairDataset;
  const feeds = checkFit(ir, ds.info).feeds!;
  expect(doc.training?.task).toBe('reversal');
  const x = ds.encode!('abcd');
  const dec = [START, ...greedy.tokens];
  const p = tf.tidy(() => (model.predict(feeds.map((f) => tf.tensor2d(f === 'x' ? x : dec, [1, f === 'x' ? x.length : dec.length], 'int32'))) as tf.Tensor).arraySync() as number[][][])[0];
  const argmax = p.map((row) => row.indexOf(Math.max(...row)));
  // Every decoded token, then END (unless cut at the length cap), is the argmax at its step.
  expect(argmax.slice(0, greedy.tokens.length)).toEqual(greedy.tokens);
  if (greedy.tokens.length < ds.maxTargetLen) expect(argmax[greedy.tokens.length]).toBe(END);
  expect(greedy.output).toBe(ds.showTarget(greedy.tokens));
  model.dispose();
}, 300_000);

it('refuses --decode on a model that is no encoder–decoder, in one line', () => {
  let err = '';
  try {
    cli('predict', join(ROOT, 'presets/lesson-lstm.json'), '--decode', 'hello');
  } catch (e) {
    err = (e as { stderr: string }).stderr;
  }
  expect(err.trim()).toMatch(/^rnn-studio predict: --decode needs an encoder–decoder trained on a sequence-to-sequence task; this graph's task is "spam-subjects"\.$/);
});
