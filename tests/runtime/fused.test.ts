/**
 * Fused vs stock tfjs recurrent layers on the cpu backend: forward outputs and gradients w.r.t. the input and every
 * weight agree within 1e-5, for each kind, with masking, goBackwards, returnSequences, Bidirectional, hardSigmoid,
 * relu, dropout and recurrent dropout; and a model saved with fused layers loads in stock `tf.loadLayersModel`.
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { compile } from '../../src/compiler/index.ts';
import type { GraphNode, LayerKind, Params } from '../../src/graph/index.ts';
import { buildModel } from '../../src/runtime/build.ts';
import { fusedLayerCount, fuseLayer, fuseModel } from '../../src/runtime/fused/index.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';

beforeAll(async () => {
  await initTfNode('cpu');
});
afterEach(() => vi.restoreAllMocks());

type Kind = 'SimpleRNN' | 'LSTM' | 'GRU';
interface Case {
  returnSequences?: boolean;
  goBackwards?: boolean;
  masked?: boolean;
  bidirectional?: boolean;
  recurrentActivation?: 'sigmoid' | 'hardSigmoid';
  activation?: 'tanh' | 'relu';
  dropout?: number;
  recurrentDropout?: number;
  useBias?: boolean;
}
const B = 3, T = 6, D = 4, H = 5;

function makeLayer(kind: Kind, c: Case): tf.layers.Layer {
  const args = {
    units: H, returnSequences: !!c.returnSequences, goBackwards: !!c.goBackwards, activation: c.activation ?? 'tanh',
    dropout: c.dropout ?? 0, recurrentDropout: c.recurrentDropout ?? 0, useBias: c.useBias ?? true,
    kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }), recurrentInitializer: tf.initializers.orthogonal({ seed: 2 }),
    biasInitializer: tf.initializers.randomNormal({ seed: 3, stddev: 0.5 }),
  } as const;
  const rnn =
    kind === 'SimpleRNN' ? tf.layers.simpleRNN(args)
    : kind === 'LSTM' ? tf.layers.lstm({ ...args, recurrentActivation: c.recurrentActivation ?? 'sigmoid' })
    : tf.layers.gru({ ...args, recurrentActivation: c.recurrentActivation ?? 'sigmoid' });
  return c.bidirectional ? tf.layers.bidirectional({ layer: rnn as tf.RNN, mergeMode: 'concat' }) : rnn;
}

/** A deterministic Math.random, so stock and fused draw identical dropout masks. */
function seedRandom(seed: number) {
  let s = seed;
  vi.spyOn(Math, 'random').mockImplementation(() => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31));
}

/** Output, ∂L/∂x and ∂L/∂w for every weight of a layer, L = Σ y ⊙ W for a fixed random W. */
function run(layer: tf.layers.Layer, x: tf.Tensor3D, mask: tf.Tensor | null, training: boolean) {
  seedRandom(42);
  const xv = tf.variable(x);
  const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  let y: tf.Tensor | null = null;
  const f = () => {
    y = tf.keep(layer.apply(xv, { mask, training }) as tf.Tensor);
    const W = tf.randomNormal(y.shape, 0, 1, 'float32', 7);
    return tf.sum(tf.mul(y, W)) as tf.Scalar;
  };
  const { value, grads } = tf.variableGrads(f, [xv, ...weights]);
  const out = {
    y: (y as unknown as tf.Tensor).arraySync(),
    dx: grads[xv.name].arraySync(),
    dw: weights.map((w) => grads[w.name].arraySync()),
    names: weights.map((w) => w.name),
  };
  tf.dispose([value, xv, y!, ...Object.values(grads)]);
  return out;
}

function maxDiff(a: unknown, b: unknown): number {
  const fa = [a].flat(Infinity as 1) as number[];
  const fb = [b].flat(Infinity as 1) as number[];
  expect(fa.length).toBe(fb.length);
  return fa.reduce((m, v, i) => Math.max(m, Math.abs(v - fb[i])), 0);
}

function compare(kind: Kind, c: Case) {
  const x = tf.randomNormal([B, T, D], 0, 1, 'float32', 11) as tf.Tensor3D;
  // Right padding of different lengths, one left-padded row, and one row fully real.
  const mask = c.masked ? tf.tensor2d([[1, 1, 1, 1, 0, 0], [0, 0, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1]]) : null;
  const stock = makeLayer(kind, c);
  const fused = makeLayer(kind, c);
  // Building by a first call (Layer.apply) creates the weights; then both layers get the same values.
  tf.dispose([stock.apply(x), fused.apply(x)] as tf.Tensor[]);
  fused.setWeights(stock.getWeights());
  expect(fuseLayer(fused)).toBe(c.bidirectional ? 2 : 1);
  const training = !!(c.dropout || c.recurrentDropout);
  const before = tf.memory().numTensors;
  const a = run(stock, x, mask, training);
  const mid = tf.memory().numTensors;
  const b = run(fused, x, mask, training);
  // No tensor leaks from the stock reference (a check of this harness) nor from the fused op.
  expect(mid).toBe(before);
  expect(tf.memory().numTensors).toBe(mid);
  expect(maxDiff(a.y, b.y)).toBeLessThan(1e-5);
  expect(maxDiff(a.dx, b.dx)).toBeLessThan(1e-5);
  expect(b.dw.length).toBe((c.bidirectional ? 2 : 1) * (c.useBias === false ? 2 : 3));
  a.dw.forEach((g, i) => {
    // A gradient that is all zeros would make the comparison vacuous.
    expect(maxDiff(g, tf.zerosLike(tf.tensor(g as number[])).arraySync())).toBeGreaterThan(1e-4);
    expect(maxDiff(g, b.dw[i]), b.names[i]).toBeLessThan(1e-5);
  });
}

const CASES: [string, Case][] = [
  ['last output', {}],
  ['returnSequences', { returnSequences: true }],
  ['goBackwards + returnSequences', { goBackwards: true, returnSequences: true }],
  ['masked', { masked: true }],
  ['masked + returnSequences + goBackwards', { masked: true, returnSequences: true, goBackwards: true }],
  ['bidirectional', { bidirectional: true, returnSequences: true }],
  ['bidirectional + masked', { bidirectional: true, masked: true }],
  ['relu activation', { activation: 'relu', returnSequences: true }],
  ['dropout + recurrentDropout (training)', { dropout: 0.3, recurrentDropout: 0.4, returnSequences: true }],
  ['no bias, masked', { useBias: false, masked: true, returnSequences: true }],
];

describe.each(['SimpleRNN', 'LSTM', 'GRU'] as Kind[])('fused %s equals stock tfjs', (kind) => {
  it.each(CASES)('%s', (_, c) => compare(kind, c));
  if (kind !== 'SimpleRNN') it('hardSigmoid gates', () => compare(kind, { recurrentActivation: 'hardSigmoid', masked: true }));
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
