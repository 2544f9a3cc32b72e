/**
 * Loading weights runs no initializer: the values would be overwritten at once, and tfjs's orthogonal initializer
 * takes seconds on a large matrix and warns ("Orthogonal initializer is being called on a matrix with more than
 * 2000 …"). `rnn-studio predict --weights` prints no such warning, a model built for loading gives the loaded
 * model's outputs and the same model.json, and a fresh model (training) is still initialised orthogonally.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/runtime/build.ts';
import { modelWithWeights } from '../../src/runtime/model-io.ts';
import { modelFiles } from '../../src/runtime/save.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { irOf, scratchDir, writeGraph, writeRandomWeights } from '../export/helpers.ts';
import { chain, FEATURES3, ROOT } from '../fixtures/graphs.ts';

// Each LSTM(32) has a recurrent kernel of 32×128 = 4096 elements, above tfjs's 2000-element warning threshold.
const doc = chain(FEATURES3, ['Bidirectional', { mergeMode: 'concat' }, ['LSTM', { units: 32, returnSequences: true }]], ['LSTM', { units: 32 }], ['Dense', { units: 2 }]);
const WARNING = /Orthogonal initializer is being called/;

let dir: string;
beforeAll(async () => {
  await initTfNode('cpu');
  dir = scratchDir('load-weights');
  await writeRandomWeights(doc, join(dir, 'w'), 7);
  writeGraph(doc, join(dir, 'g.json'));
  writeFileSync(join(dir, 'x.json'), JSON.stringify({ dtype: 'float32', shape: [1, 4, 3], data: Array.from({ length: 12 }, (_, i) => Math.sin(i)) }));
});

/** Everything `rnn-studio predict` prints (stdout and stderr), run as a user runs it. */
function predictOutput(...args: string[]): string {
  const cmd = `node ${join(ROOT, 'bin/rnn-studio.mjs')} predict ${join(dir, 'g.json')} --input ${join(dir, 'x.json')} --json ${args.join(' ')} 2>&1`;
  return execFileSync('sh', ['-c', cmd], { cwd: ROOT, encoding: 'utf8' });
}

describe('loading weights', () => {
  it('rnn-studio predict --weights prints no orthogonal-initializer warning; without weights (fresh initial weights) it does', () => {
    const loaded = predictOutput('--weights', join(dir, 'w'));
    expect(loaded).not.toMatch(WARNING);
    expect(JSON.parse(loaded).shape).toEqual([1, 2]);
    // The same command building fresh weights runs the initializer, so the capture above could have seen the warning.
    expect(predictOutput()).toMatch(WARNING);
  }, 120_000);

  it('a model built for loading answers as a fully initialised one with the same weights, and saves the same model.json', async () => {
    const ir = irOf(doc);
    const fresh = buildModel(ir);
    const source = buildModel(ir);
    const weights = source.weights.map((w, i) => tf.randomUniform(w.shape as number[], -0.5, 0.5, 'float32', 100 + i));
    source.setWeights(weights);
    const { modelJson, weights: bytes } = await modelFiles(source);
    const manifest = JSON.parse(modelJson).weightsManifest[0].weights;
    const loaded = modelWithWeights(ir, { entries: manifest, bytes });
    fresh.setWeights(weights);
    const x = tf.randomNormal([2, 5, 3], 0, 1, 'float32', 3);
    const a = (fresh.predict(x) as tf.Tensor).dataSync();
    const b = (loaded.predict(x) as tf.Tensor).dataSync();
    expect(Array.from(b)).toEqual(Array.from(a));
    // The layers' configs still name the graph's initializers (orthogonal, glorotUniform, seeds), not zeros.
    const topology = (m: tf.LayersModel) => JSON.stringify(m.toJSON(null, false));
    expect(topology(loaded)).toBe(topology(fresh));
    expect(topology(loaded)).toMatch(/"class_name":"Orthogonal"/);
    tf.dispose([...weights, x]);
    [fresh, source, loaded].forEach((m) => m.dispose());
  }, 60_000);

  it('a fresh model still starts with orthogonal recurrent kernels in both directions (K·Kᵀ = I)', () => {
    const model = buildModel(irOf(doc));
    const kernels = model.weights.filter((w) => w.originalName.endsWith('recurrent_kernel'));
    expect(kernels.map((w) => w.originalName)).toHaveLength(3);
    for (const w of kernels) {
      const k = w.read() as tf.Tensor2D;
      const gram = tf.matMul(k, k, false, true);
      const err = tf.max(tf.abs(tf.sub(gram, tf.eye(32)))).dataSync()[0];
      expect(err, w.originalName).toBeLessThan(1e-4);
      tf.dispose(gram);
    }
    // The two directions start differently (the backward copy is reseeded).
    const [f, b] = kernels.slice(0, 2).map((w) => w.read().dataSync());
    expect(f.some((v, i) => v !== b[i])).toBe(true);
    model.dispose();
  }, 60_000);
});
