/**
 * presets/addition-rnn.json (Keras's addition_rnn: LSTM → RepeatVector → LSTM → TimeDistributed(Dense)) is one Input
 * that outputs the whole answer at once: it trains on addition as text below the unigram baseline of the answer's
 * characters, and its greedy decoding is the argmax of the model's own output at every step.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { END, type PairDataset } from '../../src/datasets/index.ts';
import { planRun } from '../../src/datasets/plan.ts';
import { parseDocument } from '../../src/graph/index.ts';
import { buildModel } from '../../src/runtime/build.ts';
import { buildInference, decodeOne } from '../../src/runtime/seq2seq.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { Trainer } from '../../src/runtime/train.ts';

beforeAll(async () => {
  expect(await initTfNode('wasm')).toBe('wasm');
});

it('trains below the unigram baseline of the answer characters, and decodes by the argmax at each step', async () => {
  const r = parseDocument(readFileSync(new URL('../../presets/addition-rnn.json', import.meta.url), 'utf8'));
  if (!r.ok) throw new Error(r.error);
  const t = r.doc.training!;
  const plan = planRun(r.doc, {});
  if (!plan.ok) throw new Error(plan.error);
  expect(plan.fit).toMatchObject({ ok: true, feeds: ['x'], aligned: 4 });
  const ds = plan.ds as PairDataset;
  // The baseline the loss must beat: cross-entropy of each answer character predicted by its frequency alone, over
  // the 4 answer positions (END is not a target of this model), counted here on 5,000 training answers.
  const counts = new Map<number, number>();
  for (let i = 0; i < 5000; i++) for (const id of Array.from(ds.sample(i).y)) if (id !== END) counts.set(id, (counts.get(id) ?? 0) + 1);
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const unigram = -[...counts.values()].reduce((a, c) => a + (c / total) * Math.log(c / total), 0);

  const model = buildModel(plan.ir);
  const trainer = new Trainer(model, ds, plan.fit, { optimizer: t.optimizer!, learningRate: t.learningRate!, batchSize: t.batchSize!, epochs: 1, steps: 250, clipNorm: t.clipNorm!, seed: plan.seed, evalEvery: 250 }, plan.ir);
  const result = await trainer.run();
  trainer.dispose();
  expect(result.final.loss).toBeLessThan(0.85 * unigram);
  expect(result.final.decoded!.samples).toBeGreaterThan(0);

  const inf = buildInference(model, plan.ir);
  for (let i = ds.trainSize; i < ds.trainSize + 20; i++) {
    const x = ds.sample(i).x;
    const p = tf.tidy(() => tf.argMax(model.predict(tf.tensor2d(Array.from(x), [1, x.length], 'int32')) as tf.Tensor, -1));
    const argmax = Array.from(p.dataSync());
    p.dispose();
    expect(decodeOne(inf, x, ds.maxTargetLen)).toEqual(argmax);
    expect(decodeOne(inf, x, ds.maxTargetLen, { beam: 3 })).toEqual(argmax);
  }
  model.dispose();
}, 600_000);
