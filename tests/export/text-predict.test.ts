/**
 * Exports that take text (issue 22): the lesson classifier exported with its vocabulary (vocab.json) classifies a
 * sentence with `python3 predict.py --text "…"` (PyTorch, /usr/bin/python3 with torch) and `node predict.mjs --text
 * "…"` (TF.js), printing the app's own "try it" probabilities (TrainSession.tryIt, the worker's code) within 1e-5.
 * The weights are random (scale 0.5, not the seeded initial ones), so the sentence's words move the answer; a text
 * of unknown words gives a different one, so the tokenizer and vocabulary are what is checked.
 */
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { beforeAll, expect, it, vi } from 'vitest';
import { loadTfModel } from '../../src/cli/model-load.ts';
import { serializeDocument } from '../../src/graph/index.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { TrainSession } from '../../src/runtime/train-session.ts';
import { weightsKey } from '../../src/runtime/weights-key.ts';
import { memoryRuns } from '../runtime/runs-double.ts';
import { cli, fastInit, presetDoc, runNode, runPython, scratchDir, writeGraph, writeRandomWeights } from './helpers.ts';

// Node has no IndexedDB: a memory store stands in for the app's saved weights (as in train-session-restore.test.ts).
const store = new Map<string, tf.io.ModelArtifacts>();
vi.mock('@tensorflow/tfjs', async (importOriginal) => {
  const real = await importOriginal<typeof import('@tensorflow/tfjs')>();
  const listModels = async () => Object.fromEntries([...store].map(([url, a]) => [url, real.io.getModelArtifactsInfoForJSON(a)]));
  return { ...real, io: { ...real.io, listModels } };
});

beforeAll(async () => {
  await initTfNode('cpu');
  tf.io.registerSaveRouter((url) => (typeof url === 'string' && url.startsWith('memory://') ? { save: async (a) => (store.set(url, a), { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) }) } : (null as unknown as tf.io.IOHandler)));
  tf.io.registerLoadRouter((url) => (typeof url === 'string' && store.has(url) ? { load: async () => store.get(url)! } : (null as unknown as tf.io.IOHandler)));
});

it('predict.py --text and predict.mjs --text print the app\'s "try it" probabilities for "Win a FREE iPhone now" within 1e-5', async () => {
  const dir = scratchDir('text-predict');
  const doc = fastInit(presetDoc('lesson-lstm-spam'));
  const graph = writeGraph(doc, join(dir, 'graph.json'));
  await writeRandomWeights(doc, join(dir, 'weights'), 11);

  // The app: the same weights as the graph's trained ones, then "try it" on the sentence and on unknown words.
  const { ir, model } = await loadTfModel(graph, join(dir, 'weights'), 'cpu');
  await model.save(`memory://${weightsKey(ir, { task: doc.training!.task!, seed: doc.training!.seed })}`);
  const session = new TrainSession('memory://', memoryRuns(store).runs);
  expect((await session.restore(serializeDocument(doc), {}))?.source).toBe('trained');
  const sentence = 'Win a FREE iPhone now';
  const app = (await session.tryIt(sentence)).probs!.map((p) => p.p);
  const unknown = (await session.tryIt('zqxw vbnm')).probs!.map((p) => p.p);
  expect(Math.abs(app[0] - unknown[0])).toBeGreaterThan(1e-4); // the words matter

  for (const format of ['pytorch', 'tfjs'] as const) {
    const out = join(dir, format);
    const r = await cli(['export', graph, '--format', format, '--weights', join(dir, 'weights'), '--out', out]);
    expect(r.code, r.err).toBe(0);
    const theirs = format === 'pytorch' ? runPython(join(out, 'predict.py'), ['--text', sentence]) : runNode(join(out, 'predict.mjs'), ['--text', sentence]);
    expect(theirs.shape).toEqual([1, 2]);
    const diff = Math.max(...theirs.data.map((v, k) => Math.abs(v - app[k])));
    console.log(`${format} predict --text "${sentence}": ${theirs.data.map((v) => v.toFixed(6)).join(', ')}; app ${app.map((v) => v.toFixed(6)).join(', ')}; max |Δ| ${diff.toExponential(1)}`);
    expect(diff).toBeLessThan(1e-5);
  }
  model.dispose();
}, 300_000);
