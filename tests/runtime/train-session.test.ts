/** The worker's session logic in Node (wasm): plan errors, a short run, "try it" on text, a generated name, and no leak across runs. */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { serializeDocument, type GraphDoc } from '../../src/graph/index.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { planFor, TrainSession, type SessionEvent } from '../../src/runtime/train-session.ts';
import type { TrainSettings } from '../../src/runtime/train.ts';
import { chain } from '../fixtures/graphs.ts';
import { memoryRuns } from './runs-double.ts';
import { loadTask } from '../../src/datasets/index.ts';

beforeAll(async () => {
  await initTfNode('wasm');
});

const settings: TrainSettings = { optimizer: 'adam', learningRate: 0.01, batchSize: 50, epochs: 1, steps: 8, clipNorm: 1, seed: 3, evalEvery: 1000, maxValSamples: 100 };
const textModel = (): GraphDoc => ({
  ...chain(['Input', { inputType: 'tokens', vocabSize: 100, length: 0 }], ['Embedding', { inputDim: 100, outputDim: 8, maskZero: true }],
    ['LSTM', { units: 8, recurrentInitializer: 'glorotUniform' }], ['Dense', { units: 2, activation: 'softmax' }]),
  training: { seed: 3, task: 'negation' },
});
const charModel = (): GraphDoc => ({
  ...chain(['Input', { inputType: 'features', features: 84, length: 0 }], ['LSTM', { units: 8, returnSequences: true, recurrentInitializer: 'glorotUniform' }],
    ['Dense', { units: 84, activation: 'softmax' }]),
  training: { seed: 3, task: 'chars', seqLen: 12 },
});

describe('training session', () => {
  it('turns an unfit model or a bad CSV into one readable error', () => {
    const adding = readFileSync(new URL('../../presets/adding-lstm.json', import.meta.url), 'utf8');
    expect(() => planFor(adding, { task: 'negation' })).toThrow(/does not fit "Negation toy"[\s\S]*F_INPUT_KIND/);
    expect(() => planFor(serializeDocument(textModel()), { csv: { name: 'x.csv', text: 'a,b\n1,2' } })).toThrow(/No "label" column/);
  });

  it('trains, answers "try it" with class probabilities, and leaks nothing across two runs', async () => {
    const s = new TrainSession('nowhere://', memoryRuns().runs);
    const events: SessionEvent[] = [];
    const before = tf.memory().numTensors;
    const r1 = await s.start({ docText: serializeDocument(textModel()), settings }, 'wasm', (e) => events.push(e));
    expect(r1).toMatchObject({ status: 'done', steps: 8, saved: false }); // Node has no IndexedDB: the run still completes
    expect(events[0]).toMatchObject({ type: 'started', taskId: 'negation', backend: 'wasm', engine: 'wasm SIMD kernels (1 recurrent layer)' });
    const t = await s.tryIt('the film was not good');
    expect(t.input).toBe('the film was not good');
    expect(t.output).toMatch(/^(negative|positive) \(\d+\.\d %\)$/);
    expect(t.probs!.map((p) => p.label)).toEqual(['negative', 'positive']);
    expect(t.probs!.reduce((a, p) => a + p.p, 0)).toBeCloseTo(1, 5);
    const held = await s.tryIt();
    expect(held.target).toMatch(/^(negative|positive)$/);
    const afterOne = tf.memory().numTensors;
    await s.start({ docText: serializeDocument(textModel()), settings }, 'wasm', () => {});
    expect(tf.memory().numTensors).toBe(afterOne);
    expect(afterOne).toBeGreaterThan(before); // the session keeps its model for "try it"
  });

  it('a char model writes a name from a prefix', async () => {
    const s = new TrainSession('nowhere://', memoryRuns().runs);
    await s.start({ docText: serializeDocument(charModel()), settings: { ...settings, batchSize: 20 } }, 'wasm', () => {});
    const g = await s.tryIt('Ma');
    expect(g.input).toBe('Ma');
    expect(g.output.startsWith('Ma')).toBe(true);
    expect(g.output).not.toContain('\n');
  });
});

describe('an encoder–decoder records its probes while it trains (as the app does)', () => {
  it('takes snapshots of both recurrent layers, on the kernels that take initial states', async () => {
    await loadTask('addition-text');
    const s = new TrainSession('nowhere://', memoryRuns().runs);
    const events: SessionEvent[] = [];
    const doc = readFileSync(new URL('../../presets/seq2seq-addition.json', import.meta.url), 'utf8');
    const r = await s.start({ docText: doc, settings: { ...settings, batchSize: 16, steps: 4 }, recordEvery: 2 }, 'wasm', (e) => events.push(e));
    expect(r.status).toBe('done');
    const snaps = events.filter((e) => e.type === 'snapshot');
    expect(snaps.length).toBeGreaterThan(0);
    expect((snaps[0] as Extract<SessionEvent, { type: 'snapshot' }>).snapshot.layers.length).toBe(2);
  }, 120_000);
});
