/**
 * "try it" after restore(): the session loads the weights trained here on the graph's data, else the weights imported
 * with the graph (stored under IMPORTED_TASK, as the export worker's storeImported does), the same choice "Probe this
 * graph" makes. Node has no IndexedDB, so a memory store stands in for it: tfjs save/load routers for `memory://` and
 * `tf.io.listModels` listing that store.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, beforeEach, expect, it, vi } from 'vitest';
import { compile } from '../../src/compiler/index.ts';
import { serializeDocument, type GraphDoc } from '../../src/graph/index.ts';
import { buildModel } from '../../src/runtime/build.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { planFor, TrainSession } from '../../src/runtime/train-session.ts';
import { IMPORTED_TASK, weightsKey } from '../../src/runtime/weights-key.ts';
import { chain } from '../fixtures/graphs.ts';

const store = new Map<string, tf.io.ModelArtifacts>();
vi.mock('@tensorflow/tfjs', async (importOriginal) => {
  const real = await importOriginal<typeof import('@tensorflow/tfjs')>();
  const listModels = async () => Object.fromEntries([...store].map(([url, a]) => [url, real.io.getModelArtifactsInfoForJSON(a)]));
  return { ...real, io: { ...real.io, listModels } };
});

beforeAll(async () => {
  await initTfNode('wasm');
  tf.io.registerSaveRouter((url) => (typeof url === 'string' && url.startsWith('memory://') ? { save: async (a) => (store.set(url, a), { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) }) } : (null as unknown as tf.io.IOHandler)));
  tf.io.registerLoadRouter((url) => (typeof url === 'string' && store.has(url) ? { load: async () => store.get(url)! } : (null as unknown as tf.io.IOHandler)));
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
  const s = new TrainSession('memory://');
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
    const s = new TrainSession('memory://');
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
