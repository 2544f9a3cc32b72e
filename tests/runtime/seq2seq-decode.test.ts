/**
 * Inference built from the training graph (wasm): the step-by-step decoder equals the full training model run on
 * the decoded prefix (teacher forcing with the model's own predictions), step for step within 1e-5; for the
 * lstm_seq2seq shape and for it with an AdditiveAttention decoder (whose steps attend over the encoder's outputs).
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beamSearch, END, greedyDecode, START, type PairDataset } from '../../src/datasets/index.ts';
import { planRun } from '../../src/datasets/plan.ts';
import { buildModel } from '../../src/runtime/build.ts';
import { buildInference, decodeScore, type Seq2seqInference } from '../../src/runtime/seq2seq.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { Trainer } from '../../src/runtime/train.ts';
import { seq2seqDoc } from '../fixtures/seq2seq.ts';

describe.each([{ attention: undefined }, { attention: 'AdditiveAttention' as const }])('decoder attention: $attention', ({ attention }) => {
  let model: tf.LayersModel;
  let ds: PairDataset;
  let inf: Seq2seqInference;
  let feeds: ('x' | 'decoderIn')[];

  beforeAll(async () => {
    expect(await initTfNode('wasm')).toBe('wasm');
    // The decoder Input listed first, so the feeding order is not the trivial one.
    const plan = planRun(seq2seqDoc({ source: 12, target: 13, embed: 8, units: 16, task: 'reversal', seqLen: 4, encoderFirst: false, attention }), { seed: 4 });
    if (!plan.ok) throw new Error(plan.error);
    model = buildModel(plan.ir);
    ds = plan.ds as PairDataset;
    feeds = plan.fit.feeds!;
    const trainer = new Trainer(model, ds, plan.fit, { optimizer: 'adam', learningRate: 0.02, batchSize: 32, epochs: 1, steps: 120, clipNorm: 1, seed: 4, evalEvery: 120, maxValSamples: 64 });
    await trainer.run();
    trainer.dispose();
    inf = buildInference(model, plan.ir);
  }, 120_000);

  afterAll(() => {
    model.dispose();
  });

  /** The training model's per-step probabilities for source `x` and decoder input START, tokens… ([steps][V]). */
  function teacherForced(x: ArrayLike<number>, tokens: number[]): number[][] {
    const dec = [START, ...tokens];
    return tf.tidy(() => {
      const inputs = feeds.map((f) => (f === 'x' ? tf.tensor2d(Array.from(x), [1, x.length], 'int32') : tf.tensor2d(dec, [1, dec.length], 'int32')));
      return ((model.predict(inputs) as tf.Tensor).arraySync() as number[][][])[0];
    });
  }

  it('greedy decoding from the StepFn equals the training model fed its own predictions, step for step within 1e-5', () => {
    let worst = 0;
    let steps = 0;
    for (let i = ds.trainSize; i < ds.trainSize + 8; i++) {
      const x = ds.sample(i).x;
      const seen: Float32Array[] = [];
      const h = greedyDecode((s, prev) => {
        const r = inf.step(s, prev);
        seen.push(Float32Array.from(r.logProbs));
        return r;
      }, inf.encode(x), { start: START, end: END, maxLen: ds.maxTargetLen });
      const full = teacherForced(x, h.tokens.slice(0, -1));
      expect(full.length).toBe(h.tokens.length);
      full.forEach((p, t) => {
        // The fed-back token at each step is the full model's argmax there.
        expect(p.indexOf(Math.max(...p))).toBe(h.tokens[t]);
        p.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - Math.exp(seen[t][k])))));
        steps++;
      });
    }
    expect(steps).toBeGreaterThan(8); // sequences longer than one token were decoded
    expect(worst).toBeLessThan(1e-5);
  });

  it('beam search scores its hypotheses with the probabilities the training model gives them', () => {
    const x = ds.sample(ds.trainSize).x;
    const beams = beamSearch(inf.step, inf.encode(x), { start: START, end: END, maxLen: ds.maxTargetLen, width: 3 });
    expect(beams.length).toBeGreaterThan(1);
    for (const b of beams) {
      const full = teacherForced(x, b.tokens.slice(0, -1));
      const logP = b.tokens.reduce((s, tok, t) => s + Math.log(full[t][tok]), 0);
      expect(Math.abs(logP - b.logProb)).toBeLessThan(1e-4);
    }
  });

  it('validation by decoding: PER and WER of the decoded reversals, above chance after a short run', () => {
    const r = decodeScore(inf, ds, Array.from({ length: 64 }, (_, k) => ds.trainSize + k));
    expect(r.words).toBe(64);
    // Chance: each of the 4 symbols right with p = 1/10, so PER near 0.9; a model that learned something does better.
    expect(r.per).toBeLessThan(0.9);
  });
});

it('a decoder ending in TimeDistributed(Dense) decodes step by step too: each step equals the full model within 1e-5', () => {
  const doc = seq2seqDoc({ source: 12, target: 13, embed: 8, units: 16, task: 'reversal', seqLen: 4 });
  const head = doc.nodes.find((n) => n.id === 'out')!;
  doc.nodes = [...doc.nodes.filter((n) => n !== head), { ...head, data: { kind: 'TimeDistributed', params: {} } }, { id: 'out_dense', position: { x: 20, y: 40 }, parentId: 'out', data: head.data }];
  const plan = planRun(doc, { seed: 5 });
  if (!plan.ok) throw new Error(plan.error);
  const m = buildModel(plan.ir);
  const td = buildInference(m, plan.ir);
  const x = (plan.ds as PairDataset).sample(0).x;
  const h = greedyDecode(td.step, td.encode(x), { start: START, end: END, maxLen: 5 });
  const dec = [START, ...h.tokens.slice(0, -1)];
  const order = plan.fit.feeds!;
  const full = tf.tidy(() => ((m.predict(order.map((f) => (f === 'x' ? tf.tensor2d(Array.from(x), [1, x.length], 'int32') : tf.tensor2d(dec, [1, dec.length], 'int32')))) as tf.Tensor).arraySync() as number[][][])[0]);
  let state = td.encode(x);
  let worst = 0;
  dec.forEach((tok, t) => {
    const r = td.step(state, tok);
    Array.from(r.logProbs).forEach((v, k) => (worst = Math.max(worst, Math.abs(Math.exp(v) - full[t][k]))));
    state = r.state;
  });
  expect(dec.length).toBeGreaterThan(1);
  expect(worst).toBeLessThan(1e-5);
  m.dispose();
});
