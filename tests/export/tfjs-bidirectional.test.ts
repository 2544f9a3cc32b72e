/**
 * The TF.js export starts where the app starts: a fresh `buildModel(tf)` from the exported model.mjs has exactly the
 * app's initial weights, including a Bidirectional's backward direction, which the app reseeds (tfjs's Bidirectional
 * would otherwise copy the forward layer's seeds and start both directions equal).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { exportFiles } from '../../src/codegen/export.ts';
import { chainDoc } from '../../src/graph/index.ts';
import { buildModel } from '../../src/runtime/build.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { irOf, scratchDir } from './helpers.ts';

beforeAll(async () => {
  await initTfNode('cpu');
});

it('model.mjs builds the app\'s initial weights exactly; the two directions of a Bidirectional differ', async () => {
  const doc = { ...chainDoc([['Input', { inputType: 'features', features: 3, length: 0 }], ['Bidirectional', { mergeMode: 'concat' }, ['LSTM', { units: 4, returnSequences: true }]],
    ['Bidirectional', { mergeMode: 'sum' }, ['GRU', { units: 3 }]], ['Dense', { units: 2, activation: 'softmax' }]]), training: { seed: 9 } };
  const ir = irOf(doc);
  const dir = scratchDir('tfjs-bidirectional');
  for (const [name, text] of Object.entries(exportFiles(ir, 'tfjs', { title: 't', training: doc.training, trained: false }))) writeFileSync(join(dir, name), text);
  const { buildModel: exported } = await import(join(dir, 'model.mjs'));
  const theirs = exported(tf) as tf.LayersModel;
  const ours = buildModel(ir, { engine: 'stock' });
  // Weight names carry tfjs's global uniquifying suffixes (two models in one process), so compare in order, by shape.
  const names = (m: tf.LayersModel) => m.weights.map((w) => w.name);
  expect(theirs.weights.map((w) => w.shape)).toEqual(ours.weights.map((w) => w.shape));
  const a = theirs.getWeights().map((w) => w.dataSync());
  const b = ours.getWeights().map((w) => w.dataSync());
  a.forEach((w, i) => expect(Array.from(w), names(ours)[i]).toEqual(Array.from(b[i])));
  // Not vacuous: forward and backward kernels of the first Bidirectional differ.
  const kernel = (dirn: string) => a[names(ours).findIndex((n) => n.includes(dirn) && /kernel(_\d+)?$/.test(n) && !n.includes('recurrent'))];
  expect(Array.from(kernel('forward'))).not.toEqual(Array.from(kernel('backward')));
  theirs.dispose();
  ours.dispose();
});
