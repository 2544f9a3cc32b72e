/**
 * Probes of a model with two outputs (an LSTM read by a Dense(1, linear) head with loss weight 0.5 and a
 * Dense(3, softmax) head): L is the training loss 0.5 · MSE + 1 · CE, and ‖∂L/∂h_t‖, ‖∂L/∂c_t‖ (exact and fast probe),
 * the loss itself, and each head's connectivity ‖∂logit/∂x_t‖ equal float64 PyTorch autograd
 * (tests/runtime/probes_two_heads_ref.py). The Inside tab's probe and details take such a model (adding, two heads).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/index.ts';
import type { GraphDoc } from '../../src/graph/index.ts';
import { buildModel } from '../../src/runtime/build.ts';
import { connectivity, probeModel } from '../../src/runtime/probes/index.ts';
import { runDetails } from '../../src/runtime/probes/details.ts';
import { dropModels, probeGraph } from '../../src/runtime/probes/race.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { edge, FIXTURE_DIR, node } from '../fixtures/graphs.ts';
import { readFileSync } from 'node:fs';
import { parseDocument } from '../../src/graph/index.ts';

const PYTHON = '/usr/bin/python3';
const B = 4, T = 6, D = 2, H = 3;

beforeAll(async () => {
  expect(await initTfNode('cpu')).toBe('cpu');
});

const twoHeads = (): GraphDoc => ({
  nodes: [
    node('in', 'Input', { inputType: 'features', features: D, length: 0 }),
    node('lstm', 'LSTM', { units: H, recurrentActivation: 'sigmoid', activation: 'tanh' }),
    node('sum', 'Dense', { units: 1, activation: 'linear', lossWeight: 0.5 }),
    node('cls', 'Dense', { units: 3, activation: 'softmax' }),
  ],
  edges: [edge('in', 'lstm'), edge('lstm', 'sum'), edge('lstm', 'cls')],
  training: { seed: 3 },
});

describe('probes of a model with two outputs', () => {
  it('‖∂L/∂h_t‖, ‖∂L/∂c_t‖ of L = 0.5 · MSE + CE, the loss and each head\'s connectivity equal PyTorch float64 autograd', async () => {
    const { ir } = compile(twoHeads());
    expect(ir!.outputs).toEqual(['sum', 'cls']);
    const model = buildModel(ir!);
    model.setWeights(model.getWeights().map((w, i) => tf.tidy(() => tf.randomNormal(w.shape, 0, 0.6, 'float32', 21 + i))));
    const x = tf.randomNormal([B, T, D], 0, 1, 'float32', 5);
    const ySum = tf.tensor2d([[0.4], [-0.3], [1.1], [0.2]]);
    const yClass = tf.tensor1d([2, 0, 1, 2], 'int32');
    const w = (id: string) => model.getLayer(ir!.layers.find((l) => l.id === id)!.name).getWeights().map((v) => v.arraySync());
    const [K, R, b] = w('lstm');
    const [W1, b1] = w('sum');
    const [W2, b2] = w('cls');
    const input = { x: x.arraySync(), ySum: ySum.arraySync(), yClass: yClass.arraySync(), K, R, b, W1, b1, W2, b2, weights: [0.5, 1] };
    const ref = JSON.parse(execFileSync(PYTHON, [join(FIXTURE_DIR, '..', 'runtime', 'probes_two_heads_ref.py')], { input: JSON.stringify(input), encoding: 'utf8' }));

    const before = tf.memory().numTensors;
    const exact = await probeModel(model, ir!, [x], [ySum, yClass]);
    const fast = await probeModel(model, ir!, [x], [ySum, yClass], { fast: true });
    expect(tf.memory().numTensors).toBe(before);
    expect(exact.losses.map((o) => [o.name, o.kind, o.weight])).toEqual([['dense', 'mse', 0.5], ['dense_1', 'ce', 1]]);
    // Both heads count: the total is neither loss alone.
    expect(ref.loss).toBeCloseTo(0.5 * ref.mse + ref.ce, 12);
    expect(Math.min(0.5 * ref.mse, ref.ce)).toBeGreaterThan(0.05);
    expect(exact.loss).toBeCloseTo(ref.loss, 5);
    expect(fast.loss).toBeCloseTo(ref.loss, 5);
    const flat = (a: Float32Array) => Array.from(a);
    const wantDh = (ref.dh as number[][]).flat(), wantDc = (ref.dc as number[][]).flat();
    const scale = Math.max(1, ...wantDh, ...wantDc);
    for (const [got, want] of [[flat(exact.directions[0].dh), wantDh], [flat(exact.directions[0].dc!), wantDc], [flat(fast.directions[0].dh), wantDh]])
      got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-5 * scale));

    // Connectivity per output: the linear head's own value, the softmax head's logit at its argmax.
    const one = tf.slice(x, 0, 1);
    for (const k of [0, 1]) {
      const c = await connectivity(model, ir!, [one], undefined, k);
      const want = ref.connectivity[k] as number[];
      expect(c.rows).toEqual([T - 1]);
      c.matrix.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-5 * Math.max(1, ...want)));
    }
    // The two heads read the input differently (otherwise the choice would show nothing new).
    const [c0, c1] = ref.connectivity as number[][];
    expect(Math.max(...c0.map((v, i) => Math.abs(v / Math.max(...c0) - c1[i] / Math.max(...c1))))).toBeGreaterThan(0.01);
    tf.dispose([x, ySum, yClass, one]);
    model.dispose();
  });

  it('the Inside tab probes "Adding, two heads" and shows the connectivity of the output asked for', async () => {
    const r = parseDocument(readFileSync(join(FIXTURE_DIR, 'two-heads.json'), 'utf8'));
    if (!r.ok) throw new Error(r.error);
    const { probe } = await probeGraph(r.doc, { probeBatch: 4 });
    expect(probe.directions.map((d) => d.kind)).toEqual(['GRU']);
    expect(Number.isFinite(probe.loss) && probe.loss > 0).toBe(true);
    const d0 = await runDetails('graph', 1);
    const d1 = await runDetails('graph', 1, 1);
    expect([d0.output, d1.output]).toEqual([{ index: 0, name: 'dense', count: 2 }, { index: 1, name: 'dense_1', count: 2 }]);
    expect(Array.from(d0.connectivity.matrix)).not.toEqual(Array.from(d1.connectivity.matrix));
    await expect(runDetails('graph', 1, 2)).rejects.toThrow('Output 3 does not exist: this model has 2 output(s).');
    dropModels();
  });
});
