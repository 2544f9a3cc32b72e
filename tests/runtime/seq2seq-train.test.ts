/** Training an encoder–decoder on a pair task with teacher forcing (wasm): the fit check, the feeds, the padded loss. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/index.ts';
import { serializeDocument, type Params } from '../../src/graph/index.ts';
import { checkFit, collate, TASKS, type PairDataset } from '../../src/datasets/index.ts';
import { planRun } from '../../src/datasets/plan.ts';
import { buildModel } from '../../src/runtime/build.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { TrainSession, type SessionEvent } from '../../src/runtime/train-session.ts';
import { batchTensors, meanLoss, Trainer, type TrainEvent } from '../../src/runtime/train.ts';
import { edge, node } from '../fixtures/graphs.ts';
import { seq2seqDoc } from '../fixtures/seq2seq.ts';
import { memoryRuns } from './runs-double.ts';

beforeAll(async () => {
  expect(await initTfNode('wasm')).toBe('wasm');
});

const reversal = (o: { encoderFirst?: boolean } = {}) => seq2seqDoc({ source: 12, target: 13, embed: 8, units: 16, task: 'reversal', seqLen: 4, ...o });

describe('fit check for pair tasks', () => {
  const info = TASKS.reversal.make({ seed: 1, seqLen: 4 }).info;
  const codes = (doc: ReturnType<typeof reversal>) => checkFit(compile(doc).ir!, info).issues.map((i) => i.code);

  it('feeds each Input by its role, read from the wiring, whatever the order of the Inputs', () => {
    for (const encoderFirst of [true, false]) {
      const ir = compile(reversal({ encoderFirst })).ir!;
      const fit = checkFit(ir, info);
      expect(fit.ok).toBe(true);
      expect(fit.feeds).toEqual(ir.inputs.map((id) => (id === 'src' ? 'x' : 'decoderIn')));
    }
  });

  it('names the vocabularies, the head and the missing states in its refusals', () => {
    const doc = reversal();
    const withParam = (id: string, p: Params) => ({ ...doc, nodes: doc.nodes.map((n) => (n.id === id ? { ...n, data: { ...n.data, params: { ...n.data.params, ...p } } } : n)) });
    expect(codes(withParam('src', { vocabSize: 5 }))).toEqual(['F_VOCAB']);
    expect(codes(withParam('out', { units: 20 }))).toEqual(['F_CLASSES']);
    expect(codes(withParam('dec', { returnSequences: false }))).toEqual(['F_PER_STEP']);
    // The two token sequences side by side into one LSTM: no initial states, so no encoder and decoder to tell apart.
    const noStates = {
      nodes: [...doc.nodes.filter((n) => n.id !== 'enc').map((n) => (n.id === 'dec' ? { ...n, data: { ...n.data, params: { units: 4, returnSequences: true } } } : n)), node('cat', 'Concatenate', {})],
      edges: [edge('src', 'srcEmb'), edge('tgt', 'tgtEmb'), edge('srcEmb', 'cat'), edge('tgtEmb', 'cat'), edge('cat', 'dec'), edge('dec', 'out')],
    };
    const r = checkFit(compile(noStates).ir!, info);
    expect(r.issues.map((i) => [i.code, i.message])).toEqual([['F_SEQ_INPUTS', 'No layer starts from initial states, so nothing tells the encoder from the decoder.']]);
  });
});

describe('the padded cross-entropy', () => {
  it('averages −log p[y] over the positions where y ≠ 0 only (hand-computed)', () => {
    // B = 1, T = 3, C = 3; the last position is padding, whose p would otherwise dominate.
    const p = tf.tensor3d([[[0.2, 0.5, 0.3], [0.1, 0.1, 0.8], [0.9, 0.05, 0.05]]]);
    const y = tf.tensor2d([[1, 2, 0]], [1, 3], 'int32');
    const got = meanLoss('ce', p, y, { skipPad: true }).dataSync()[0];
    expect(got).toBeCloseTo(-(Math.log(0.5) + Math.log(0.8)) / 2, 6);
    tf.dispose([p, y]);
  });
});

describe('teacher forcing', () => {
  it('feeds [source, decoder input] in the order of the Inputs, and the training loss on reversal decreases', async () => {
    const plan = planRun(reversal({ encoderFirst: false }), { seed: 3 });
    if (!plan.ok) throw new Error(plan.error);
    const model = buildModel(plan.ir);
    const ds = plan.ds as PairDataset;
    const { x } = batchTensors(collate(ds, [0, 1]), plan.fit);
    // The decoder Input comes first here: it is fed the [B, Ty] decoder input, the encoder Input the [B, Ts] source.
    expect(x.map((t) => t.shape)).toEqual([[2, 5], [2, 4]]);
    tf.dispose(x);
    const trainer = new Trainer(model, ds, plan.fit, { optimizer: 'adam', learningRate: 0.02, batchSize: 32, epochs: 1, steps: 150, clipNorm: 1, seed: 3, evalEvery: 150, maxValSamples: 256 }, plan.ir);
    const losses: number[] = [];
    const result = await trainer.run((e: TrainEvent) => void (e.type === 'step' && losses.push(e.loss)));
    trainer.dispose();
    model.dispose();
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    const first = mean(losses.slice(0, 10));
    const last = mean(losses.slice(-10));
    expect(result.status).toBe('done');
    expect(last).toBeLessThan(0.8 * first);
    expect(result.final.loss).toBeLessThan(ds.info.baseline.loss);
    // Validation decodes too: greedy from START, scored per token and per sequence.
    expect(result.final.decoded!.samples).toBe(200);
    expect(result.final.decoded!.per).toBeLessThan(0.9); // chance: each of 4 symbols right with p = 1/10
  }, 120_000);
});

describe('the training session on a pair task', () => {
  it('runs the state-port layers on the wasm SIMD kernels, and "try it" decodes a typed source and a held-out sample', async () => {
    const s = new TrainSession('nowhere://', memoryRuns().runs);
    const events: SessionEvent[] = [];
    const settings = { optimizer: 'adam' as const, learningRate: 0.02, batchSize: 32, epochs: 1, steps: 40, clipNorm: 1, seed: 3, evalEvery: 1000, maxValSamples: 50 };
    const r = await s.start({ docText: serializeDocument(reversal()), settings }, 'wasm', (e) => events.push(e));
    expect(r.status).toBe('done');
    expect(events[0]).toMatchObject({ type: 'started', taskId: 'reversal', engine: 'wasm SIMD kernels (2 recurrent layers)' });
    const before = tf.memory().numTensors;
    const typed = await s.tryIt('abcd');
    expect(typed.input).toBe('abcd');
    expect(typed.output).toMatch(/^([a-j]+|\(nothing: the decoder ended at once\))$/);
    const held = await s.tryIt();
    expect(held.target).toMatch(/^[a-j]{4}$/);
    expect(held.input.split('').reverse().join('')).toBe(held.target);
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);
});
