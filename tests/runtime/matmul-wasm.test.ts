/**
 * The wasm BatchMatMul with transpose flags runs as an explicit transpose and a plain product (src/runtime/setup.ts,
 * `flagFreeMatMul`): its products equal the cpu backend's for every flag combination, 2-D and batched 3-D, and it
 * leaves no heap block behind.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { maxDiff } from './recurrent-equality.ts';

beforeAll(async () => {
  await initTfNode('wasm');
});

const FLAGS: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];

describe('wasm BatchMatMul with transpose flags', () => {
  it.each([[[7, 5], [5, 9]], [[3, 7, 5], [3, 5, 9]]])('equals the cpu backend: a %j, b %j', async (aShape, bShape) => {
    const operands = (tA: boolean, tB: boolean) => {
      const flip = (s: number[], t: boolean) => (t ? [...s.slice(0, -2), s[s.length - 1], s[s.length - 2]] : s);
      return [tf.randomNormal(flip(aShape, tA), 0, 1, 'float32', 1), tf.randomNormal(flip(bShape, tB), 0, 1, 'float32', 2)];
    };
    const products = () => FLAGS.map(([tA, tB]) => tf.tidy(() => {
      const [a, b] = operands(tA, tB);
      return tf.matMul(a, b, tA, tB).arraySync();
    }));
    const blocks = () => tf.memory().numDataBuffers;
    const before = blocks();
    const onWasm = products();
    expect(blocks()).toBe(before);
    await tf.setBackend('cpu');
    const onCpu = products();
    await tf.setBackend('wasm');
    expect(maxDiff(onWasm, onCpu)).toBeLessThan(1e-5);
  });
});
