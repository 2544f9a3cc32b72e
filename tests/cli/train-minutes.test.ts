/**
 * `rnn-studio train --minutes M` on CMUdict: the clock ends the run (status time-up, not an error), and the test split
 * is decoded greedily and scored: the PER and WER it prints are those of the saved weights decoded again, word by
 * word, on the same evenly spaced test words, scored against every reference by hand-independent edit distance.
 */
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadTfModel } from '../../src/cli/model-load.ts';
import { loadTask, type PairDataset } from '../../src/datasets/index.ts';
import { editDistance } from '../../src/datasets/metrics.ts';
import { planRun } from '../../src/datasets/plan.ts';
import { buildInference, decodeOne } from '../../src/runtime/seq2seq.ts';
import { cli, scratchDir, writeGraph } from '../export/helpers.ts';
import { seq2seqDoc } from '../fixtures/seq2seq.ts';

it('--minutes stops on the clock and --test-words N scores N evenly spaced test words', async () => {
  const dir = scratchDir('train-minutes');
  const doc = seq2seqDoc({ source: 28, target: 72, embed: 8, units: 16, task: 'cmudict', seed: 5 });
  const graph = writeGraph(doc, join(dir, 'graph.json'));
  const r = await cli(['train', graph, '--minutes', '0.1', '--test-words', '30', '--batch-size', '16', '--lr', '0.02', '--eval-every', '100000', '--out', join(dir, 'w'), '--json']);
  expect(r.code).toBe(0);
  const s = JSON.parse(r.out);
  expect(s.status).toBe('time-up');
  expect(s.minutes).toBe(0.1);
  expect(s.message).toMatch(/0\.1 minute\(s\) were up/);
  expect(s.test).toMatchObject({ words: 30, decoding: 'greedy', sample: '30 words evenly spaced over the test split' });

  await loadTask('cmudict');
  const plan = planRun(doc);
  if (!plan.ok) throw new Error(plan.error);
  const ds = plan.ds as PairDataset;
  expect(s.test.testSize).toBe(ds.testSize);
  const { ir, model } = await loadTfModel(graph, join(dir, 'w'), 'wasm');
  const inf = buildInference(model, ir);
  let edits = 0;
  let refLen = 0;
  let wrong = 0;
  for (let k = 0; k < 30; k++) {
    const i = ds.trainSize + ds.valSize + Math.floor((k * ds.testSize) / 30);
    const hyp = decodeOne(inf, ds.sample(i).x, ds.maxTargetLen);
    // The closest reference (fewest edits, then the shorter) counts.
    const best = ds.references(i).map((ref) => [editDistance(hyp, ref), ref.length]).sort((a, b) => a[0] - b[0] || a[1] - b[1])[0];
    edits += best[0];
    refLen += best[1];
    if (best[0] > 0) wrong++;
  }
  model.dispose();
  expect(s.test.per).toBeCloseTo(edits / refLen, 12);
  expect(s.test.wer).toBeCloseTo(wrong / 30, 12);
}, 300_000);
