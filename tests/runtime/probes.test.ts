/**
 * Probe correctness on the cpu backend: our cells reproduce the stock tfjs layers (forward parity), the per-timestep
 * gradients and the exact Jacobian match central finite differences of an independent float64 reference, masked
 * steps are marked, and a probe leaves no tensor behind.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile, modelLoss, type ModelIR } from '../../src/compiler/index.ts';
import { chainDoc, type ChainStep, type GraphDoc, type LayerKind, type Params } from '../../src/graph/index.ts';
import { buildModel } from '../../src/runtime/build.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { lossAndMetric } from '../../src/runtime/train.ts';
import { probeJacobian, probeModel, probeTargets, walk } from '../../src/runtime/probes/index.ts';
import { centralDiff, refRun, type RefKind, type RefWeights } from './probes-reference.ts';

type Step = ChainStep;
const chain = (steps: Step[]): GraphDoc => ({ ...chainDoc(steps), training: { seed: 7 } });

/** Compiles and builds, then replaces every weight with N(0, 0.5²) so biases and forget biases are not trivial. */
function build(steps: Step[], seed = 1): { model: tf.LayersModel; ir: ModelIR } {
  const r = compile(chain(steps));
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  const model = buildModel(r.ir!);
  model.setWeights(model.getWeights().map((w, i) => tf.tidy(() => tf.randomNormal(w.shape, 0, 0.5, 'float32', seed * 100 + i))));
  return { model, ir: r.ir! };
}

const B = 3, T = 7, D = 2;
const feats = (n = D): Step => ['Input', { inputType: 'features', features: n, length: 0 }];
const tokens: Step = ['Input', { inputType: 'tokens', vocabSize: 6, length: 0 }];
const emb = (maskZero: boolean): Step => ['Embedding', { inputDim: 6, outputDim: D, maskZero }];
const rnn = (kind: LayerKind, extra: Params = {}): Step => [kind, { units: 4, ...extra }];
const dense1: Step = ['Dense', { units: 1, activation: 'linear' }];

const xFloat = () => tf.randomNormal([B, T, D], 0, 1, 'float32', 3) as tf.Tensor3D;
// Right padding, left padding and none, in one batch.
const ids = () => tf.tensor2d([[3, 1, 4, 1, 5, 0, 0], [0, 0, 2, 5, 3, 2, 1], [1, 2, 3, 4, 5, 1, 2]], [B, T], 'int32');

beforeAll(async () => {
  await initTfNode('cpu');
});

/** max |walk − stock| for the model output and for every recurrent layer's own output. */
function parity(model: tf.LayersModel, ir: ModelIR, x: tf.Tensor): number {
  return tf.tidy(() => {
    const targets = probeTargets(model, ir);
    let worst = 0;
    const ids = [...new Set(targets.map((t) => t.id)), ir.outputs[0]];
    for (const id of ids) {
      const name = ir.layers.find((l) => l.id === id)!.name;
      const stock = tf.model({ inputs: model.inputs, outputs: model.getLayer(name).output as tf.SymbolicTensor }).predict(x) as tf.Tensor;
      const ours = walk(model, ir, targets, [x], { stopAfter: id }).output;
      expect(ours.shape).toEqual(stock.shape);
      worst = Math.max(worst, tf.max(tf.abs(tf.sub(ours, stock))).dataSync()[0]);
    }
    return worst;
  });
}

describe('probe forward equals the stock tfjs layers (cpu, max |Δ| ≤ 1e-5)', () => {
  const cases: [string, Step[], boolean][] = [];
  for (const kind of ['SimpleRNN', 'LSTM', 'GRU'] as const) {
    cases.push([`${kind}`, [feats(), rnn(kind), dense1], false]);
    cases.push([`${kind} returnSequences, goBackwards`, [feats(), rnn(kind, { returnSequences: true, goBackwards: true }), ['Dense', { units: 2, activation: 'softmax' }]], false]);
    cases.push([`${kind} masked`, [tokens, emb(true), rnn(kind), dense1], true]);
    cases.push([`stacked ${kind} masked`, [tokens, emb(true), rnn(kind, { returnSequences: true }), rnn(kind), dense1], true]);
    cases.push([`Bidirectional ${kind} masked, sequences`, [tokens, emb(true), ['Bidirectional', { mergeMode: 'concat' }, [kind, { units: 4, returnSequences: true }]], dense1], true]);
  }
  cases.push(['Bidirectional LSTM ave, unmasked', [feats(), ['Bidirectional', { mergeMode: 'ave' }, ['LSTM', { units: 4 }]], dense1], false]);
  cases.push(['Bidirectional GRU sum on stacked SimpleRNN', [feats(), rnn('SimpleRNN', { returnSequences: true }), ['Bidirectional', { mergeMode: 'sum' }, ['GRU', { units: 4 }]], dense1], false]);
  cases.push(['LSTM hardSigmoid relu', [feats(), rnn('LSTM', { recurrentActivation: 'hardSigmoid', activation: 'relu' }), dense1], false]);
  cases.push(['GRU hardSigmoid, no bias', [feats(), rnn('GRU', { recurrentActivation: 'hardSigmoid', useBias: false }), dense1], false]);
  cases.push(['GRU reset-before masked', [tokens, emb(true), rnn('GRU', { resetAfter: false }), dense1], true]);
  cases.push(['two-bias LSTM (CuDNNLSTM) masked', [tokens, emb(true), rnn('LSTM', { twoBiases: true }), dense1], true]);
  cases.push(['Bidirectional two-bias LSTM masked, sequences', [tokens, emb(true), ['Bidirectional', { mergeMode: 'concat' }, ['LSTM', { units: 4, returnSequences: true, twoBiases: true }]], dense1], true]);
  cases.push(['Bidirectional GRU reset-before masked, sequences', [tokens, emb(true), ['Bidirectional', { mergeMode: 'concat' }, ['GRU', { units: 4, returnSequences: true, resetAfter: false }]], dense1], true]);

  it.each(cases)('%s', (_name, steps, masked) => {
    const { model, ir } = build(steps);
    const x = masked ? ids() : xFloat();
    const diff = parity(model, ir, x);
    expect(diff).toBeLessThanOrEqual(1e-5);
    x.dispose();
    model.dispose();
  });
});

/** Float64 weights of a target, for the reference. */
const refWeights = (layer: tf.layers.Layer): RefWeights => {
  const [K, R, b] = layer.getWeights();
  return { K: Float64Array.from(K.dataSync()), R: Float64Array.from(R.dataSync()), b: Float64Array.from(b.dataSync()), D: K.shape[0]!, H: R.shape[0]! };
};

describe('∂L/∂h_t and ∂L/∂c_t equal central finite differences (float64 reference, rel err ≤ 1e-3)', () => {
  // GRU is the reset-after form (the default); resetAfter=false is the reset-before one.
  const cases: [RefKind, boolean, Params][] = [['SimpleRNN', false, {}], ['LSTM', false, {}], ['GRU', false, {}], ['SimpleRNN', true, {}], ['LSTM', true, {}],
    ['GRU', true, {}], ['GRU', false, { resetAfter: false }], ['GRU', true, { resetAfter: false }]];
  it.each(cases)('%s, masked=%s %j', async (kind, masked, extra) => {
    const { model, ir } = build(masked ? [tokens, emb(true), rnn(kind, extra), dense1] : [feats(), rnn(kind, extra), dense1], 2);
    const x = masked ? ids() : xFloat();
    const y = tf.tensor2d([[0.3], [-0.5], [1.2]]);
    const res = await probeModel(model, ir, [x], [y]);
    const dir = res.directions[0];
    // Reference inputs: embedded vectors (or the features) and the mask, per example.
    const seqs = tf.tidy(() => (masked ? (model.getLayer(ir.layers[1].name).apply(x) as tf.Tensor) : x).arraySync()) as number[][][];
    const maskRows = masked ? (x.arraySync() as number[][]).map((r) => r.map((v) => (v === 0 ? 0 : 1))) : null;
    const w = refWeights(model.getLayer(ir.layers.find((l) => l.kind === kind)!.name));
    const [Wd, bd] = model.getLayer(ir.layers.at(-1)!.name).getWeights().map((t) => Array.from(t.dataSync()));
    const yv = y.dataSync();
    const H = w.H;
    const lossB = (b: number, p?: Parameters<typeof refRun>[4]) => {
      const hT = refRun(kind, w, seqs[b], maskRows?.[b] ?? null, p).at(-1)!;
      const out = hT.reduce((s, v, j) => s + v * Wd[j], bd[0]);
      return (out - yv[b]) ** 2;
    };
    // The probe's loss is the batch mean of the reference's per-example losses.
    expect(res.loss).toBeCloseTo([0, 1, 2].reduce((s, b) => s + lossB(b), 0) / B, 5);
    const states: ('h' | 'c')[] = kind === 'LSTM' ? ['h', 'c'] : ['h'];
    let worst = 0;
    for (const state of states)
      for (let b = 0; b < B; b++)
        for (let t = 0; t < T; t++) {
          const fd = Math.hypot(...Array.from({ length: H }, (_, j) => centralDiff((delta) => lossB(b, { t, state, j, delta }))));
          const probe = (state === 'h' ? dir.dh : dir.dc!)[t * B + b];
          worst = Math.max(worst, Math.abs(probe - fd) / Math.max(fd, 1e-6));
        }
    expect(worst).toBeLessThanOrEqual(1e-3);
    if (masked) {
      // Right-padded example 0 has steps 6, 7 masked; left-padded example 1 has steps 1, 2 masked.
      expect(Array.from(dir.mask!.subarray(0, T))).toEqual([1, 1, 1, 1, 1, 0, 0]);
      expect(Array.from(dir.mask!.subarray(T, 2 * T))).toEqual([0, 0, 1, 1, 1, 1, 1]);
    } else expect(dir.mask).toBeNull();
    tf.dispose([x, y]);
    model.dispose();
  });
});

describe('exact Jacobian ∂h_T/∂h_t', () => {
  it.each([['SimpleRNN', {}], ['LSTM', {}], ['GRU', {}], ['GRU', { resetAfter: false }]] as [RefKind, Params][])('%s %j matches finite differences of the reference', async (kind, extra) => {
    const { model, ir } = build([feats(), rnn(kind, extra), dense1], 3);
    const x = tf.tidy(() => tf.slice(xFloat(), [0, 0, 0], [1, T, D]));
    const J = await probeJacobian(model, ir, [x], 0);
    const w = refWeights(model.getLayer(ir.layers[1].name));
    const H = w.H;
    const seq = (x.arraySync() as number[][][])[0];
    let err = 0, norm = 0;
    for (let t = 0; t < T; t++)
      for (let j = 0; j < H; j++)
        for (let k = 0; k < H; k++) {
          const fd = centralDiff((delta) => refRun(kind, w, seq, null, { t, state: 'h', j, delta }).at(-1)![k]);
          err += (J.jacobian[t * H * H + k * H + j] - fd) ** 2;
          norm += fd ** 2;
        }
    expect(Math.sqrt(err / norm)).toBeLessThanOrEqual(1e-4);
    // J_{T,T} is the identity: σ_max = 1 and ‖I‖_F/√H = 1.
    expect(J.sigmaMax[T - 1]).toBeCloseTo(1, 5);
    expect(J.frobenius[T - 1]).toBeCloseTo(1, 5);
    x.dispose();
    model.dispose();
  });
});

describe('no tensor leaks', () => {
  it('probeModel and probeJacobian leave tf.memory().numTensors unchanged (Bidirectional, masked, stacked)', async () => {
    const { model, ir } = build([tokens, emb(true), ['Bidirectional', { mergeMode: 'concat' }, ['LSTM', { units: 4, returnSequences: true }]], rnn('GRU'), dense1]);
    const x = ids();
    const y = tf.zeros([B, 1]);
    const before = tf.memory().numTensors;
    const r = await probeModel(model, ir, [x], [y]);
    await probeJacobian(model, ir, [tf.slice(x, [0, 0], [1, T])], 1).then(() => undefined);
    // the slice above is the one tensor the test itself made
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(r.directions.map((d) => `${d.kind}:${d.direction}`)).toEqual(['LSTM:forward', 'LSTM:backward', 'GRU:forward']);
    expect(r.directions[0].gates.f.length).toBe(T * B * 4);
    model.dispose();
  });
});

describe('fast probe (fused engine taps) equals the exact probe', () => {
  it.each([
    ['a masked Bidirectional GRU over a stacked LSTM', {}],
    ['a masked Bidirectional GRU over a stacked two-bias LSTM', { twoBiases: true }],
  ] as [string, Params][])('gates, ∂L/∂h_t and masks for %s', async (_name, lstm) => {
    const { model, ir } = build([tokens, emb(true), rnn('LSTM', { returnSequences: true, ...lstm }), ['Bidirectional', { mergeMode: 'concat' }, ['GRU', { units: 4 }]], dense1]);
    const x = ids();
    const y = tf.tensor2d([[0.3], [-0.5], [1.2]]);
    const before = tf.memory().numTensors;
    const exact = await probeModel(model, ir, [x], [y]);
    const fast = await probeModel(model, ir, [x], [y], { fast: true });
    expect(tf.memory().numTensors).toBe(before);
    expect(fast.loss).toBeCloseTo(exact.loss, 6);
    expect(fast.directions.map((d) => `${d.name}:${d.direction}`)).toEqual(exact.directions.map((d) => `${d.name}:${d.direction}`));
    const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));
    exact.directions.forEach((e, k) => {
      const f = fast.directions[k];
      expect(f.mask).toEqual(e.mask);
      expect(maxDiff(f.dh, e.dh)).toBeLessThanOrEqual(1e-5);
      for (const g of Object.keys(e.gates)) expect(maxDiff(f.gates[g], e.gates[g])).toBeLessThanOrEqual(1e-5);
      expect(f.dc).toBeUndefined();
    });
    tf.dispose([x, y]);
    model.dispose();
  });
});

describe('probes use the training loss (modelLoss) for every head', () => {
  it('a Dense(1, sigmoid) head: ∂L/∂h_t (exact and fast probe) equals central finite differences of binary cross-entropy', async () => {
    const { model, ir } = build([feats(), rnn('LSTM'), ['Dense', { units: 1, activation: 'sigmoid' }]], 4);
    const x = xFloat();
    const y = tf.tensor1d([1, 0, 1], 'int32'); // class ids, as the 2-class tasks give them
    const exact = await probeModel(model, ir, [x], [y]);
    const fast = await probeModel(model, ir, [x], [y], { fast: true });
    expect(exact.losses.map((o) => o.kind)).toEqual(['bce']);
    const seqs = x.arraySync() as number[][][];
    const w = refWeights(model.getLayer(ir.layers[1].name));
    const [Wd, bd] = model.getLayer(ir.layers[2].name).getWeights().map((t) => Array.from(t.dataSync()));
    const yv = y.dataSync();
    const lossB = (b: number, p?: Parameters<typeof refRun>[4]) => {
      const hT = refRun('LSTM', w, seqs[b], null, p).at(-1)!;
      const q = 1 / (1 + Math.exp(-hT.reduce((s, v, j) => s + v * Wd[j], bd[0])));
      return -(yv[b] * Math.log(q) + (1 - yv[b]) * Math.log(1 - q));
    };
    const bce = [0, 1, 2].reduce((s, b) => s + lossB(b), 0) / B;
    expect(exact.loss).toBeCloseTo(bce, 5);
    expect(fast.loss).toBeCloseTo(bce, 5);
    let worst = 0, worstFast = 0;
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++) {
        const fd = Math.hypot(...Array.from({ length: w.H }, (_, j) => centralDiff((delta) => lossB(b, { t, state: 'h', j, delta }))));
        worst = Math.max(worst, Math.abs(exact.directions[0].dh[t * B + b] - fd) / Math.max(fd, 1e-6));
        worstFast = Math.max(worstFast, Math.abs(fast.directions[0].dh[t * B + b] - fd) / Math.max(fd, 1e-6));
      }
    expect(worst).toBeLessThanOrEqual(1e-3);
    expect(worstFast).toBeLessThanOrEqual(1e-3);
    tf.dispose([x, y]);
    model.dispose();
  });

  it.each([
    ['softmax per sequence', [feats(), rnn('GRU'), ['Dense', { units: 3, activation: 'softmax' }]], () => tf.tensor1d([2, 0, 1], 'int32'), 'ce'],
    ['softmax per timestep', [feats(), rnn('SimpleRNN', { returnSequences: true }), ['Dense', { units: 3, activation: 'softmax' }]], () => tf.tensor2d([[0, 1, 2, 0, 1, 2, 0], [1, 1, 1, 1, 1, 1, 1], [2, 0, 2, 0, 2, 0, 2]], [B, T], 'int32'), 'ce'],
    ['sigmoid', [feats(), rnn('GRU'), ['Dense', { units: 1, activation: 'sigmoid' }]], () => tf.tensor1d([0, 1, 1], 'int32'), 'bce'],
    ['linear', [feats(), rnn('LSTM'), dense1], () => tf.tensor2d([[0.3], [-0.5], [1.2]]), 'mse'],
  ] as [string, Step[], () => tf.Tensor, string][])('%s: the probe loss is the trainer\'s loss on the same batch', async (_n, steps, target, kind) => {
    const { model, ir } = build(steps, 5);
    const x = xFloat();
    const y = target();
    const fit = { loss: modelLoss(ir).kind };
    expect(fit.loss).toBe(kind);
    const trainLoss = tf.tidy(() => lossAndMetric(fit, [model.predict(x) as tf.Tensor], [y]).loss.dataSync()[0]);
    const probe = await probeModel(model, ir, [x], [y]);
    expect(probe.losses.map((o) => o.kind)).toEqual([kind]);
    expect(probe.loss).toBeCloseTo(trainLoss, 5);
    tf.dispose([x, y]);
    model.dispose();
  });
});
