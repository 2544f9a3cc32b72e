/**
 * Training a model with two outputs on a task with two targets (adding, two heads): the fit check gives each output
 * its target by loss, and the loss of a training step is Σ weight · loss, checked against the same sum written out by
 * hand in float64 from the model's own predictions on the step's batch.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { collate, deriveSeed, permutation, Rng } from '../../src/datasets/index.ts';
import { planRun } from '../../src/datasets/plan.ts';
import { parseDocument, type GraphDoc } from '../../src/graph/index.ts';
import { buildModel } from '../../src/runtime/build.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { Trainer, type TrainEvent } from '../../src/runtime/train.ts';

beforeAll(async () => {
  expect(await initTfNode('wasm')).toBe('wasm');
});

const twoHeads = (): GraphDoc => {
  const r = parseDocument(readFileSync(new URL('../fixtures/two-heads.json', import.meta.url), 'utf8'));
  if (!r.ok) throw new Error(r.error);
  return r.doc;
};
const withHead = (doc: GraphDoc, id: string, params: Record<string, number | string>): GraphDoc =>
  ({ ...doc, nodes: doc.nodes.map((n) => (n.id === id ? { ...n, data: { ...n.data, params: { ...n.data.params, ...params } } } : n)) });

describe('fit: one target per output', () => {
  it('matches the number target to the linear head and the classes to the softmax head, whatever their order', () => {
    const plan = planRun(twoHeads());
    if (!plan.ok) throw new Error(plan.error);
    expect(plan.fit.outputs).toEqual([
      { head: 0, target: 'sum', loss: 'mse', weight: 0.5, name: 'dense' },
      { head: 1, target: 'above 1', loss: 'ce', weight: 1, name: 'dense_1' },
    ]);
    // Swap the heads' roles: the first Dense becomes the classifier, the second the regression.
    const swapped = withHead(withHead(twoHeads(), 'head1', { units: 2, activation: 'softmax' }), 'head2', { units: 1, activation: 'linear' });
    const p2 = planRun(swapped);
    if (!p2.ok) throw new Error(p2.error);
    expect(p2.fit.outputs!.map((o) => [o.name, o.target])).toEqual([['dense', 'above 1'], ['dense_1', 'sum']]);
  });

  it('two linear heads for a number and classes: the class head is told what to change; one head is too few', () => {
    const p = planRun(withHead(twoHeads(), 'head2', { units: 2, activation: 'linear' }));
    expect(p.ok).toBe(false);
    expect(p.ok ? '' : p.error).toMatch(/F_ACTIVATION: The "above 1" output: 2 classes need probabilities.*Fix: End with Dense\(2, softmax\)/);
    const doc = twoHeads();
    const one = { ...doc, nodes: doc.nodes.filter((n) => n.id !== 'head2'), edges: doc.edges.filter((e) => e.target !== 'head2') };
    const q = planRun(one);
    expect(q.ok ? '' : q.error).toMatch(/F_INPUTS: "Adding, two heads" has 2 targets \(sum, above 1\); the model has 1 input\(s\) and 1 output\(s\)/);
  });
});

describe('the weighted total loss', () => {
  it("step 1's loss equals 0.5 · MSE(sum) + 1 · CE(above 1) computed by hand on its batch, and each output's own loss is reported", async () => {
    const plan = planRun(twoHeads());
    if (!plan.ok) throw new Error(plan.error);
    const B = 4;
    const seed = 7;
    const model = buildModel(plan.ir);
    // The first batch the trainer draws: samples order[0..B) of epoch 0's shuffle.
    const order = permutation(plan.ds.trainSize, new Rng(deriveSeed(seed, 'shuffle:0')));
    const batch = collate(plan.ds, order.subarray(0, B));
    const [sum, cls] = (model.predict(tf.tensor(batch.x, batch.xShape, batch.xDtype)) as tf.Tensor[]).map((t) => {
      const v = Array.from(t.dataSync());
      t.dispose();
      return v;
    });
    const target = Array.from({ length: B }, (_, b) => Array.from(plan.ds.sample(order[b]).y));
    // By hand: MSE = mean (ŷ − y)²; CE = −mean log p[label] (p clipped at 1e-7, as Keras).
    const mse = target.reduce((a, [y], b) => a + (sum[b] - y) ** 2, 0) / B;
    const ce = -target.reduce((a, [, c], b) => a + Math.log(Math.max(cls[b * 2 + c], 1e-7)), 0) / B;
    const events: TrainEvent[] = [];
    const trainer = new Trainer(model, plan.ds, plan.fit, { optimizer: 'sgd', learningRate: 0.01, batchSize: B, epochs: 1, steps: 1, clipNorm: 0, seed, maxValSamples: 8 });
    await trainer.run((e) => events.push(e));
    trainer.dispose();
    model.dispose();
    const step = events.find((e): e is Extract<TrainEvent, { type: 'step' }> => e.type === 'step')!;
    expect(step.losses![0]).toBeCloseTo(mse, 5);
    expect(step.losses![1]).toBeCloseTo(ce, 5);
    expect(step.loss).toBeCloseTo(0.5 * mse + 1 * ce, 5);
    const ev = events.find((e): e is Extract<TrainEvent, { type: 'eval' }> => e.type === 'eval')!;
    expect(ev.losses).toHaveLength(2);
    expect(ev.loss).toBeCloseTo(0.5 * ev.losses![0] + ev.losses![1], 5);
  });

  it('trains: both outputs learn within 300 steps (the sum below its 1/6 baseline, "above 1" below ln 2)', async () => {
    const plan = planRun(twoHeads());
    if (!plan.ok) throw new Error(plan.error);
    const model = buildModel(plan.ir);
    const trainer = new Trainer(model, plan.ds, plan.fit, { optimizer: 'adam', learningRate: 0.01, batchSize: 32, epochs: 1, steps: 300, clipNorm: 1, seed: 42, maxValSamples: 500 });
    const r = await trainer.run();
    trainer.dispose();
    model.dispose();
    expect(r.final.losses![0]).toBeLessThan(1 / 6);
    expect(r.final.losses![1]).toBeLessThan(Math.LN2);
  });
});
