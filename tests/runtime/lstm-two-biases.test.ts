/**
 * The two-bias LSTM (Keras CuDNNLSTM; src/codegen/tfjs-lstm.ts, run by the fused/SIMD ops with b = b_x + b_h) against
 * PyTorch's LSTM cell with bias_ih = row 0 and bias_hh = row 1 in float64 (tests/runtime/two_bias_ref.py):
 * forward, ∂L/∂x and ∂L/∂w for every weight, both bias rows each from PyTorch's autograd, within 1e-5, with masks,
 * goBackwards and inside Bidirectional. Also: the built graph holds Keras's CuDNNLSTM total, unitForgetBias starts
 * CuDNNLSTM's recurrent forget bias at 1, a saved model.json reloads with two biases, and `rnn-studio train` moves
 * both rows by the same steps.
 */
import * as tf from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/index.ts';
import { chainDoc, type GraphDoc } from '../../src/graph/index.ts';
import { buildModel } from '../../src/runtime/build.ts';
import { fuseLayer } from '../../src/runtime/fused/index.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { ROOT } from '../export/helpers.ts';
import { B, D, expectReference, H, lossWeights, makeLayer, maxDiff, MASK_ROWS, run, T, twoBiasReference, type Case } from './recurrent-equality.ts';

beforeAll(async () => {
  await initTfNode('cpu');
});

type Nested = number | Nested[];

describe("two-bias LSTM equals PyTorch's LSTM cell with bias_ih and bias_hh in float64 (forward and every gradient, within 1e-5)", () => {
  it.each([
    ['last output', {}],
    ['masked + returnSequences + goBackwards', { masked: true, returnSequences: true, goBackwards: true }],
    ['bidirectional + masked', { bidirectional: true, masked: true }],
  ] as [string, Case][])('%s', (_, c) => {
    const layer = makeLayer('LSTM', { ...c, twoBiases: true });
    const x = tf.randomNormal([B, T, D], 0, 1, 'float32', 11) as tf.Tensor3D;
    const mask = c.masked ? tf.tensor2d(MASK_ROWS) : null;
    const y0 = layer.apply(x) as tf.Tensor;
    const W = lossWeights(y0.shape);
    tf.dispose(y0);
    const biases = layer.getWeights().filter((_w, i) => i % 3 === 2);
    expect(biases.map((b) => b.shape)).toEqual(Array(c.bidirectional ? 2 : 1).fill([2, 4 * H]));
    const ref = twoBiasReference('LSTM', layer, c, x, W);
    const stock = run(layer, x, mask, false);
    expect(fuseLayer(layer)).toBe(c.bidirectional ? 2 : 1);
    const fused = run(layer, x, mask, false);
    expectReference([['fused', fused], ['per-step cell', stock]], ref);
    // PyTorch's ∂L/∂bias_ih and ∂L/∂bias_hh are equal (the two add before any gate): both rows are trained alike.
    ref.dw.filter((_g, i) => i % 3 === 2).forEach((g) => expect(maxDiff((g as Nested[])[0], (g as Nested[])[1])).toBeLessThan(1e-12));
    tf.dispose([x, W, ...(mask ? [mask] : [])]);
  });
});

const DOC = (params: Record<string, unknown>, bidirectional = false): GraphDoc => chainDoc([
  ['Input', { inputType: 'features', features: 3, length: 0 }],
  ...(bidirectional ? [['Bidirectional', { mergeMode: 'concat' }, ['LSTM', params]] as const] : [['LSTM', params] as const]),
  ['Dense', { units: 1, activation: 'linear' }],
] as Parameters<typeof chainDoc>[0]);

describe('the two-bias LSTM in a built graph', () => {
  it("holds Keras CuDNNLSTM's parameter total, 4u(d + u) + 8u, alone and per direction of a Bidirectional (and leaks nothing)", () => {
    for (const bidirectional of [false, true]) {
      const before = tf.memory().numTensors;
      const model = buildModel(compile(DOC({ units: 5, twoBiases: true, recurrentInitializer: 'glorotUniform' }, bidirectional)).ir!);
      const dense = (bidirectional ? 2 : 1) * 5 + 1;
      expect(model.countParams()).toBe((bidirectional ? 2 : 1) * (4 * 5 * (3 + 5) + 8 * 5) + dense);
      model.dispose();
      expect(tf.memory().numTensors, 'building left tensors behind').toBe(before);
    }
  });

  it("starts its forget gate at 1 in the recurrent bias, as Keras's CuDNNLSTM (unit_forget_bias: bias[5u:6u] = 1)", () => {
    const model = buildModel(compile(DOC({ units: 4, twoBiases: true, recurrentInitializer: 'glorotUniform' })).ir!);
    const bias = model.layers[1].getWeights()[2].arraySync() as number[][];
    expect(bias.flat()).toEqual(Array.from({ length: 32 }, (_, i) => (i >= 20 && i < 24 ? 1 : 0)));
    model.dispose();
  });

  it('saves to model.json (class_name LSTM, two_biases true, bias [2, 4H]) and loads back with the same predictions', async () => {
    const model = buildModel(compile(DOC({ units: 5, twoBiases: true, recurrentInitializer: 'glorotUniform' }, true)).ir!);
    model.setWeights(model.getWeights().map((w, i) => tf.randomNormal(w.shape, 0, 0.5, 'float32', i)));
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    expect(JSON.stringify(artifacts!.modelTopology).match(/"two_biases":true/g)).toHaveLength(1); // the backward copy is re-created from it
    expect(artifacts!.weightSpecs!.filter((s) => s.name.endsWith('lstm/bias') || s.name.endsWith('_lstm/bias')).map((s) => s.shape)).toEqual([[2, 20], [2, 20]]);
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
    const x = tf.randomNormal([2, T, 3], 0, 1, 'float32', 5);
    expect(maxDiff((model.predict(x) as tf.Tensor).arraySync(), (loaded.predict(x) as tf.Tensor).arraySync())).toBeLessThan(1e-6);
    model.dispose();
    loaded.dispose();
  });
});

describe('rnn-studio train', () => {
  it('trains both bias rows of a two-bias LSTM (wasm, the default engine): each moves, and by the same steps', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rnn-two-bias-'));
    const preset = JSON.parse(readFileSync(join(ROOT, 'presets/adding-lstm.json'), 'utf8'));
    const lstm = preset.graph.nodes.find((n: { data: { kind: string } }) => n.data.kind === 'LSTM');
    lstm.data.params = { ...lstm.data.params, units: 8, twoBiases: true };
    const graph = join(dir, 'graph.json');
    writeFileSync(graph, JSON.stringify(preset));
    const out = join(dir, 'out');
    const r = JSON.parse(execFileSync('node', [join(ROOT, 'bin/rnn-studio.mjs'), 'train', graph, '--seq-len', '10', '--steps', '5', '--eval-every', '100', '--json', '--out', out], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
    expect(r).toMatchObject({ status: 'done', backend: 'wasm' });
    const manifest = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')).weightsManifest[0].weights as { name: string; shape: number[] }[];
    const bytes = readFileSync(join(out, 'weights.bin'));
    let offset = 0;
    const values = new Map(manifest.map((w) => {
      const n = w.shape.reduce((p, d) => p * d, 1);
      const v = new Float32Array(bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + 4 * n));
      offset += 4 * n;
      return [w.name, { shape: w.shape, v }];
    }));
    const bias = [...values].find(([name]) => name.endsWith('/bias') && values.has(name.replace(/bias$/, 'recurrent_kernel')))![1];
    expect(bias.shape).toEqual([2, 32]);
    // Initial: b_x = 0, b_h = 0 except its forget block (1). Adam sees equal gradients for the rows: equal steps.
    const stepX = Array.from(bias.v.slice(0, 32));
    const stepH = Array.from(bias.v.slice(32), (v, i) => v - (i >= 8 && i < 16 ? 1 : 0));
    expect(Math.max(...stepX.map(Math.abs))).toBeGreaterThan(1e-4);
    expect(Math.max(...stepX.map((s, i) => Math.abs(s - stepH[i])))).toBeLessThan(1e-6);
  });
});
