/** Shared by the export tests: presets, seeded random weights, running the CLI in-process and the exported scripts. */
import { execFileSync } from 'node:child_process';
import { expect } from 'vitest';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { main } from '../../src/cli/main.ts';
import { compile, usesPorts, type ModelIR } from '../../src/compiler/index.ts';
import { parseDocument, serializeDocument, type GraphDoc } from '../../src/graph/index.ts';
import { buildModel } from '../../src/runtime/build.ts';
import { modelFiles } from '../../src/runtime/save.ts';

export const ROOT = new URL('../../', import.meta.url).pathname;
/** Python with Debian's python3-torch (the first python3 on PATH may lack it). */
export const PYTHON = '/usr/bin/python3';
/** Scratch space inside the project, so exported `predict.mjs` files resolve `@tensorflow/tfjs` from node_modules. */
export const SCRATCH = join(ROOT, 'tmp', 'export-tests');

export function scratchDir(name: string): string {
  const dir = join(SCRATCH, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * The presets the exports write. A graph with state ports (the encoder–decoder preset) is refused by the export
 * with its reason (src/codegen/export.ts) until the exports write such graphs, so it is left out of these lists.
 */
export const PRESETS = readdirSync(join(ROOT, 'presets')).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, '')).sort()
  .filter((p) => !usesPorts(irOf(presetDoc(p))));

export function presetDoc(name: string): GraphDoc {
  const r = parseDocument(readFileSync(join(ROOT, 'presets', `${name}.json`), 'utf8'));
  if (!r.ok) throw new Error(r.error);
  return r.doc;
}

export function irOf(doc: GraphDoc): ModelIR {
  const r = compile(doc);
  if (!r.ir) throw new Error(JSON.stringify(r.diagnostics));
  return r.ir;
}

/** mulberry32: a small seeded generator, so test weights and inputs repeat exactly. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Writes `dir/model.json` + `dir/weights.bin` for the graph with seeded random weights U(−scale, scale): large enough
 * that gates, masks and merges all move the output (initial weights give near-uniform softmaxes).
 */
export async function writeRandomWeights(doc: GraphDoc, dir: string, seed: number, scale = 0.5): Promise<void> {
  const model = buildModel(irOf(doc));
  const next = rng(seed);
  model.setWeights(model.weights.map((w) => {
    const shape = w.shape as number[];
    const n = shape.reduce((a, d) => a * d, 1);
    // A variance (BatchNormalization's moving_variance) must stay positive: |U| + 0.1.
    const draw = w.name.includes('moving_variance') ? () => Math.abs((2 * next() - 1) * scale) + 0.1 : () => (2 * next() - 1) * scale;
    return tf.tensor(Float32Array.from({ length: n }, draw), shape);
  }));
  const { modelJson, weights } = await modelFiles(model);
  model.dispose();
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.json'), modelJson);
  writeFileSync(join(dir, 'weights.bin'), weights);
}

export function writeGraph(doc: GraphDoc, path: string): string {
  writeFileSync(path, serializeDocument(doc));
  return path;
}

/** Runs `rnn-studio …` in this process and returns its exit code and what it printed. */
export async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const w1 = process.stdout.write.bind(process.stdout);
  const w2 = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => ((err += s), true)) as typeof process.stderr.write;
  try {
    const code = await main(args);
    return { code, out, err };
  } finally {
    process.stdout.write = w1;
    process.stderr.write = w2;
  }
}

export interface Out {
  shape: number[];
  data: number[];
}

export const runPython = (script: string, args: string[]): Out => JSON.parse(execFileSync(PYTHON, [script, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
export const runNode = (script: string, args: string[]): Out =>
  JSON.parse(execFileSync(process.execPath, [script, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n').pop()!);

/**
 * `doc` with random weights (seed `seed`) in a scratch folder `name`: `rnn-studio predict --json` on input `x`, and the
 * PyTorch and TF.js exports' predict on the same input; each prints its list of outputs (a model with several).
 */
export async function predictEverywhere(doc: GraphDoc, name: string, seed: number, x: { dtype: 'float32'; shape: number[]; data: number[] }):
  Promise<{ dir: string; graph: string; app: Out[]; exports: Record<'pytorch' | 'tfjs', Out[]> }> {
  const dir = scratchDir(name);
  const graph = writeGraph(doc, join(dir, 'graph.json'));
  const weights = join(dir, 'weights');
  await writeRandomWeights(doc, weights, seed);
  const input = join(dir, 'x.json');
  writeFileSync(input, JSON.stringify(x));
  const ours = await cli(['predict', graph, '--weights', weights, '--input', input, '--json']);
  expect(ours.code, ours.err).toBe(0);
  const exports = {} as Record<'pytorch' | 'tfjs', Out[]>;
  for (const format of ['pytorch', 'tfjs'] as const) {
    const out = join(dir, format);
    const r = await cli(['export', graph, '--format', format, '--weights', weights, '--out', out]);
    expect(r.code, r.err).toBe(0);
    exports[format] = (format === 'pytorch' ? runPython(join(out, 'predict.py'), ['--input', input]) : runNode(join(out, 'predict.mjs'), ['--input', input])) as unknown as Out[];
  }
  return { dir, graph, app: JSON.parse(ours.out), exports };
}

export function maxAbsDiff(a: Out, b: Out): number {
  expect(a.shape).toEqual(b.shape);
  expect(a.data.length).toBe(b.data.length);
  return a.data.reduce((m, v, i) => Math.max(m, Math.abs(v - b.data[i])), 0);
}

/** Replaces every orthogonal initializer by glorotUniform: the weights are overwritten anyway, and QR is slow. */
export function fastInit(doc: GraphDoc): GraphDoc {
  return { ...doc, nodes: doc.nodes.map((n) => (n.data.params.recurrentInitializer === undefined && ['SimpleRNN', 'LSTM', 'GRU'].includes(n.data.kind)
    ? { ...n, data: { ...n.data, params: { ...n.data.params, recurrentInitializer: 'glorotUniform' } } } : n)) };
}

type Spec = [id: string, kind: string, params: Record<string, unknown>, from: string[], parent?: string];
export const graphOf = (specs: Spec[]): GraphDoc => ({
  nodes: specs.map(([id, kind, params, , parentId]) => ({ id, position: { x: 0, y: 0 }, ...(parentId ? { parentId } : {}), data: { kind, params } })) as GraphDoc['nodes'],
  edges: specs.flatMap(([id, , , from]) => from.map((s) => ({ id: `${s}-${id}`, source: s, target: id }))),
});
/** Adds edges between ports: [source, sourceHandle, target, targetHandle]. */
const withPorts = ({ extraEdges, ...doc }: GraphDoc & { extraEdges: [string, string, string, string][] }): GraphDoc => ({
  ...doc,
  edges: [...doc.edges, ...extraEdges.map(([source, sourceHandle, target, targetHandle]) => ({ id: `${source}.${sourceHandle}-${target}.${targetHandle}`, source, target, sourceHandle, targetHandle }))],
});

/** Forms the presets do not use: every LoopRNN path (reset-before GRU with hard-sigmoid gates, relu/sigmoid/linear
 * activations), go_backwards, no bias, every merge mode, masked merges, per-step Dense, pooling. */
export const COVERAGE: Record<string, GraphDoc> = {
  'masked-mixed': graphOf([
    ['in', 'Input', { inputType: 'tokens', vocabSize: 60, length: 0 }, []],
    ['emb', 'Embedding', { inputDim: 60, outputDim: 6, maskZero: true }, ['in']],
    ['bi', 'Bidirectional', { mergeMode: 'mul' }, ['emb']],
    ['bi_gru', 'GRU', { units: 5, returnSequences: true, recurrentActivation: 'hardSigmoid', recurrentInitializer: 'glorotUniform' }, [], 'bi'],
    ['back', 'LSTM', { units: 5, returnSequences: true, goBackwards: true, activation: 'relu', recurrentActivation: 'hardSigmoid', recurrentInitializer: 'glorotUniform' }, ['bi']],
    ['plain', 'SimpleRNN', { units: 4, returnSequences: true, activation: 'relu', useBias: false, recurrentInitializer: 'glorotUniform' }, ['emb']],
    ['cat', 'Concatenate', {}, ['back', 'plain']],
    ['drop', 'Dropout', { rate: 0.3 }, ['cat']],
    ['gru2', 'GRU', { units: 3, returnSequences: true, activation: 'linear', useBias: false, recurrentInitializer: 'glorotUniform' }, ['drop']],
    ['out', 'Dense', { units: 3, activation: 'softmax' }, ['gru2']],
  ]),
  // Encoder–decoder forms (state ports, two Inputs): an LSTM encoder's h and c start an LSTM decoder, both masked
  // (nn.LSTM with (h0, c0), and the masked loop starting from them).
  'seq2seq-lstm-masked': withPorts({
    ...graphOf([
      ['src', 'Input', { inputType: 'tokens', vocabSize: 60, length: 0 }, []],
      ['src_emb', 'Embedding', { inputDim: 60, outputDim: 6, maskZero: true }, ['src']],
      ['enc', 'LSTM', { units: 5, returnState: true, recurrentInitializer: 'glorotUniform' }, ['src_emb']],
      ['tgt', 'Input', { inputType: 'tokens', vocabSize: 60, length: 0 }, []],
      ['tgt_emb', 'Embedding', { inputDim: 60, outputDim: 4, maskZero: true }, ['tgt']],
      ['dec', 'LSTM', { units: 5, returnSequences: true, stateInputs: true, recurrentInitializer: 'glorotUniform' }, ['tgt_emb']],
      ['out', 'Dense', { units: 7, activation: 'softmax' }, ['dec']],
    ]),
    extraEdges: [['enc', 'h', 'dec', 'initial_h'], ['enc', 'c', 'dec', 'initial_c']],
  }),
  // A reset-before GRU encoder (LoopRNN) read backwards, whose final h starts a SimpleRNN and also feeds a Dense.
  'seq2seq-gru-loop': withPorts({
    ...graphOf([
      ['a', 'Input', { inputType: 'features', features: 3, length: 0 }, []],
      ['enc', 'GRU', { units: 4, resetAfter: false, goBackwards: true, returnState: true, recurrentInitializer: 'glorotUniform' }, ['a']],
      ['b', 'Input', { inputType: 'features', features: 2, length: 0 }, []],
      ['dec', 'SimpleRNN', { units: 4, stateInputs: true, recurrentInitializer: 'glorotUniform' }, ['b']],
      ['proj', 'Dense', { units: 4, activation: 'tanh' }, []],
      ['sum', 'Add', {}, ['dec', 'proj']],
      ['out', 'Dense', { units: 2, activation: 'tanh' }, ['sum']],
    ]),
    extraEdges: [['enc', 'h', 'dec', 'initial_h'], ['enc', 'h', 'proj', 'x']],
  }),
  // Two-bias LSTMs (Keras CuDNNLSTM): nn.LSTM with bias_ih and bias_hh in a masked Bidirectional, and LoopRNN's
  // two_biases form (hard-sigmoid gates, read backwards).
  'two-biases': graphOf([
    ['in', 'Input', { inputType: 'tokens', vocabSize: 60, length: 0 }, []],
    ['emb', 'Embedding', { inputDim: 60, outputDim: 5, maskZero: true }, ['in']],
    ['bi', 'Bidirectional', { mergeMode: 'concat' }, ['emb']],
    ['bi_lstm', 'LSTM', { units: 4, returnSequences: true, twoBiases: true, recurrentInitializer: 'glorotUniform' }, [], 'bi'],
    ['loop', 'LSTM', { units: 3, twoBiases: true, goBackwards: true, recurrentActivation: 'hardSigmoid', recurrentInitializer: 'glorotUniform' }, ['bi']],
    ['out', 'Dense', { units: 3, activation: 'softmax' }, ['loop']],
  ]),
  // Window layers on a fixed length (parity's T = 7): strided same conv, same pooling, Activation, Flatten.
  'windows': graphOf([
    ['in', 'Input', { inputType: 'features', features: 3, length: 7 }, []],
    ['conv', 'Conv1D', { filters: 4, kernelSize: 2, strides: 2, padding: 'same', activation: 'linear' }, ['in']],
    ['act', 'Activation', { activation: 'tanh' }, ['conv']],
    ['pool', 'MaxPooling1D', { poolSize: 3, strides: 1, padding: 'same' }, ['act']],
    ['flat', 'Flatten', {}, ['pool']],
    ['out', 'Dense', { units: 3, activation: 'softmax' }, ['flat']],
  ]),
  'features-merges': graphOf([
    ['in', 'Input', { inputType: 'features', features: 3, length: 0 }, []],
    ['bi', 'Bidirectional', { mergeMode: 'ave' }, ['in']],
    ['bi_rnn', 'SimpleRNN', { units: 4, activation: 'sigmoid', recurrentInitializer: 'glorotUniform' }, [], 'bi'],
    ['lstm', 'LSTM', { units: 4, useBias: false, unitForgetBias: false, recurrentInitializer: 'glorotUniform' }, ['in']],
    ['sum', 'Add', {}, ['bi', 'lstm']],
    ['bi2', 'Bidirectional', { mergeMode: 'sum' }, ['in']],
    ['bi2_lstm', 'LSTM', { units: 4, returnSequences: true, goBackwards: true, recurrentInitializer: 'glorotUniform' }, [], 'bi2'],
    ['pool', 'GlobalMaxPooling1D', {}, ['bi2']],
    ['cat', 'Concatenate', {}, ['sum', 'pool']],
    ['out', 'Dense', { units: 2, activation: 'tanh' }, ['cat']],
  ]),
};
