/**
 * Fused vs stock tfjs recurrent layers on the cpu backend: forward outputs and gradients w.r.t. the input and every
 * weight agree within 1e-5, for each kind, with masking, goBackwards, returnSequences, Bidirectional, hardSigmoid (Keras 2's and 3's),
 * relu, hardSigmoid and elu as φ, elu gates, dropout and recurrent dropout, and with initial states in and final states out (their gradients too, the engine
 * checked to have run); and a model saved with fused layers loads in stock `tf.loadLayersModel`.
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { compile } from '../../src/compiler/index.ts';
import type { GraphNode, LayerKind, Params } from '../../src/graph/index.ts';
import { buildModel } from '../../src/runtime/build.ts';
import { fusedLayerCount, fuseModel } from '../../src/runtime/fused/index.ts';
import { CASES, compare, D, H, maxDiff, STATE_CASES, T, type Kind } from './recurrent-equality.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';

beforeAll(async () => {
  await initTfNode('cpu');
});
afterEach(() => vi.restoreAllMocks());

describe.each(['SimpleRNN', 'LSTM', 'GRU'] as Kind[])('fused %s equals stock tfjs', (kind) => {
  it.each([...CASES, ...STATE_CASES])('%s', (_, c) => compare(kind, c));
  if (kind !== 'SimpleRNN') it('hardSigmoid gates', () => compare(kind, { recurrentActivation: 'hardSigmoid', masked: true }));
  if (kind !== 'SimpleRNN') it("Keras 3's hard sigmoid gates", () => compare(kind, { recurrentActivation: 'hardSigmoidKeras3', masked: true }));
  if (kind !== 'SimpleRNN') it('relu gates (real Keras files carry them)', () => compare(kind, { recurrentActivation: 'relu', masked: true }));
  it('hardSigmoid as the activation φ', () => compare(kind, { activation: 'hardSigmoid', masked: true }));
  it('elu as φ (and as the gates)', () => compare(kind, { activation: 'elu', ...(kind === 'SimpleRNN' ? {} : { recurrentActivation: 'elu' as const }), masked: true }));
});

describe('fused two-bias LSTM (bias [2, 4H], used as b_x + b_h) equals its unfused layer', () => {
  it.each([...CASES, ...STATE_CASES])('%s', (_, c) => compare('LSTM', { ...c, twoBiases: true }));
});

describe('saved fused model', () => {
  it('loads in stock tf.loadLayersModel with the same predictions', async () => {
    const input = tf.input({ shape: [T, D] });
    const h = tf.layers.bidirectional({ layer: tf.layers.lstm({ units: H, returnSequences: true }) as tf.RNN }).apply(input);
    const out = tf.layers.gru({ units: H }).apply(h) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    expect(fuseModel(model)).toBe(3);
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    const topology = JSON.stringify(artifacts!.modelTopology);
    expect(topology).toContain('"class_name":"LSTM"');
    expect(topology).toContain('"class_name":"GRU"');
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
    const x = tf.randomNormal([2, T, D], 0, 1, 'float32', 5);
    expect(maxDiff((model.predict(x) as tf.Tensor).arraySync(), (loaded.predict(x) as tf.Tensor).arraySync())).toBeLessThan(1e-6);
  });
});

describe('buildModel engine option', () => {
  it('builds fused by default and stock on request, with equal training steps', async () => {
    // Input(tokens) → Embedding(maskZero) → Bidirectional(LSTM, seq) → Bidirectional(GRU) → Dense(softmax)
    const steps: [LayerKind, Params, [LayerKind, Params]?][] = [
      ['Input', { inputType: 'tokens', vocabSize: 50, length: 6 }],
      ['Embedding', { inputDim: 50, outputDim: 8, maskZero: true }],
      ['Bidirectional', { mergeMode: 'concat' }, ['LSTM', { units: 5, returnSequences: true, recurrentInitializer: 'glorotUniform' }]],
      ['Bidirectional', { mergeMode: 'concat' }, ['GRU', { units: 5, recurrentInitializer: 'glorotUniform' }]],
      ['Dense', { units: 4, activation: 'softmax' }],
    ];
    const nodes: GraphNode[] = steps.flatMap(([kind, params, inner], i) => [
      { id: `n${i}`, position: { x: 0, y: 0 }, data: { kind, params } },
      ...(inner ? [{ id: `n${i}i`, parentId: `n${i}`, position: { x: 0, y: 0 }, data: { kind: inner[0], params: inner[1] } }] : []),
    ]);
    const r = compile({ nodes, edges: steps.slice(1).map((_, i) => ({ id: `e${i}`, source: `n${i}`, target: `n${i + 1}` })) });
    expect(r.ok).toBe(true);
    const fused = buildModel(r.ir!);
    const stock = buildModel(r.ir!, { engine: 'stock' });
    expect(fusedLayerCount(fused)).toBe(4);
    expect(fusedLayerCount(stock)).toBe(0);
    stock.setWeights(fused.getWeights());
    // Ids with right padding (0 = PAD, masked), class targets. One SGD step with learning rate 1 moves every weight
    // by exactly −∂L/∂w, so equal weights afterwards mean equal gradients (Embedding included).
    const x = tf.tensor2d([[5, 9, 2, 7, 0, 0], [3, 3, 8, 1, 4, 6]], [2, 6], 'int32');
    const y = tf.oneHot(tf.tensor1d([1, 3], 'int32'), 4);
    const step = async (m: tf.LayersModel) => {
      m.compile({ optimizer: tf.train.sgd(1), loss: 'categoricalCrossentropy' });
      const loss = await m.trainOnBatch(x, y);
      return [loss, ...m.getWeights().map((w) => w.arraySync())];
    };
    const before = fused.getWeights().map((w) => w.arraySync());
    const a = await step(stock), b = await step(fused);
    expect(maxDiff(a, b)).toBeLessThan(1e-5);
    expect(maxDiff(before, b.slice(1))).toBeGreaterThan(1e-3);
    tf.dispose([x, y]);
    fused.dispose();
    stock.dispose();
  });
});
