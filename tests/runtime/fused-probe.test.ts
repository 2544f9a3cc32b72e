/**
 * The fused probe (gates and ∂L/∂h_t read from inside the fused op, one backward pass) against the probes module's
 * independent manual cells with zero probe tensors (src/runtime/probes, itself checked by finite differences): on cpu
 * through the fused engine, on wasm through the SIMD kernels' taps.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeEach, describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/index.ts';
import { chainDoc, type ChainStep } from '../../src/graph/index.ts';
import { buildModel } from '../../src/runtime/build.ts';
import { engineInUse, probeFused } from '../../src/runtime/fused/index.ts';
import { probeModel } from '../../src/runtime/probes/index.ts';
import { meanLoss } from '../../src/runtime/train.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';

type Step = ChainStep;
function irOf(steps: Step[]) {
  const r = compile(chainDoc(steps));
  expect(r.ok).toBe(true);
  return r.ir!;
}

const maxDiff = (a: Float32Array, b: Float32Array) => {
  expect(a.length).toBe(b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
};

describe.each([['cpu', 'fused'], ['wasm', 'simd']] as const)('probeFused equals the probes module (%s, %s engine)', (backend, engine) => {
  beforeEach(async () => {
    await initTfNode(backend);
  });
  it.each([
    ['masked LSTM → GRU', true, [['LSTM', { units: 5, returnSequences: true }], ['GRU', { units: 4 }]] as Step[]],
    ['Bidirectional SimpleRNN, unmasked', false, [['Bidirectional', { mergeMode: 'concat' }, ['SimpleRNN', { units: 5 }]]] as Step[]],
  ])('%s', async (_, maskZero, body) => {
    const ir = irOf([
      ['Input', { inputType: 'tokens', vocabSize: 30, length: 7 }],
      ['Embedding', { inputDim: 30, outputDim: 6, maskZero }],
      ...body,
      ['Dense', { units: 3, activation: 'softmax' }],
    ]);
    const model = buildModel(ir);
    expect(engineInUse(model)).toBe(engine);
    const x = tf.tensor2d([[4, 8, 15, 16, 23, 0, 0], [1, 2, 3, 5, 8, 13, 21], [0, 0, 9, 9, 2, 7, 11]], [3, 7], 'int32');
    const y = tf.tensor1d([0, 2, 1], 'int32');
    const ref = await probeModel(model, ir, [x], [y]);
    const before = tf.memory().numTensors;
    const ours = await probeFused(model, x, ([yHat]) => meanLoss('ce', yHat, y));
    expect(tf.memory().numTensors).toBe(before);
    expect(ours.map((d) => d.direction)).toEqual(ref.directions.map((d) => d.direction));
    ours.forEach((d, k) => {
      const r = ref.directions[k];
      expect(Math.max(...r.dh)).toBeGreaterThan(1e-3);
      expect(maxDiff(d.dh, r.dh), `${d.name} dh`).toBeLessThan(1e-5);
      for (const g of Object.keys(r.gates)) expect(maxDiff(d.gates[g], r.gates[g]), `${d.name} ${g}`).toBeLessThan(1e-5);
      expect(Object.keys(d.gates).sort()).toEqual(Object.keys(r.gates).sort());
    });
    tf.dispose([x, y]);
    model.dispose();
  });
});
