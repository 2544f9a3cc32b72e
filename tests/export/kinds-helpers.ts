/**
 * For the layer kinds' own export tests: a graph with seeded random weights runs through `rnn-studio predict`, the
 * PyTorch export's predict.py and the TF.js export's predict.mjs, and optionally through a float64 numpy reference
 * written from Keras's formulas (a Python snippet given the weights `w` {name: array} and the input `x`).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { GraphDoc } from '../../src/graph/index.ts';
import { cli, maxAbsDiff, PYTHON, rng, runNode, runPython, scratchDir, writeGraph, writeRandomWeights, type Out } from './helpers.ts';

export interface Parity {
  app: Out;
  /** max |Δ| of each target (and the numpy reference) against `rnn-studio predict`. */
  diffs: Record<string, number>;
}

/** A float input [B, T, F] in [-1, 1] (rounded to 1e-3), or token ids [B, T] in [0, V) with padding rows. */
export function inputOf(shape: number[], seed: number, vocab?: number) {
  const next = rng(seed);
  const n = shape.reduce((a, d) => a * d, 1);
  if (vocab !== undefined) {
    const [B, T] = shape;
    // Row b is left-padded by b steps: id 0 at t < b.
    return { dtype: 'int32', shape, data: Array.from({ length: n }, (_, i) => (i % T < Math.floor(i / T) % B ? 0 : 1 + Math.floor(next() * (vocab - 1)))) };
  }
  return { dtype: 'float32', shape, data: Array.from({ length: n }, () => Math.round((2 * next() - 1) * 1000) / 1000) };
}

/**
 * Runs the model every way; `reference` is Python that sets `y` from `w` and `x` (float64 numpy). A model with several
 * Inputs takes a list of tensors, and `x` is then the list of numpy arrays.
 */
export async function parity(name: string, doc: GraphDoc, x: ReturnType<typeof inputOf> | ReturnType<typeof inputOf>[], reference?: string): Promise<Parity> {
  const dir = scratchDir(`kinds-${name}`);
  const graph = writeGraph(doc, join(dir, 'graph.json'));
  const weights = join(dir, 'weights');
  await writeRandomWeights(doc, weights, 1234);
  const xPath = join(dir, 'x.json');
  writeFileSync(xPath, JSON.stringify(x));
  const ours = await cli(['predict', graph, '--weights', weights, '--input', xPath, '--json']);
  expect(ours.code, ours.err).toBe(0);
  const app: Out = JSON.parse(ours.out);
  const diffs: Record<string, number> = {};
  for (const format of ['pytorch', 'tfjs'] as const) {
    const out = join(dir, format);
    const r = await cli(['export', graph, '--format', format, '--weights', weights, '--out', out]);
    expect(r.code, r.err).toBe(0);
    diffs[format] = maxAbsDiff(app, format === 'pytorch' ? runPython(join(out, 'predict.py'), ['--input', xPath]) : runNode(join(out, 'predict.mjs'), ['--input', xPath]));
  }
  if (reference) {
    const script = join(dir, 'reference.py');
    writeFileSync(script, `import json, sys
import numpy as np
sys.path.insert(0, ${JSON.stringify(join(dir, 'pytorch'))})
from tfjs_weights import read_tfjs_weights
w = {k: v.astype(np.float64) for k, v in read_tfjs_weights(${JSON.stringify(weights)}).items()}
arr = lambda s: np.array(s["data"], dtype=np.float64 if s["dtype"] == "float32" else np.int64).reshape(s["shape"])
spec = json.load(open(${JSON.stringify(xPath)}))
x = [arr(s) for s in spec] if isinstance(spec, list) else arr(spec)
${reference}
print(json.dumps({"shape": list(y.shape), "data": [float(v) for v in y.reshape(-1)]}))
`);
    diffs.reference = maxAbsDiff(app, JSON.parse(execFileSync(PYTHON, [script], { encoding: 'utf8' })));
  }
  return { app, diffs };
}
