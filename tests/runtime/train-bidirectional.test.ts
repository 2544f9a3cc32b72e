/** tfjs Bidirectional clones the forward config (seeds included): buildModel gives the backward direction its own initial weights. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/index.ts';
import { buildModel } from '../../src/runtime/build.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { chain } from '../fixtures/graphs.ts';

beforeAll(async () => {
  await initTfNode('cpu');
});

const doc = (seed: number) => ({
  ...chain(['Input', { inputType: 'features', features: 3, length: 0 }], ['Bidirectional', { mergeMode: 'concat' }, ['LSTM', { units: 4, recurrentInitializer: 'glorotUniform' }]], ['Dense', { units: 2 }]),
  training: { seed },
});
const weightsOf = (seed: number) => {
  const model = buildModel(compile(doc(seed)).ir!);
  const w = model.getLayer('bidirectional').getWeights().map((t) => Array.from(t.dataSync()));
  model.dispose();
  return w;
};

describe('Bidirectional initial weights', () => {
  it('forward and backward kernels differ, biases keep the forget-gate ones, and the result is reproducible from the seed', () => {
    const [fk, fr, fb, bk, br, bb] = weightsOf(42);
    expect(bk).toHaveLength(fk.length);
    expect(bk).not.toEqual(fk);
    expect(br).not.toEqual(fr);
    expect(bb).toEqual(fb); // zeros, with unitForgetBias ones in the f block for both directions
    expect(fb.slice(4, 8)).toEqual([1, 1, 1, 1]);
    expect(weightsOf(42)).toEqual([fk, fr, fb, bk, br, bb]);
    expect(weightsOf(43)[3]).not.toEqual(bk);
  });
  it('re-initialising the backward direction leaves no tensor behind', () => {
    const before = tf.memory().numTensors;
    buildModel(compile(doc(42)).ir!).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
