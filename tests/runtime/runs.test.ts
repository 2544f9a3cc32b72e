/**
 * Runs (src/runtime/runs.ts) through the training session, on a memory store that stands in for IndexedDB: a new run
 * never deletes an earlier one, restoring a run gives back its predictions, weights stored before runs existed are
 * adopted as a run, the user's limit refuses a run (deleting nothing), and deleting the run in use takes its weights.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { compile } from '../../src/compiler/index.ts';
import { serializeDocument, type GraphDoc } from '../../src/graph/index.ts';
import { buildModel } from '../../src/runtime/build.ts';
import { limitProblem, runWeightsKey, type RunMeta } from '../../src/runtime/runs.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { TrainSession } from '../../src/runtime/train-session.ts';
import type { TrainSettings } from '../../src/runtime/train.ts';
import { graphKey, weightsKey } from '../../src/runtime/weights-key.ts';
import { chain } from '../fixtures/graphs.ts';
import { MEMORY, memoryModels, memoryRuns } from './runs-double.ts';

let store: Map<string, tf.io.ModelArtifacts>;
vi.mock('@tensorflow/tfjs', async (importOriginal) => {
  const real = await importOriginal<typeof import('@tensorflow/tfjs')>();
  const listModels = async () => Object.fromEntries([...store].map(([url, a]) => [url, real.io.getModelArtifactsInfoForJSON(a)]));
  return { ...real, io: { ...real.io, listModels } };
});

beforeAll(async () => {
  await initTfNode('wasm');
  store = memoryModels();
});
beforeEach(() => store.clear());

const doc: GraphDoc = {
  ...chain(['Input', { inputType: 'tokens', vocabSize: 100, length: 0 }], ['Embedding', { inputDim: 100, outputDim: 8, maskZero: true }],
    ['GRU', { units: 6 }], ['Dense', { units: 2, activation: 'softmax' }]),
  training: { seed: 3, task: 'negation' },
};
const docText = serializeDocument(doc);
const ir = compile(doc).ir!;
const GRAPH = graphKey(ir);
const DATA = weightsKey(ir, { task: 'negation', seed: 3 });
const settings: TrainSettings = { optimizer: 'adam', learningRate: 0.02, batchSize: 40, epochs: 1, steps: 30, clipNorm: 1, seed: 3, evalEvery: 10, maxValSamples: 80 };
const sentence = 'the film was not good';
const probs = async (s: TrainSession) => (await s.tryIt(sentence)).probs!.map((p) => p.p);

describe('runs', () => {
  it('a one-step run after a long one keeps the long one, which restores to the same predictions', async () => {
    const { runs, index } = memoryRuns(store);
    const s = new TrainSession(MEMORY, runs);
    const a = await s.start({ docText, settings }, 'wasm', () => {});
    expect(a).toMatchObject({ status: 'done', steps: 30, saved: true });
    const afterA = await probs(s);
    const [runA] = index.get(GRAPH)!.runs;
    expect(runA).toMatchObject({ dataKey: DATA, task: 'negation', seed: 3, steps: 30, status: 'done', metricName: 'accuracy', val: { loss: a.final.loss, metric: a.final.metric } });
    expect(runA.evals.map((e) => e[0])).toEqual([10, 20, 30]);
    expect(runA.lastBatch!.loss).toBeGreaterThan(0);
    expect(runA.bytes).toBe(4 * ir.totalParams);

    const b = await s.start({ docText, settings: { ...settings, steps: 1 } }, 'wasm', () => {});
    expect(b).toMatchObject({ steps: 1, saved: true });
    const afterB = await probs(s);
    expect(Math.abs(afterB[0] - afterA[0])).toBeGreaterThan(1e-3); // not vacuous: the one-step run predicts otherwise
    const view = await s.listRuns(docText, {});
    expect(view.runs.map((r) => r.steps)).toEqual([30, 1]);
    expect(view.active).toBe(view.runs[1].id);
    expect(store.has(MEMORY + runWeightsKey(runA.id))).toBe(true);

    await s.restoreRun(docText, {}, runA.id);
    expect((await s.listRuns(docText, {})).active).toBe(runA.id);
    (await probs(s)).forEach((p, k) => expect(p).toBeCloseTo(afterA[k], 6));
    // The weights in use (what probes and exports read) are run A's too, in a session that never trained.
    const fresh = new TrainSession(MEMORY, runs);
    expect(await fresh.restore(docText, {})).toMatchObject({ source: 'trained', meta: { steps: 30 } });
    (await probs(fresh)).forEach((p, k) => expect(p).toBeCloseTo(afterA[k], 6));
  }, 120_000);

  it('weights stored before runs existed become a run before a new run replaces them', async () => {
    const old = buildModel(ir);
    old.setWeights(old.getWeights().map((w, i) => tf.tidy(() => tf.sin(tf.range(0, w.size).mul(1.3 + i)).reshape(w.shape))));
    old.setUserDefinedMetadata({ rnnStudio: { task: 'negation', steps: 500, valLoss: 0.25, valMetric: 0.9, savedAt: '2026-01-02T03:04:05.000Z', settings } });
    await old.save(MEMORY + DATA);
    const { runs } = memoryRuns(store);
    const s = new TrainSession(MEMORY, runs);
    await s.restore(docText, {});
    const before = await probs(s);

    await s.start({ docText, settings: { ...settings, steps: 1 } }, 'wasm', () => {});
    const view = await s.listRuns(docText, {});
    expect(view.runs).toHaveLength(2);
    expect(view.runs[0]).toMatchObject({ name: 'Kept from before runs', status: 'adopted', steps: 500, val: { loss: 0.25, metric: 0.9 }, savedAt: '2026-01-02T03:04:05.000Z', lastBatch: null });
    await s.restoreRun(docText, {}, view.runs[0].id);
    (await probs(s)).forEach((p, k) => expect(p).toBeCloseTo(before[k], 6));
  }, 60_000);

  it('a run at the limit is refused before it trains, and nothing is deleted', async () => {
    const { runs, index } = memoryRuns(store);
    const s = new TrainSession(MEMORY, runs);
    await s.start({ docText, settings: { ...settings, steps: 2 } }, 'wasm', () => {});
    await s.setRunLimit(docText, {}, { count: 1 });
    const steps: number[] = [];
    await expect(s.start({ docText, settings: { ...settings, steps: 2 } }, 'wasm', (e) => e.type === 'step' && steps.push(e.step)))
      .rejects.toThrow(/keeps 1 run .*the limit is 1 run, so a new run would not be kept.*no run was deleted/);
    expect(steps).toEqual([]);
    expect(index.get(GRAPH)!.runs).toHaveLength(1);
    await expect(s.setRunLimit(docText, {}, { count: 0 })).rejects.toThrow(/above 0/);
  }, 60_000);

  it('renaming changes the name only; deleting the run in use takes its weights, so "try it" has none', async () => {
    const { runs } = memoryRuns(store);
    const s = new TrainSession(MEMORY, runs);
    await s.start({ docText, settings: { ...settings, steps: 2 } }, 'wasm', () => {});
    const [r] = (await s.listRuns(docText, {})).runs;
    const renamed = await s.renameRun(docText, {}, r.id, '  first try ');
    expect(renamed.runs).toEqual([{ ...r, name: 'first try' }]);
    expect(await s.deleteRun(docText, {}, r.id)).toBeNull();
    expect((await s.listRuns(docText, {})).runs).toEqual([]);
    expect([...store.keys()]).toEqual([]);
  }, 60_000);
});

it('limitProblem: by count and by size, with the numbers', () => {
  const run = (bytes: number) => ({ bytes }) as RunMeta;
  expect(limitProblem({ runs: [run(1e6), run(2e6)], limit: {} }, 5e6)).toBeNull();
  expect(limitProblem({ runs: [run(1e6), run(2e6)], limit: { count: 3 } }, 5e6)).toBeNull();
  expect(limitProblem({ runs: [run(1e6), run(2e6)], limit: { count: 2 } }, 1)).toMatch(/^This graph keeps 2 runs \(3\.0 MB\); the limit is 2 runs/);
  expect(limitProblem({ runs: [run(1e6), run(2e6)], limit: { mb: 4 } }, 1e6)).toBeNull();
  expect(limitProblem({ runs: [run(1e6), run(2e6)], limit: { mb: 4 } }, 1.5e6)).toMatch(/a new run needs 1\.5 MB more and the limit is 4 MB/);
});
