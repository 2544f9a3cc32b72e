/**
 * "try it" after restore(): the session loads the weights trained here on the graph's data, else the weights imported
 * with the graph (stored under IMPORTED_TASK, as the export worker's storeImported does), the same choice "Probe this
 * graph" makes. Kept runs (src/runtime/runs.ts): a new run never deletes an earlier one, restoring a run gives back its
 * predictions, weights stored before runs existed are adopted as a run, the user's limit refuses a run (deleting
 * nothing), and deleting the run in use takes its weights. Node has no IndexedDB, so a memory store stands in for it: tfjs save/load routers for `memory://` and
 * `tf.io.listModels` listing that store.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { compile } from '../../src/compiler/index.ts';
import { serializeDocument, type GraphDoc } from '../../src/graph/index.ts';
import { buildModel } from '../../src/runtime/build.ts';
import { limitProblem, runWeightsKey, thin, type RunMeta } from '../../src/runtime/runs.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { planFor, TrainSession } from '../../src/runtime/train-session.ts';
import type { TrainSettings } from '../../src/runtime/train.ts';
import { graphKey, IMPORTED_TASK, legacyWeightsKey, weightsKey } from '../../src/runtime/weights-key.ts';
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

const doc = (units = 2): GraphDoc => ({
  ...chain(['Input', { inputType: 'tokens', vocabSize: 100, length: 0 }], ['Embedding', { inputDim: 100, outputDim: 8, maskZero: true }],
    ['GRU', { units: 6 }], ['Dense', { units, activation: 'softmax' }]),
  training: { seed: 3, task: 'negation' },
});
const ir = compile(doc()).ir!;

/** A model of the graph with weights unlike its seeded initial ones, stored under `key`; returns it for reference. */
async function storeWeights(key: string, scale: number): Promise<tf.LayersModel> {
  const m = buildModel(ir);
  m.setWeights(m.getWeights().map((w, i) => tf.tidy(() => tf.sin(tf.range(0, w.size).mul(scale + i)).mul(0.9).reshape(w.shape))));
  await m.save(`memory://${key}`);
  return m;
}

const probsOf = async (m: tf.LayersModel, ids: number[]) => Array.from(await (m.predict(tf.tensor2d([ids], [1, ids.length], 'int32')) as tf.Tensor).data());

it('"try it" uses the imported weights when no trained ones are stored, and trained ones first', async () => {
  const s = new TrainSession(MEMORY, memoryRuns(store).runs);
  const docText = serializeDocument(doc());
  expect(await s.restore(docText, {})).toBeNull();

  const imported = await storeWeights(weightsKey(ir, { task: IMPORTED_TASK }), 0.37);
  expect(await s.restore(docText, {})).toEqual({ source: 'imported', meta: null });
  const sentence = 'the film was not good';
  const t = await s.tryIt(sentence);
  // The session's answer is the imported model's prediction on the same encoded words, not the initial model's.
  const encoded = planFor(docText, {}).ds.encode!(sentence);
  const want = await probsOf(imported, encoded);
  t.probs!.forEach((p, k) => expect(p.p).toBeCloseTo(want[k], 5));
  const initial = await probsOf(buildModel(ir), encoded);
  expect(Math.abs(initial[0] - want[0])).toBeGreaterThan(1e-3); // not vacuous: the imported weights change the answer

  const trained = await storeWeights(weightsKey(ir, { task: 'negation', seed: 3 }), 1.91);
  expect((await s.restore(docText, {}))?.source).toBe('trained');
  const t2 = await s.tryIt(sentence);
  const wantTrained = await probsOf(trained, encoded);
  t2.probs!.forEach((p, k) => expect(p.p).toBeCloseTo(wantTrained[k], 5));
  expect(Math.abs(wantTrained[0] - want[0])).toBeGreaterThan(1e-3);
});

it('"try it" with a softmax wider than the classes (the lesson presets\' Dense(4) on 2 classes) reports the classes and the unused outputs as the model computes them', async () => {
  const docText = serializeDocument(doc(4));
  const wide = compile(doc(4)).ir!;
  const sentence = 'the film was not xyzzy good';
  const encoded = planFor(docText, {}).ds.encode!(sentence);
  // The Dense bias decides the winner: a class; an output that is no class; and a class that is the largest single
  // output while the unused outputs together hold more (the "ham (29.5 %)" beside 41.8 % unused): no class.
  for (const [bias, winner, shaded] of [[[0, 6, 0, 1], 'positive', 'positive'], [[0, 1, 0, 6], 'no class', 'output 4'], [[0, 2, 1.6, 1.6], 'no class', 'positive']] as const) {
    const m = buildModel(wide);
    const ws = m.getWeights();
    m.setWeights(ws.map((w, i) => (i === ws.length - 1 ? tf.tensor1d([...bias]) : w)));
    await m.save(`memory://${weightsKey(wide, { task: 'negation', seed: 3 })}`);
    const s = new TrainSession(MEMORY, memoryRuns(store).runs);
    expect((await s.restore(docText, {}))?.source).toBe('trained');
    const t = await s.tryIt(sentence);
    const want = await probsOf(m, encoded);
    expect(t.probs!.map((p) => p.label)).toEqual(['negative', 'positive']);
    t.probs!.forEach((p, k) => expect(p.p).toBeCloseTo(want[k], 5));
    expect(t.unused).toMatchObject({ from: 3, to: 4 });
    expect(t.unused!.p).toBeCloseTo(want[2] + want[3], 5);
    expect(t.output.startsWith(winner)).toBe(true);
    const pct = (p: number) => `${(100 * p).toFixed(1)} %`;
    if (winner === 'positive') expect(t.output).toBe(`positive (${pct(want[1])})`);
    else expect(t.output).toBe(`no class: the outputs the task does not use hold ${pct(want[2] + want[3])}, more than ${want[1] > want[0] ? 'positive' : 'negative'} (${pct(Math.max(want[0], want[1]))})`);
    expect(winner === 'positive').toBe(want[1] > want[2] + want[3]); // not vacuous: each case is the one its name says
    // The typed words come back with their connectivity to the winner's logit; "xyzzy" is not in the vocabulary.
    const shading = t.shading as { of: string; words: { text: string; known: boolean; c: number }[] };
    expect(shading.of).toBe(shaded);
    expect(shading.words.map((w) => w.text)).toEqual(sentence.split(' '));
    expect(shading.words.filter((w) => !w.known).map((w) => w.text)).toEqual(['xyzzy']);
    expect(shading.words.every((w) => w.c > 0)).toBe(true);
    m.dispose();
  }
});


const negationText = serializeDocument(doc());
const GRAPH = graphKey(ir);
const DATA = weightsKey(ir, { task: 'negation', seed: 3 });
const settings: TrainSettings = { optimizer: 'adam', learningRate: 0.02, batchSize: 40, epochs: 1, steps: 30, clipNorm: 1, seed: 3, evalEvery: 10, maxValSamples: 80 };
const sentence = 'the film was not good';
const probs = async (s: TrainSession) => (await s.tryIt(sentence)).probs!.map((p) => p.p);

describe('runs', () => {
  it('a one-step run after a long one keeps the long one, which restores to the same predictions', async () => {
    const { runs, index } = memoryRuns(store);
    const s = new TrainSession(MEMORY, runs);
    const a = await s.start({ docText: negationText, settings }, 'wasm', () => {});
    expect(a).toMatchObject({ status: 'done', steps: 30, saved: true });
    const afterA = await probs(s);
    const [runA] = index.get(GRAPH)!.runs;
    expect(runA).toMatchObject({ dataKey: DATA, task: 'negation', seed: 3, steps: 30, status: 'done', metricName: 'accuracy', val: { loss: a.final.loss, metric: a.final.metric } });
    expect(runA.evals.map((e) => e[0])).toEqual([10, 20, 30]);
    expect(runA.lastBatch!.loss).toBeGreaterThan(0);
    expect(runA.bytes).toBe(4 * ir.totalParams);

    const b = await s.start({ docText: negationText, settings: { ...settings, steps: 1 } }, 'wasm', () => {});
    expect(b).toMatchObject({ steps: 1, saved: true });
    const afterB = await probs(s);
    expect(Math.abs(afterB[0] - afterA[0])).toBeGreaterThan(1e-3); // not vacuous: the one-step run predicts otherwise
    const view = await s.listRuns(negationText, {});
    expect(view.runs.map((r) => r.steps)).toEqual([30, 1]);
    expect(view.active).toBe(view.runs[1].id);
    expect(store.has(MEMORY + runWeightsKey(runA.id))).toBe(true);

    await s.restoreRun(negationText, {}, runA.id);
    expect((await s.listRuns(negationText, {})).active).toBe(runA.id);
    (await probs(s)).forEach((p, k) => expect(p).toBeCloseTo(afterA[k], 6));
    // The weights in use (what probes and exports read) are run A's too, in a session that never trained.
    const fresh = new TrainSession(MEMORY, runs);
    expect(await fresh.restore(negationText, {})).toMatchObject({ source: 'trained', meta: { steps: 30 } });
    (await probs(fresh)).forEach((p, k) => expect(p).toBeCloseTo(afterA[k], 6));
  }, 120_000);

  it('weights stored before runs existed become a run before a new run replaces them', async () => {
    const old = buildModel(ir);
    old.setWeights(old.getWeights().map((w, i) => tf.tidy(() => tf.sin(tf.range(0, w.size).mul(1.3 + i)).reshape(w.shape))));
    old.setUserDefinedMetadata({ rnnStudio: { task: 'negation', steps: 500, valLoss: 0.25, valMetric: 0.9, savedAt: '2026-01-02T03:04:05.000Z', settings } });
    await old.save(MEMORY + DATA);
    const { runs } = memoryRuns(store);
    const s = new TrainSession(MEMORY, runs);
    await s.restore(negationText, {});
    const before = await probs(s);
    // Two lists at once (the tab opening while a run starts) adopt the old weights once.
    await Promise.all([s.listRuns(negationText, {}), s.listRuns(negationText, {})]);
    expect((await s.listRuns(negationText, {})).runs).toHaveLength(1);

    await s.start({ docText: negationText, settings: { ...settings, steps: 1 } }, 'wasm', () => {});
    const view = await s.listRuns(negationText, {});
    expect(view.runs).toHaveLength(2);
    expect(view.runs[0]).toMatchObject({ name: 'Kept from before runs', status: 'adopted', steps: 500, val: { loss: 0.25, metric: 0.9 }, savedAt: '2026-01-02T03:04:05.000Z', lastBatch: null });
    await s.restoreRun(negationText, {}, view.runs[0].id);
    (await probs(s)).forEach((p, k) => expect(p).toBeCloseTo(before[k], 6));
  }, 60_000);

  it('weights stored under the key of before 2026-12-08 (every param hashed) are found, copied to today\'s key and adopted', async () => {
    const old = buildModel(ir);
    old.setWeights(old.getWeights().map((w, i) => tf.tidy(() => tf.cos(tf.range(0, w.size).mul(0.7 + i)).reshape(w.shape))));
    await old.save(MEMORY + legacyWeightsKey(ir, { task: 'negation', seed: 3 }));
    const s = new TrainSession(MEMORY, memoryRuns(store).runs);
    await s.restore(negationText, {});
    const before = await probs(s);
    const view = await s.listRuns(negationText, {});
    expect(view.runs).toHaveLength(1);
    expect(store.has(MEMORY + DATA)).toBe(true);
    expect(store.has(MEMORY + legacyWeightsKey(ir, { task: 'negation', seed: 3 }))).toBe(true); // the old copy stays
    await s.start({ docText: negationText, settings: { ...settings, steps: 1 } }, 'wasm', () => {});
    await s.restoreRun(negationText, {}, view.runs[0].id);
    (await probs(s)).forEach((p, k) => expect(p).toBeCloseTo(before[k], 6));
  }, 60_000);

  it('a run at the limit is refused before it trains, and nothing is deleted', async () => {
    const { runs, index } = memoryRuns(store);
    const s = new TrainSession(MEMORY, runs);
    await s.start({ docText: negationText, settings: { ...settings, steps: 2 } }, 'wasm', () => {});
    await s.setRunLimit(negationText, {}, { count: 1 });
    const steps: number[] = [];
    await expect(s.start({ docText: negationText, settings: { ...settings, steps: 2 } }, 'wasm', (e) => e.type === 'step' && steps.push(e.step)))
      .rejects.toThrow(/keeps 1 run .*the limit is 1 run, so a new run would not be kept.*no run was deleted/);
    expect(steps).toEqual([]);
    expect(index.get(GRAPH)!.runs).toHaveLength(1);
    await expect(s.setRunLimit(negationText, {}, { count: 0 })).rejects.toThrow(/above 0/);
  }, 60_000);

  it('renaming changes the name only; deleting the run in use takes its weights, so "try it" has none', async () => {
    const { runs } = memoryRuns(store);
    const s = new TrainSession(MEMORY, runs);
    await s.start({ docText: negationText, settings: { ...settings, steps: 2 } }, 'wasm', () => {});
    const [r] = (await s.listRuns(negationText, {})).runs;
    const renamed = await s.renameRun(negationText, {}, r.id, '  first try ');
    expect(renamed.runs).toEqual([{ ...r, name: 'first try' }]);
    expect(await s.deleteRun(negationText, {}, r.id)).toBeNull();
    expect((await s.listRuns(negationText, {})).runs).toEqual([]);
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

it('thin: a long curve keeps 200 evenly spaced points with its first and last, a short one all', () => {
  const curve = Array.from({ length: 1000 }, (_, i) => i);
  const t = thin(curve);
  expect(t).toHaveLength(200);
  expect([t[0], t[1], t[199]]).toEqual([0, 5, 999]); // round(999 / 199) = 5
  expect(thin(curve.slice(0, 200))).toEqual(curve.slice(0, 200));
});
