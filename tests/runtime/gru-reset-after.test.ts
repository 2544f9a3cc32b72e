/**
 * The reset-after GRU (src/runtime/gru-layer.ts, fused op src/runtime/fused/gru-reset-after.ts) against independent
 * references: PyTorch's GRU cell in float64 (tests/runtime/two_bias_ref.py; forward, ∂L/∂x and ∂L/∂w for every
 * weight within 1e-5, with masks, goBackwards and inside Bidirectional), and central finite differences of the fused
 * op itself. Also: fused equals the per-step stock-ops cell (hardSigmoid, relu, dropout, which nn.GRU cannot do),
 * and a saved model.json with class_name GRU + reset_after true loads with the same predictions.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fuseLayer } from '../../src/runtime/fused/index.ts';
import { isResetAfterGru } from '../../src/runtime/gru-layer.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { B, compare, D, expectReference, H, lossWeights, makeLayer, maxDiff, MASK_ROWS, run, T, twoBiasReference, type Case } from './recurrent-equality.ts';

beforeAll(async () => {
  await initTfNode('cpu');
});

const layerOf = (c: Case) => makeLayer('GRU', { ...c, resetAfter: true });
const X = () => tf.randomNormal([B, T, D], 0, 1, 'float32', 11) as tf.Tensor3D;

/** A built layer (weights from the seeded initializers), its input, mask and the W of L = Σ y ⊙ W. */
function setup(c: Case) {
  const layer = layerOf(c);
  const x = X();
  const mask = c.masked ? tf.tensor2d(MASK_ROWS) : null;
  const y0 = layer.apply(x) as tf.Tensor;
  const W = lossWeights(y0.shape);
  tf.dispose(y0);
  return { layer, x, mask, W };
}

const flat = (a: unknown): number[] => [a].flat(Infinity as 1) as number[];

const TORCH_CASES: [string, Case][] = [
  ['last output', {}],
  ['returnSequences', { returnSequences: true }],
  ['goBackwards + returnSequences', { goBackwards: true, returnSequences: true }],
  ['masked', { masked: true }],
  ['masked + returnSequences + goBackwards', { masked: true, returnSequences: true, goBackwards: true }],
  ['bidirectional', { bidirectional: true, returnSequences: true }],
  ['bidirectional + masked', { bidirectional: true, masked: true }],
  ['no bias, masked', { useBias: false, masked: true, returnSequences: true }],
];

describe('reset-after GRU equals PyTorch nn.GRU\'s cell in float64 (forward and every gradient, within 1e-5)', () => {
  it.each(TORCH_CASES)('%s', (_, c) => {
    const { layer, x, mask, W } = setup(c);
    const ref = twoBiasReference('GRU', layer, c, x, W);
    const stock = run(layer, x, mask, false);
    expect(fuseLayer(layer)).toBe(c.bidirectional ? 2 : 1);
    const fused = run(layer, x, mask, false);
    expect(fused.dw.length).toBe((c.bidirectional ? 2 : 1) * (c.useBias === false ? 2 : 3));
    expectReference([['fused', fused], ['stock ops', stock]], ref);
    tf.dispose([x, W, ...(mask ? [mask] : [])]);
  });
});

describe('fused reset-after GRU', () => {
  it('matches central finite differences of its own forward pass (every weight, both bias rows)', () => {
    const c: Case = { masked: true, returnSequences: true };
    const { layer, x, mask, W } = setup(c);
    fuseLayer(layer);
    const g = run(layer, x, mask, false);
    const loss = () => tf.tidy(() => tf.sum(tf.mul(layer.apply(x, { mask }) as tf.Tensor, W)).dataSync()[0]);
    const eps = 1e-2;
    const weights = layer.getWeights().map((w) => w.clone()); // getWeights() hands back the live variables
    let checked = 0;
    weights.forEach((w, wi) => {
      const values = w.dataSync().slice();
      // A few coordinates of each weight, including the recurrent bias row (index ≥ 3H of the [2, 3H] bias).
      for (const k of [0, Math.floor(values.length / 2) + 1, values.length - 1]) {
        const at = (delta: number) => {
          const v = values.slice();
          v[k] += delta;
          layer.setWeights(weights.map((o, oi) => (oi === wi ? tf.tensor(v, w.shape) : o)));
          return loss();
        };
        const fd = (at(eps) - at(-eps)) / (2 * eps);
        layer.setWeights(weights);
        expect(Math.abs(fd - flat(g.dw[wi])[k]), `weight ${wi}[${k}]`).toBeLessThan(2e-3 * Math.max(1, Math.abs(fd)));
        checked++;
      }
    });
    expect(checked).toBe(9);
    tf.dispose([x, W, mask!, ...weights]);
  });

  it.each([
    ['hardSigmoid gates, masked', { recurrentActivation: 'hardSigmoid', masked: true, returnSequences: true }],
    ['relu candidate, goBackwards', { activation: 'relu', goBackwards: true }],
    ['dropout + recurrentDropout (training), bidirectional', { dropout: 0.3, recurrentDropout: 0.4, bidirectional: true, returnSequences: true }],
  ] as [string, Case][])('equals the per-step stock-ops cell: %s', (_, c) => compare('GRU', { ...c, resetAfter: true }));

  it('a saved model (class_name GRU, reset_after true, bias [2, 3H]) loads with tf.loadLayersModel and predicts the same', async () => {
    const input = tf.input({ shape: [T, D] });
    const out = layerOf({ bidirectional: true }).apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    const topology = JSON.stringify(artifacts!.modelTopology);
    expect(topology).toContain('"class_name":"GRU"');
    expect(topology.match(/"reset_after":true/g)).toHaveLength(1); // the backward copy is re-created from the forward config
    expect(artifacts!.weightSpecs!.filter((s) => s.name.endsWith('bias')).map((s) => s.shape)).toEqual([[2, 3 * H], [2, 3 * H]]);
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
    const inner = (loaded.layers[1] as unknown as { forwardLayer: object; backwardLayer: object });
    expect([isResetAfterGru(inner.forwardLayer), isResetAfterGru(inner.backwardLayer)]).toEqual([true, true]);
    const x = X();
    expect(maxDiff((model.predict(x) as tf.Tensor).arraySync(), (loaded.predict(x) as tf.Tensor).arraySync())).toBeLessThan(1e-6);
  });
});
