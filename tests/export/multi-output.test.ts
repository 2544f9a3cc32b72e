/**
 * A model with two outputs, exported: `rnn-studio predict --json` prints a list of the outputs in the model's order,
 * and the PyTorch export's `predict.py` and the TF.js export's `predict.mjs` print the same list, each output within
 * 1e-5 (PyTorch via /usr/bin/python3 with torch); the Keras model names both outputs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from '../../src/graph/index.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { cli, maxAbsDiff, predictEverywhere, scratchDir, writeGraph } from './helpers.ts';

beforeAll(async () => {
  await initTfNode('cpu');
});

const doc = () => {
  const r = parseDocument(readFileSync(new URL('../fixtures/two-heads.json', import.meta.url), 'utf8'));
  if (!r.ok) throw new Error(r.error);
  return r.doc;
};

describe('export of a model with two outputs', () => {
  it('PyTorch and TF.js predict print both outputs, each equal to rnn-studio predict (max |Δ| ≤ 1e-5)', async () => {
    // Three rows of 6 steps × 2 features.
    const x = { dtype: 'float32' as const, shape: [3, 6, 2], data: Array.from({ length: 36 }, (_, i) => Math.round(Math.sin(i * 1.7) * 1000) / 1000) };
    const { app, exports } = await predictEverywhere(doc(), 'multi-output', 77, x);
    expect(app.map((o) => o.shape)).toEqual([[3, 1], [3, 2]]);
    // The softmax head's rows sum to 1; the rows differ (the weights move the output).
    for (let b = 0; b < 3; b++) expect(app[1].data[2 * b] + app[1].data[2 * b + 1]).toBeCloseTo(1, 6);
    expect(Math.abs(app[0].data[0] - app[0].data[1])).toBeGreaterThan(1e-3);

    for (const [format, theirs] of Object.entries(exports)) {
      expect(theirs, format).toHaveLength(2);
      theirs.forEach((t, k) => expect(maxAbsDiff(app[k], t), `${format} output ${k + 1}`).toBeLessThanOrEqual(1e-5));
    }
  });

  it('the Keras model lists both outputs; predict without --json names each output', async () => {
    const dir = scratchDir('multi-output-keras');
    const graph = writeGraph(doc(), join(dir, 'graph.json'));
    const r = await cli(['export', graph, '--format', 'keras', '--out', join(dir, 'keras')]);
    expect(r.code, r.err).toBe(0);
    expect(readFileSync(join(dir, 'keras', 'model.py'), 'utf8')).toContain('outputs=[dense, dense_1], name="rnn_studio")');
    const x = join(dir, 'x.json');
    writeFileSync(x, JSON.stringify({ dtype: 'float32', shape: [1, 3, 2], data: [0.1, 1, 0.5, 0, 0.9, 1] }));
    const p = await cli(['predict', graph, '--input', x]);
    expect(p.code, p.err).toBe(0);
    expect(p.out).toMatch(/^output 1 of 2, shape \[1, 1\] \(weights: [^)]+\)\n-?\d+\.\d{6}\noutput 2 of 2, shape \[1, 2\]/);
  });
});
