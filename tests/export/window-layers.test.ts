/**
 * Conv1D, MaxPooling1D, Flatten and Activation: with seeded random weights, `rnn-studio predict` equals an
 * independent float64 numpy computation written from Keras's formulas (keras_window_numpy.py) and the PyTorch
 * export's predict.py, to 1e-5; parameter totals are Keras's, computed by hand here; Keras configs in the Keras 1,
 * tf.keras 2 and Keras 3 forms import to the same params.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importModelJson } from '../../src/codegen/import-keras.ts';
import { compile } from '../../src/compiler/index.ts';
import { chainDoc, type ChainStep } from '../../src/graph/index.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { cli, irOf, maxAbsDiff, rng, runPython, scratchDir, writeGraph, writeRandomWeights, type Out } from './helpers.ts';

beforeAll(async () => {
  await initTfNode('cpu');
});

const B = 3;
const T = 11;
const F = 4;
const input = (length = T): ChainStep => ['Input', { inputType: 'features', features: F, length }];

/** Each chain, with its Keras parameter total by hand: Conv1D has k·in·filters + filters (bias). */
const CASES: [string, ChainStep[], number][] = [
  ['conv valid k3 relu', [input(), ['Conv1D', { filters: 5, kernelSize: 3 }]], 3 * F * 5 + 5],
  ['conv same even kernel, stride 2, tanh', [input(), ['Conv1D', { filters: 3, kernelSize: 4, strides: 2, padding: 'same', activation: 'tanh' }]], 4 * F * 3 + 3],
  ['conv causal k3 dilation 2, tanh', [input(), ['Conv1D', { filters: 3, kernelSize: 3, dilationRate: 2, padding: 'causal', activation: 'tanh' }]], 3 * F * 3 + 3],
  ['conv causal k2 stride 2 → Flatten', [input(), ['Conv1D', { filters: 4, kernelSize: 2, strides: 2, padding: 'causal', activation: 'relu' }], ['Flatten', {}]], 2 * F * 4 + 4],
  ['conv same dilation 3, no bias, softmax', [input(), ['Conv1D', { filters: 3, kernelSize: 2, dilationRate: 3, padding: 'same', activation: 'softmax', useBias: false }]], 2 * F * 3],
  ['conv valid stride 3 dilation 1 k5 sigmoid', [input(), ['Conv1D', { filters: 2, kernelSize: 5, strides: 3, activation: 'sigmoid' }]], 5 * F * 2 + 2],
  ['conv valid dilation 2 linear', [input(), ['Conv1D', { filters: 2, kernelSize: 3, dilationRate: 2, activation: 'linear' }]], 3 * F * 2 + 2],
  // MaxPooling1D has no weights: the totals are the Conv1D's.
  ['conv then pool (Keras default stride = size)', [input(), ['Conv1D', { filters: 5, kernelSize: 2, activation: 'tanh' }], ['MaxPooling1D', { poolSize: 3 }]], 2 * F * 5 + 5],
  ['pool same, size 4 stride 3', [input(), ['Conv1D', { filters: 3, kernelSize: 3, activation: 'linear' }], ['MaxPooling1D', { poolSize: 4, strides: 3, padding: 'same' }]], 3 * F * 3 + 3],
  // Flatten: step after step; the Dense after it has (T'·filters)·units + units.
  ['conv, pool, flatten, dense', [input(), ['Conv1D', { filters: 3, kernelSize: 3, activation: 'relu' }], ['MaxPooling1D', { poolSize: 2 }], ['Flatten', {}], ['Dense', { units: 2, activation: 'linear' }]], 3 * F * 3 + 3 + (Math.floor((T - 2) / 2) * 3) * 2 + 2],
  ['activations after a linear conv', [input(), ['Conv1D', { filters: 4, kernelSize: 2, activation: 'linear' }], ['Activation', { activation: 'tanh' }], ['Activation', { activation: 'softmax' }]], 2 * F * 4 + 4],
  ['pool same, size 2 stride 1, on raw features', [input(), ['MaxPooling1D', { poolSize: 2, strides: 1, padding: 'same' }], ['Conv1D', { filters: 2, kernelSize: 1, activation: 'linear' }]], F * 2 + 2],
];

/** The TF.js weights of a saved model, by `layer/weight` name. */
function readWeights(dir: string): Map<string, number[]> {
  const manifest = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')).weightsManifest as { weights: { name: string; shape: number[] }[] }[];
  const buf = readFileSync(join(dir, 'weights.bin'));
  const all = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  const out = new Map<string, number[]>();
  let at = 0;
  for (const w of manifest.flatMap((g) => g.weights)) {
    const n = w.shape.reduce((a, b) => a * b, 1);
    out.set(w.name, nest(Array.from(all.subarray(at, at + n)), w.shape));
    at += n;
  }
  return out;
}

/** A flat row-major array as nested lists of `shape`. */
function nest(flat: number[], shape: number[]): number[] {
  if (shape.length <= 1) return flat;
  const step = flat.length / shape[0];
  return Array.from({ length: shape[0] }, (_, i) => nest(flat.slice(i * step, (i + 1) * step), shape.slice(1))) as unknown as number[];
}

describe.each(CASES)('%s', (name, steps, params) => {
  it('has Keras\'s parameter total, and predict equals a float64 numpy reference and the PyTorch export (max |Δ| ≤ 1e-5)', async () => {
    const doc = chainDoc(steps);
    const ir = irOf(doc);
    expect(ir.layers.reduce((s, l) => s + l.paramCount, 0)).toBe(params);
    const dir = scratchDir(`window-${name.replace(/\W+/g, '-')}`);
    const graph = writeGraph(doc, join(dir, 'graph.json'));
    const weights = join(dir, 'weights');
    await writeRandomWeights(doc, weights, 77);
    const next = rng(5);
    const data = Array.from({ length: B * T * F }, () => Math.round((2 * next() - 1) * 1000) / 1000);
    const x = join(dir, 'x.json');
    writeFileSync(x, JSON.stringify({ dtype: 'float32', shape: [B, T, F], data }));

    const ours = await cli(['predict', graph, '--weights', weights, '--input', x, '--json']);
    expect(ours.code, ours.err).toBe(0);
    const app: Out = JSON.parse(ours.out);
    // Non-degenerate: the output varies.
    expect(Math.max(...app.data) - Math.min(...app.data)).toBeGreaterThan(1e-2);

    const w = readWeights(weights);
    const layers = ir.layers.filter((l) => l.kind !== 'Input').map((l) => ({
      kind: l.kind, params: l.params, weights: Object.fromEntries(['kernel', 'bias'].filter((k) => w.has(`${l.name}/${k}`)).map((k) => [k, w.get(`${l.name}/${k}`)])),
    }));
    const caseFile = join(dir, 'case.json');
    writeFileSync(caseFile, JSON.stringify({ x: nest(data, [B, T, F]), layers }));
    const reference = runPython(new URL('keras_window_numpy.py', import.meta.url).pathname, [caseFile]);
    expect(maxAbsDiff(app, reference), 'numpy').toBeLessThanOrEqual(1e-5);

    const out = join(dir, 'pytorch');
    const r = await cli(['export', graph, '--format', 'pytorch', '--weights', weights, '--out', out]);
    expect(r.code, r.err).toBe(0);
    expect(maxAbsDiff(app, runPython(join(out, 'predict.py'), ['--input', x])), 'pytorch').toBeLessThanOrEqual(1e-5);
  });
});

/** One model per Keras serialization: a Sequential whose first layer carries the input shape [null, T, F]. */
function sequential(format: 'keras1' | 'keras2' | 'keras3', layers: { class_name: string; config: Record<string, unknown> }[]) {
  const [first, ...rest] = layers;
  if (format === 'keras3')
    return { module: 'keras', class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'InputLayer', config: { batch_shape: [null, T, F], dtype: 'float32', name: 'in' } }, ...layers] }, keras_version: '3.6.0' };
  const firstWithShape = { ...first, config: { ...first.config, batch_input_shape: [null, T, F] } };
  return format === 'keras1'
    ? { class_name: 'Sequential', config: [firstWithShape, ...rest], keras_version: '1.2.2' }
    : { class_name: 'Sequential', config: { name: 's', layers: [firstWithShape, ...rest] }, keras_version: '2.2.4' };
}

function imported(model: unknown) {
  const r = importModelJson(model);
  if (!r.ok) throw new Error(r.error);
  const c = compile(r.model.doc);
  expect(c.diagnostics).toEqual([]);
  return c.ir!.layers.filter((l) => l.kind !== 'Input').map((l) => ({ kind: l.kind, params: l.params, count: l.paramCount, shape: l.outputShape.dims }));
}

describe('Conv1D imports from every Keras form', () => {
  const expected = { kind: 'Conv1D', params: { filters: 6, kernelSize: 4, strides: 2, padding: 'same', dilationRate: 1, activation: 'tanh', useBias: true, kernelInitializer: 'heUniform', seed: 0 }, count: 4 * F * 6 + 6, shape: [Math.ceil(T / 2), 6] };
  it('Keras 1 Convolution1D (nb_filter, filter_length, subsample_length, border_mode, init, bias)', () => {
    expect(imported(sequential('keras1', [{ class_name: 'Convolution1D', config: { name: 'c', nb_filter: 6, filter_length: 4, subsample_length: 2, border_mode: 'same', activation: 'tanh', init: 'he_uniform', bias: true, W_regularizer: null } }]))).toEqual([expected]);
  });
  it('tf.keras 2 Conv1D (tuples, data_format, groups)', () => {
    expect(imported(sequential('keras2', [{ class_name: 'Conv1D', config: { name: 'c', filters: 6, kernel_size: [4], strides: [2], padding: 'same', data_format: 'channels_last', dilation_rate: [1], groups: 1, activation: 'tanh', use_bias: true, kernel_initializer: { class_name: 'HeUniform', config: { seed: null } }, bias_initializer: { class_name: 'Zeros', config: {} } } }]))).toEqual([expected]);
  });
  it('Keras 3 Conv1D (function-wrapped activation, lora_rank null)', () => {
    expect(imported(sequential('keras3', [{ class_name: 'Conv1D', config: { name: 'c', filters: 6, kernel_size: [4], strides: [2], padding: 'same', data_format: 'channels_last', dilation_rate: [1], groups: 1, activation: { class_name: 'function', config: 'tanh' }, use_bias: true, kernel_initializer: { class_name: 'VarianceScaling', config: { scale: 2, mode: 'fan_in', distribution: 'uniform' } }, lora_rank: null } }]))).toEqual([expected]);
  });
  it('causal padding (tf.keras 2 and Keras 3 forms)', () => {
    const causal = { ...expected, params: { ...expected.params, padding: 'causal', strides: 1 }, shape: [T, 6] };
    const config = { name: 'c', filters: 6, kernel_size: [4], strides: [1], padding: 'causal', data_format: 'channels_last', dilation_rate: [1], groups: 1, activation: 'tanh', use_bias: true, kernel_initializer: { class_name: 'HeUniform', config: { seed: null } } };
    expect(imported(sequential('keras2', [{ class_name: 'Conv1D', config }]))).toEqual([causal]);
    expect(imported(sequential('keras3', [{ class_name: 'Conv1D', config: { ...config, activation: { class_name: 'function', config: 'tanh' }, lora_rank: null } }]))).toEqual([causal]);
  });
  it("refuses Keras 1's Theano-only full padding, pooling's causal and channels_first by name, with one line", () => {
    expect(importModelJson(sequential('keras1', [{ class_name: 'Convolution1D', config: { name: 'c', nb_filter: 2, filter_length: 3, border_mode: 'full' } }]))).toEqual({ ok: false, error: 'Layer c (Convolution1D) has padding="full", which RNN Studio does not support: RNN Studio computes valid, same, causal padding here.' });
    expect(importModelJson(sequential('keras2', [{ class_name: 'MaxPooling1D', config: { name: 'p', pool_size: [2], padding: 'causal' } }]))).toMatchObject({ ok: false, error: expect.stringMatching(/^Layer p \(MaxPooling1D\) has padding="causal"/) });
    expect(importModelJson(sequential('keras2', [{ class_name: 'Conv1D', config: { name: 'c', filters: 2, kernel_size: [3], data_format: 'channels_first' } }]))).toMatchObject({ ok: false, error: expect.stringMatching(/^Layer c \(Conv1D\) has data_format="channels_first"/) });
  });
});

describe('MaxPooling1D imports from every Keras form', () => {
  const expected = { kind: 'MaxPooling1D', params: { poolSize: 3, strides: 2, padding: 'same' }, count: 0, shape: [Math.ceil(T / 2), F] };
  it('Keras 1 (pool_length, stride, border_mode)', () => {
    expect(imported(sequential('keras1', [{ class_name: 'MaxPooling1D', config: { name: 'p', pool_length: 3, stride: 2, border_mode: 'same' } }]))).toEqual([expected]);
  });
  it('tf.keras 2 and Keras 3 (tuples); strides null is the pool size', () => {
    const config = { name: 'p', pool_size: [3], strides: [2], padding: 'same', data_format: 'channels_last' };
    expect(imported(sequential('keras2', [{ class_name: 'MaxPooling1D', config }]))).toEqual([expected]);
    expect(imported(sequential('keras3', [{ class_name: 'MaxPooling1D', config }]))).toEqual([expected]);
    // valid, size 3, moved by 3: floor((11 − 3) / 3) + 1 = 3 steps.
    expect(imported(sequential('keras2', [{ class_name: 'MaxPooling1D', config: { name: 'p', pool_size: [3], strides: null, padding: 'valid' } }]))[0].shape).toEqual([3, F]);
  });
});

describe('Flatten imports from every Keras form', () => {
  const expected = [{ kind: 'Flatten', params: {}, count: 0, shape: [T * F] }];
  it('Keras 1, tf.keras 2 and Keras 3', () => {
    expect(imported(sequential('keras1', [{ class_name: 'Flatten', config: { name: 'f', trainable: true } }]))).toEqual(expected);
    expect(imported(sequential('keras2', [{ class_name: 'Flatten', config: { name: 'f', trainable: true, dtype: 'float32', data_format: 'channels_last' } }]))).toEqual(expected);
    expect(imported(sequential('keras3', [{ class_name: 'Flatten', config: { name: 'f', trainable: true, dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' } }, data_format: 'channels_last' } }]))).toEqual(expected);
  });
  it('refuses a sequence of free length with one line that says what to do', () => {
    const c = compile(chainDoc([input(0), ['Flatten', {}]]));
    expect(c.diagnostics.map((d) => [d.code, d.message])).toEqual([['E_NEEDS_LENGTH', 'Flatten needs a fixed number of steps to know its output size; it was given [batch, T, 4].']]);
  });
});

describe('Activation', () => {
  it('imports from Keras 1, tf.keras 2 and Keras 3', () => {
    const expected = [{ kind: 'Activation', params: { activation: 'sigmoid' }, count: 0, shape: [T, F] }];
    expect(imported(sequential('keras1', [{ class_name: 'Activation', config: { name: 'a', activation: 'sigmoid' } }]))).toEqual(expected);
    expect(imported(sequential('keras2', [{ class_name: 'Activation', config: { name: 'a', activation: 'sigmoid', dtype: 'float32' } }]))).toEqual(expected);
    expect(imported(sequential('keras3', [{ class_name: 'Activation', config: { name: 'a', activation: 'sigmoid' } }]))).toEqual(expected);
  });
  it('passes the padding mask on (as Keras\'s supports_masking); Conv1D, MaxPooling1D and Flatten refuse it in TF.js', () => {
    const tokens: ChainStep[] = [['Input', { inputType: 'tokens', vocabSize: 30, length: 8 }], ['Embedding', { inputDim: 30, outputDim: 4, maskZero: true }]];
    expect(compile(chainDoc([...tokens, ['Activation', { activation: 'tanh' }]])).shapes.n3).toMatchObject({ dims: [8, 4], masked: true });
    for (const k of ['Conv1D', 'MaxPooling1D', 'Flatten'] as const)
      expect(compile(chainDoc([...tokens, [k, {}]])).diagnostics.map((d) => d.code), k).toEqual(['E_MASK_UNSUPPORTED']);
  });
});
