/**
 * presets/seq2seq-addition.json (Keras's lstm_seq2seq shape) trains on addition as text and decodes sums better than
 * chance: chance is the most frequent answer of the validation questions, which a model ignoring the source at best
 * always gives.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, expect, it } from 'vitest';
import type { PairDataset } from '../../src/datasets/index.ts';
import { planRun } from '../../src/datasets/plan.ts';
import { parseDocument } from '../../src/graph/index.ts';
import { buildModel } from '../../src/runtime/build.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { Trainer } from '../../src/runtime/train.ts';

beforeAll(async () => {
  expect(await initTfNode('wasm')).toBe('wasm');
});

it('the lstm_seq2seq preset learns two-digit addition above chance in 300 steps, scored by greedy decoding', async () => {
  const r = parseDocument(readFileSync(new URL('../../presets/seq2seq-addition.json', import.meta.url), 'utf8'));
  if (!r.ok) throw new Error(r.error);
  const t = r.doc.training!;
  const plan = planRun(r.doc, { seqLen: 2 });
  if (!plan.ok) throw new Error(plan.error);
  const ds = plan.ds as PairDataset;
  const model = buildModel(plan.ir);
  const trainer = new Trainer(model, ds, plan.fit, { optimizer: t.optimizer!, learningRate: t.learningRate!, batchSize: t.batchSize!, epochs: 1, steps: 300, clipNorm: t.clipNorm!, seed: plan.seed, evalEvery: 300 }, plan.ir);
  const result = await trainer.run();
  trainer.dispose();
  model.dispose();
  const d = result.final.decoded!;
  const answers = new Map<string, number>();
  for (let i = ds.trainSize; i < ds.trainSize + d.samples; i++) answers.set(ds.show(i).target, (answers.get(ds.show(i).target) ?? 0) + 1);
  const chance = Math.max(...answers.values()) / d.samples;
  expect(1 - d.wer).toBeGreaterThan(chance);
}, 600_000);
