/**
 * For every preset, with seeded random weights: `rnn-studio predict` (the app's TF.js model) equals the PyTorch
 * export's `predict.py` and the TF.js export's `predict.mjs` to 1e-5, on a batch that holds an unpadded row, a
 * left-padded row and a right-padded row (padding id 0 is masked where the Embedding masks zeros).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { cli, fastInit, irOf, maxAbsDiff, PRESETS, presetDoc, rng, runNode, runPython, scratchDir, writeGraph, writeRandomWeights, type Out } from './helpers.ts';

beforeAll(async () => {
  await initTfNode('cpu');
});

const T = 7;

/** Rows: full, left-padded (2 pads), right-padded (3 pads). Token presets pad with id 0; feature presets with zeros. */
function inputFor(doc: ReturnType<typeof presetDoc>, seed: number) {
  const ir = irOf(doc);
  const inp = ir.layers.find((l) => l.kind === 'Input')!;
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

describe.each(PRESETS)('export parity: %s', (preset) => {
  it('PyTorch predict.py and TF.js predict.mjs reproduce rnn-studio predict (max |Δ| ≤ 1e-5)', async () => {
    const dir = scratchDir(`parity-${preset}`);
    const doc = fastInit(presetDoc(preset));
    const graph = writeGraph(doc, join(dir, 'graph.json'));
    const weights = join(dir, 'weights');
    await writeRandomWeights(doc, weights, 1234);
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
