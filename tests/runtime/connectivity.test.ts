/**
 * P6 connectivity and P7 time attribution against an independent float64 reference (tests/runtime/probes-reference.ts)
 * on the cpu backend: connectivity equals central finite differences of the input, the P7 shares equal a brute-force
 * computation over the unrolled steps (each step given its own copy of R, ∂ℓ/∂R_t by finite differences), and P9
 * reads the states the reference computes. No tensor leaks.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile, type ModelIR } from '../../src/compiler/index.ts';
import { chainDoc, type ChainStep } from '../../src/graph/index.ts';
import { buildModel } from '../../src/runtime/build.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { collate, TASKS } from '../../src/datasets/index.ts';
import { attributeTime, connectivity, extrapolate, extrapolateTask, KERNEL_BLOCKS, wordConnectivity } from '../../src/runtime/probes/index.ts';
import { centralDiff, refRun, type RefKind, type RefWeights } from './probes-reference.ts';

const B = 3, T = 7, D = 2, H = 4;

function build(steps: ChainStep[], seed: number): { model: tf.LayersModel; ir: ModelIR } {
  const r = compile({ ...chainDoc(steps), training: { seed: 7 } });
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  const model = buildModel(r.ir!);
  model.setWeights(model.getWeights().map((w, i) => tf.tidy(() => tf.randomNormal(w.shape, 0, 0.5, 'float32', seed * 100 + i))));
  return { model, ir: r.ir! };
}

const feats: ChainStep = ['Input', { inputType: 'features', features: D, length: 0 }];
const tokens: ChainStep = ['Input', { inputType: 'tokens', vocabSize: 6, length: 0 }];
const emb: ChainStep = ['Embedding', { inputDim: 6, outputDim: D, maskZero: true }];
const ids = () => tf.tensor2d([[3, 1, 4, 1, 5, 0, 0], [0, 0, 2, 5, 3, 2, 1], [1, 2, 3, 4, 5, 1, 2]], [B, T], 'int32');
const xFloat = () => tf.randomNormal([B, T, D], 0, 1, 'float32', 3);

/** The float64 view of a built chain: x_t per example, masks, the cell weights and the head. */
function reference(model: tf.LayersModel, ir: ModelIR, kind: RefKind, x: tf.Tensor, masked: boolean) {
  const seqs = tf.tidy(() => (masked ? (model.getLayer(ir.layers[1].name).apply(x) as tf.Tensor) : x).arraySync()) as number[][][];
  const masks = masked ? (x.arraySync() as number[][]).map((r) => r.map((v) => (v === 0 ? 0 : 1))) : null;
  const [K, R, b] = model.getLayer(ir.layers.find((l) => l.kind === kind)!.name).getWeights();
  const w: RefWeights = { K: Float64Array.from(K.dataSync()), R: Float64Array.from(R.dataSync()), b: Float64Array.from(b.dataSync()), D: K.shape[0]!, H: R.shape[0]! };
  const [Wd, bd] = model.getLayer(ir.layers.at(-1)!.name).getWeights().map((t) => Array.from(t.dataSync()));
  const C = bd.length;
  /** Head pre-activations (logits) of h. */
  const logits = (h: number[]) => Array.from({ length: C }, (_, c) => h.reduce((s, v, j) => s + v * Wd[j * C + c], bd[c]));
  const run = (xs: number[][], b: number) => refRun(kind, w, xs, masks?.[b] ?? null);
  const ref = {
    seqs, masks, w, logits,
    /** y* of example b at output step `step`: the argmax of the logits (one unit: class 0). */
    predicted(b: number, step: number) {
      const z = logits(run(seqs[b], b)[step]);
      return z.indexOf(Math.max(...z));
    },
    /** Connectivity row of example b by central finite differences of x: ‖∂ logit_cls(step)/∂x_t‖ for every t. */
    fdRow: (b: number, step: number, cls: number) => seqs[b].map((_, t) => Math.hypot(...Array.from({ length: w.D }, (_, d) => centralDiff((delta) => {
      const xs = seqs[b].map((v) => v.slice());
      xs[t][d] += delta;
      return logits(run(xs, b)[step])[cls];
    })))),
  };
  return ref;
}

beforeAll(async () => {
  await initTfNode('cpu');
});

describe('P6 connectivity equals central finite differences of the input (float64 reference, ≤ 1e-3 of the row max)', () => {
  const cases: [string, RefKind, boolean, boolean, string][] = [
    ['LSTM, per-step softmax, float input', 'LSTM', false, true, 'softmax'],
    ['GRU, per-step sigmoid, masked tokens', 'GRU', true, true, 'sigmoid'],
    ['SimpleRNN, classifier softmax, masked tokens', 'SimpleRNN', true, false, 'softmax'],
    ['LSTM, classifier linear head, float input', 'LSTM', false, false, 'linear'],
  ];
  it.each(cases)('%s', async (_name, kind, masked, perStep, activation) => {
    const units = activation === 'sigmoid' ? 1 : 3;
    const { model, ir } = build([masked ? tokens : feats, ...(masked ? [emb] : []), [kind, { units: H, returnSequences: perStep }],
      ['Dense', { units, activation }]], 5);
    const x = masked ? ids() : xFloat();
    const ref = reference(model, ir, kind, x, masked);
    const before = tf.memory().numTensors;
    for (let b = 0; b < B; b++) {
      const one = tf.slice(x, b, 1);
      const c = await connectivity(model, ir, [one]);
      one.dispose();
      const rowsWanted = perStep ? Array.from({ length: T }, (_, t) => t) : [T - 1];
      expect(c.rows).toEqual(rowsWanted);
      c.rows.forEach((step, r) => {
        expect(c.predicted[r]).toBe(ref.predicted(b, step));
        const fd = ref.fdRow(b, step, c.predicted[r]);
        const got = Array.from(c.matrix.subarray(r * T, (r + 1) * T));
        const scale = Math.max(...fd);
        // Only an output step before the first real (unpadded) token sees nothing.
        if (scale < 1e-3) expect(ref.masks?.[b].slice(0, step + 1).every((m) => m === 0)).toBe(true);
        got.forEach((v, t) => expect(Math.abs(v - fd[t])).toBeLessThanOrEqual(1e-3 * scale));
        // A forward layer cannot see the future: the row is exactly zero after its output step.
        got.forEach((v, t) => { if (t > step) expect(v).toBe(0); });
        // Padded steps feed nothing (their state is carried over).
        ref.masks?.[b].forEach((m, t) => { if (m === 0) expect(got[t]).toBe(0); });
      });
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    model.dispose();
  });

  it('rows can be asked for one at a time, and equal the full matrix', async () => {
    const { model, ir } = build([feats, ['GRU', { units: H, returnSequences: true }], ['Dense', { units: 3, activation: 'softmax' }]], 6);
    const x = tf.randomNormal([1, T, D], 0, 1, 'float32', 4);
    const full = await connectivity(model, ir, [x]);
    const one = await connectivity(model, ir, [x], [4]);
    expect(one.rows).toEqual([4]);
    Array.from(one.matrix).forEach((v, t) => expect(v).toBeCloseTo(full.matrix[4 * T + t], 6));
    await expect(connectivity(model, ir, [x], [T])).rejects.toThrow(/0…6/);
    x.dispose();
    model.dispose();
  });
});

describe('"try it": typed words shaded by their connectivity to the prediction (float64 finite differences)', () => {
  // The lesson presets' head: Dense(4, softmax) on a 2-class task, so y* ranges over outputs that are no class too.
  const cases: [string, string, string, string[], boolean[], boolean[]][] = [
    ['negation toy (word vocabulary, <unk>)', 'negation', 'The film was not xyzzy good', ['the', 'film', 'was', 'not', 'xyzzy', 'good'],
      [true, true, true, true, false, true], [false, false, false, false, false, false]],
    ['first token (an unknown word reads as padding, masked)', 'first-token', 'C2 d3 foo d7', ['C2', 'd3', 'foo', 'd7'], [true, true, false, true], [false, false, true, false]],
  ];
  it.each(cases)('%s', async (_name, task, text, tokens, known, masked) => {
    const ds = TASKS[task].make({ seed: 1 });
    const V = (ds.info.input as { vocabSize: number }).vocabSize;
    const { model, ir } = build([['Input', { inputType: 'tokens', vocabSize: V, length: 0 }], ['Embedding', { inputDim: V, outputDim: D, maskZero: true }],
      ['LSTM', { units: H }], ['Dense', { units: 4, activation: 'softmax' }]], 12);
    const before = tf.memory().numTensors;
    const got = await wordConnectivity(model, ir, ds, text);
    expect(tf.memory().numTensors).toBe(before);
    expect(got.words.map((w) => w.text)).toEqual(tokens);
    expect(got.words.map((w) => w.known)).toEqual(known);
    expect(got.words.map((w) => w.masked)).toEqual(masked);
    got.words.forEach((w, t) => expect(w.read).toBe(known[t] ? tokens[t] : ds.symbols![masked[t] ? 0 : 1]));
    const x = tf.tensor2d([ds.encode!(text)], undefined, 'int32');
    const ref = reference(model, ir, 'LSTM', x, true);
    const last = tokens.length - 1;
    expect(got.predicted).toBe(ref.predicted(0, last));
    const fd = ref.fdRow(0, last, got.predicted);
    const scale = Math.max(...fd);
    expect(scale).toBeGreaterThan(1e-3);
    got.words.forEach((w, t) => expect(Math.abs(w.c - fd[t])).toBeLessThanOrEqual(1e-3 * scale));
    // Not vacuous: the words differ in connectivity, and a masked word has none at all.
    expect(new Set(got.words.filter((w) => !w.masked).map((w) => w.c.toPrecision(3))).size).toBeGreaterThan(1);
    got.words.forEach((w) => { if (w.masked) expect(w.c).toBe(0); });
    x.dispose();
    model.dispose();
  });
});

describe('P7 time attribution equals brute force over the unrolled steps (float64, ∂ℓ/∂R_t by finite differences)', () => {
  const cases: [RefKind, boolean][] = [['SimpleRNN', false], ['LSTM', false], ['GRU', false], ['LSTM', true], ['GRU', true]];
  it.each(cases)('%s, masked=%s', async (kind, masked) => {
    const { model, ir } = build([masked ? tokens : feats, ...(masked ? [emb] : []), [kind, { units: H }], ['Dense', { units: 1, activation: 'linear' }]], 9);
    const x = masked ? ids() : xFloat();
    const y = tf.tensor2d([[0.3], [-0.5], [1.2]]);
    const ref = reference(model, ir, kind, x, masked);
    const before = tf.memory().numTensors;
    const [att] = await attributeTime(model, ir, [x], [y]);
    expect(tf.memory().numTensors).toBe(before);
    const names = KERNEL_BLOCKS[kind];
    const cols = names.length * H;
    const yv = y.dataSync();
    for (let b = 0; b < B; b++) {
      const loss = (stepR?: { t: number; R: Float64Array }) =>
        (ref.logits(refRun(kind, ref.w, ref.seqs[b], ref.masks?.[b] ?? null, undefined, stepR).at(-1)!)[0] - yv[b]) ** 2;
      // ‖∂ℓ/∂R_t‖_F per block: R_t is the copy of R that only step t uses.
      const blockNorm = Array.from({ length: T }, (_, t) => names.map((_n, k) => {
        let sq = 0;
        for (let i = 0; i < H; i++)
          for (let j = k * H; j < (k + 1) * H; j++) {
            const g = centralDiff((delta) => {
              const R = ref.w.R.slice();
              R[i * cols + j] += delta;
              return loss({ t, R });
            });
            sq += g * g;
          }
        return Math.sqrt(sq);
      }));
      const total = blockNorm.map((bn) => Math.hypot(...bn));
      const sum = total.reduce((a, v) => a + v, 0);
      let shareSum = 0;
      for (let t = 0; t < T; t++) {
        const got = att.share[b * T + t];
        shareSum += got;
        expect(Math.abs(got - total[t] / sum)).toBeLessThanOrEqual(1e-4);
        names.forEach((n, k) => {
          const want = total[t] > 0 ? (total[t] / sum) * (blockNorm[t][k] / total[t]) ** 2 : 0;
          expect(Math.abs(att.blocks[n][b * T + t] - want)).toBeLessThanOrEqual(1e-4);
        });
        if (ref.masks?.[b][t] === 0) expect(got).toBe(0);
      }
      expect(shareSum).toBeCloseTo(1, 5);
      // The first step's recurrent input is h_0 = 0: it cannot contribute.
      expect(att.share[b * T]).toBe(0);
    }
    tf.dispose([x, y]);
    model.dispose();
  });
});

describe('P9 beyond the training length', () => {
  it('‖h_t‖, ‖c_t‖ and the saturated fraction equal the reference states', async () => {
    const { model, ir } = build([feats, ['LSTM', { units: H }], ['Dense', { units: 1, activation: 'linear' }]], 11);
    const x = xFloat();
    const ref = reference(model, ir, 'LSTM', x, false);
    const [d] = await extrapolate(model, ir, [x]);
    expect(d.hNorm).toHaveLength(T);
    for (let t = 0; t < T; t++) {
      const hs = ref.seqs.map((s) => refRun('LSTM', ref.w, s, null)[t]);
      expect(d.hNorm[t]).toBeCloseTo(hs.reduce((a, h) => a + Math.hypot(...h), 0) / B, 5);
      expect(d.saturated[t]).toBeCloseTo(hs.flat().filter((v) => Math.abs(v) > 0.95).length / (B * H), 6);
    }
    expect(d.cNorm).toHaveLength(T);
    // h = o ⊙ tanh(c), so |h_j| ≤ |c_j| unit by unit, and ‖h_t‖ ≤ ‖c_t‖ for every example.
    d.cNorm!.forEach((v, t) => expect(v).toBeGreaterThanOrEqual(d.hNorm[t] - 1e-6));
    x.dispose();
    model.dispose();
  });

  it('runs the length the task can make and reports that factor, or nothing when the data is no longer', async () => {
    const { model, ir } = build([feats, ['LSTM', { units: H }], ['Dense', { units: 1, activation: 'linear' }]], 11);
    // Adding at T = 300: 5× asks for 1500 steps, the task stops at its maximum.
    const max = TASKS.adding.seqLen!.max;
    const x = (await extrapolateTask(model, ir, TASKS.adding, { seed: 1, setting: 300, trainedLength: 300, asked: 5, examples: 2 }))!;
    expect(x.length).toBe(max);
    expect(x.factor).toBeCloseTo(max / 300, 12);
    expect(x.layers[0].hNorm).toHaveLength(max);
    // At T = 20 the 5× run is made in full.
    expect((await extrapolateTask(model, ir, TASKS.adding, { seed: 1, setting: 20, trainedLength: 20, asked: 5, examples: 2 }))!.factor).toBe(5);
    // Names: the setting only truncates, and these names are shorter than 20 letters: the longer batch is no longer.
    const ds = TASKS.names.make({ seed: 1, seqLen: 20 });
    const T20 = collate(ds, [ds.trainSize, ds.trainSize + 1]).xShape[1];
    expect(T20).toBeLessThan(20);
    expect(await extrapolateTask(model, ir, TASKS.names, { seed: 1, setting: 20, trainedLength: T20, asked: 5, examples: 2 })).toBeNull();
    model.dispose();
  });
});
