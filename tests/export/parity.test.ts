/**
 * For every preset, with seeded random weights: `rnn-studio predict` (the app's TF.js model) equals the PyTorch
 * export's `predict.py` and the TF.js export's `predict.mjs` to 1e-5, on a batch that holds an unpadded row, a
 * left-padded row and a right-padded row (padding id 0 is masked where the Embedding masks zeros). Two extra graphs
 * cover the forms no preset uses.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GraphDoc } from '../../src/graph/index.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { cli, COVERAGE, fastInit, irOf, maxAbsDiff, PRESETS, presetDoc, rng, runNode, runPython, scratchDir, writeGraph, writeRandomWeights, type Out } from './helpers.ts';

beforeAll(async () => {
  await initTfNode('cpu');
});

const T = 7;

/**
 * Rows: full, left-padded (2 pads), right-padded (3 pads). Token presets pad with id 0; feature presets with zeros.
 * A model with several Inputs gets a list, one tensor per Input in order (the decoder's a step shorter).
 */
function inputFor(doc: GraphDoc, seed: number) {
  const inputs = irOf(doc).layers.filter((l) => l.kind === 'Input');
  const xs = inputs.map((inp, k) => tensorFor(inp.params, seed + k, T - k));
  return xs.length === 1 ? xs[0] : xs;
}

function tensorFor(params: Record<string, unknown>, seed: number, T: number) {
  const inp = { params };
  const next = rng(seed);
  const pads = [[0, 0], [2, 0], [0, 3]];
  if (inp.params.inputType === 'tokens') {
    const V = Math.min(inp.params.vocabSize as number, 60);
    const data = pads.flatMap(([l, r]) => Array.from({ length: T }, (_, t) => (t < l || t >= T - r ? 0 : 1 + Math.floor(next() * (V - 1)))));
    return { dtype: 'int32', shape: [3, T], data };
  }
  const F = inp.params.features as number;
  const data = pads.flatMap(([l, r]) => Array.from({ length: T * F }, (_, i) => {
    const t = Math.floor(i / F);
    return t < l || t >= T - r ? 0 : Math.round((2 * next() - 1) * 1000) / 1000;
  }));
  return { dtype: 'float32', shape: [3, T, F], data };
}

const CASES: [string, () => GraphDoc][] = [
  ...PRESETS.map((p): [string, () => GraphDoc] => [p, () => fastInit(presetDoc(p))]),
  ...Object.entries(COVERAGE).map(([name, doc]): [string, () => GraphDoc] => [name, () => doc]),
];

describe.each(CASES)('export parity: %s', (name, makeDoc) => {
  it('PyTorch predict.py and TF.js predict.mjs reproduce rnn-studio predict (max |Δ| ≤ 1e-5)', async () => {
    const dir = scratchDir(`parity-${name}`);
    const doc = makeDoc();
    const graph = writeGraph(doc, join(dir, 'graph.json'));
    const weights = join(dir, 'weights');
    await writeRandomWeights(doc, weights, 1234);
    // The Keras loader sets each layer's weights in manifest order: that order must be Keras's get_weights order.
    const names: string[] = JSON.parse(readFileSync(join(weights, 'model.json'), 'utf8')).weightsManifest.flatMap((g: { weights: { name: string }[] }) => g.weights.map((w) => w.name));
    const byLayer = new Map<string, string[]>();
    for (const n of names) byLayer.set(n.split('/')[0], [...(byLayer.get(n.split('/')[0]) ?? []), n.split('/').slice(1).join('/')]);
    for (const [layer, own] of byLayer) {
      const rnn = (prefix: string) => [`${prefix}kernel`, `${prefix}recurrent_kernel`, `${prefix}bias`].filter((w) => own.includes(w));
      const inner = own[0].includes('/') ? own[0].split('/')[0].replace(/^forward_/, '') : null;
      const expected = inner ? [...rnn(`forward_${inner}/`), ...rnn(`backward_${inner}/`)] : own[0] === 'embeddings' ? ['embeddings'] : own.includes('recurrent_kernel') ? rnn('') : ['kernel', 'bias'].filter((w) => own.includes(w));
      expect(own, layer).toEqual(expected);
    }
    const x = join(dir, 'x.json');
    writeFileSync(x, JSON.stringify(inputFor(doc, 99)));

    const ours = await cli(['predict', graph, '--weights', weights, '--input', x, '--json']);
    expect(ours.code, ours.err).toBe(0);
    const app: Out = JSON.parse(ours.out);
    // Non-degenerate: the three rows differ, so masking and padding really move the output.
    const row = app.data.length / 3;
    const rows = [0, 1, 2].map((i) => app.data.slice(i * row, (i + 1) * row));
    expect(Math.max(...rows[0].map((v, i) => Math.abs(v - rows[1][i])))).toBeGreaterThan(1e-3);
    expect(Math.max(...rows[0].map((v, i) => Math.abs(v - rows[2][i])))).toBeGreaterThan(1e-3);

    const measured: Record<string, number> = {};
    for (const format of ['pytorch', 'tfjs'] as const) {
      const out = join(dir, format);
      const r = await cli(['export', graph, '--format', format, '--weights', weights, '--out', out]);
      expect(r.code, r.err).toBe(0);
      const theirs = format === 'pytorch' ? runPython(join(out, 'predict.py'), ['--input', x]) : runNode(join(out, 'predict.mjs'), ['--input', x]);
      const d = maxAbsDiff(app, theirs);
      expect(d, `${format} max |Δ|`).toBeLessThanOrEqual(1e-5);
      measured[format] = d;
    }
    // The measured differences, for docs/export.md.
    writeFileSync(join(dir, 'measured.json'), JSON.stringify(measured));
  });
});
