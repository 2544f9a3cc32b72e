/**
 * Must-show of issue 12 for the reset-after GRU (plain, masked, Bidirectional): `rnn-studio predict` equals the
 * PyTorch export's predict.py, which uses nn.GRU, and Keras's GRU math (reset_after=True) in float64 numpy
 * (tests/export/keras_gru_numpy.py), each within 1e-5; the TF.js export's predict.mjs (stock TF.js plus the exported
 * gru_layer.mjs) also agrees. Inputs hold an unpadded, a left-padded and a right-padded row.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { chainDoc, type ChainStep } from '../../src/graph/index.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { cli, maxAbsDiff, PYTHON, rng, runNode, runPython, scratchDir, writeGraph, writeRandomWeights, type Out } from './helpers.ts';

beforeAll(async () => {
  await initTfNode('cpu');
});

const T = 7;
const tokens: ChainStep = ['Input', { inputType: 'tokens', vocabSize: 30, length: 0 }];
const emb: ChainStep = ['Embedding', { inputDim: 30, outputDim: 4, maskZero: true }];
const gru = { units: 5, recurrentInitializer: 'glorotUniform' };
const GRAPHS: [string, ChainStep[], boolean][] = [
  ['plain', [['Input', { inputType: 'features', features: 3, length: 0 }], ['GRU', gru], ['Dense', { units: 2, activation: 'linear' }]], false],
  ['masked', [tokens, emb, ['GRU', gru], ['Dense', { units: 3, activation: 'softmax' }]], true],
  ['bidirectional', [tokens, emb, ['Bidirectional', { mergeMode: 'concat' }, ['GRU', gru]], ['Dense', { units: 3, activation: 'softmax' }]], true],
];

function input(masked: boolean) {
  const next = rng(5);
  const pads = [[0, 0], [2, 0], [0, 3]];
  if (masked) return { dtype: 'int32', shape: [3, T], data: pads.flatMap(([l, r]) => Array.from({ length: T }, (_, t) => (t < l || t >= T - r ? 0 : 1 + Math.floor(next() * 29)))) };
  return { dtype: 'float32', shape: [3, T, 3], data: Array.from({ length: 3 * T * 3 }, () => Math.round((2 * next() - 1) * 1000) / 1000) };
}

describe.each(GRAPHS)('reset-after GRU, %s', (name, steps, masked) => {
  it('rnn-studio predict = PyTorch nn.GRU predict.py = Keras float64 numpy (= TF.js export), max |Δ| ≤ 1e-5', async () => {
    const dir = scratchDir(`gru-reset-after-${name}`);
    const doc = chainDoc(steps);
    expect(doc.nodes.filter((n) => n.data.kind === 'GRU').map((n) => n.data.params.resetAfter)).toEqual([undefined]); // the default
    const graph = writeGraph(doc, join(dir, 'graph.json'));
    const weights = join(dir, 'weights');
    await writeRandomWeights(doc, weights, 4321);
    // Keras's layout: the GRU bias is [2, 3H] (input row, recurrent row).
    const specs: { name: string; shape: number[] }[] = JSON.parse(readFileSync(join(weights, 'model.json'), 'utf8')).weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights);
    expect(specs.filter((w) => w.name.endsWith('/bias') && specs.some((k) => k.name === w.name.replace(/bias$/, 'recurrent_kernel'))).map((w) => w.shape))
      .toEqual(Array(name === 'bidirectional' ? 2 : 1).fill([2, 15]));
    const x = join(dir, 'x.json');
    writeFileSync(x, JSON.stringify(input(masked)));
    const ours = await cli(['predict', graph, '--weights', weights, '--input', x, '--json']);
    expect(ours.code, ours.err).toBe(0);
    const app: Out = JSON.parse(ours.out);
    const row = app.data.length / 3;
    expect(Math.max(...app.data.slice(0, row).map((v, i) => Math.abs(v - app.data[row + i])))).toBeGreaterThan(1e-3);

    const measured: Record<string, number> = {};
    for (const format of ['pytorch', 'tfjs'] as const) {
      const out = join(dir, format);
      const r = await cli(['export', graph, '--format', format, '--weights', weights, '--out', out]);
      expect(r.code, r.err).toBe(0);
      if (format === 'pytorch') {
        const model = readFileSync(join(out, 'model.py'), 'utf8');
        expect(model).toMatch(/Recurrent\(nn\.GRU\(/);
        expect(model).not.toMatch(/LoopRNN\(/);
        // The recurrent bias row is a real parameter of the reset-after GRU: trained (nn.GRU and LoopRNN alike),
        // while nn.LSTM's extra bias_hh stays frozen at zero.
        const check = `import sys, torch; sys.path.insert(0, ${JSON.stringify(out)})
from model import Model
from rnn_layers import LoopRNN, init_recurrent
m = Model(); m.init_weights()
loop = LoopRNN("GRU", 3, 4, reset_after=True, recurrent_activation="hardSigmoid"); lstm = torch.nn.LSTM(3, 4)
with torch.no_grad():
    init_recurrent(loop, "glorotUniform", "orthogonal"); init_recurrent(lstm, "glorotUniform", "orthogonal")
print([p.requires_grad for n, p in m.named_parameters() if "bias_hh" in n], loop.bias_hh_l0.requires_grad, lstm.bias_hh_l0.requires_grad)`;
        expect(execFileSync(PYTHON, ['-c', check], { encoding: 'utf8' }).trim()).toBe(`[${Array(name === 'bidirectional' ? 2 : 1).fill('True').join(', ')}] True False`);
      } else expect(readFileSync(join(out, 'model.mjs'), 'utf8')).toContain("import { withGru } from './gru_layer.mjs';");
      const theirs = format === 'pytorch' ? runPython(join(out, 'predict.py'), ['--input', x]) : runNode(join(out, 'predict.mjs'), ['--input', x]);
      measured[format] = maxAbsDiff(app, theirs);
    }
    measured.numpy = maxAbsDiff(app, runPython(new URL('./keras_gru_numpy.py', import.meta.url).pathname, [weights, x, name === 'plain' ? 'linear' : 'softmax', ...(masked ? ['masked'] : [])]));
    for (const [k, d] of Object.entries(measured)) expect(d, `${k} max |Δ|`).toBeLessThanOrEqual(1e-5);
    writeFileSync(join(dir, 'measured.json'), JSON.stringify(measured));
  });
});
