/**
 * `rnn-studio probe --connectivity --json` on graphs nobody has seen: seeded random chains (token or float input,
 * masked or not, one or two recurrent layers of random kinds and gate activations, Bidirectional with a random
 * merge, per-step or last-step heads with softmax, sigmoid or linear activations) with random weights. Each is
 * exported to PyTorch, and an independent float64 autograd computation on the export gives ‖∂ logit_{y*}(t̃)/∂x_t‖₂
 * per output step; the CLI's matrix must equal it within 1e-4 of each row's largest entry.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { identifiers } from '../../src/codegen/escape.ts';
import { chainDoc, type ChainStep, type GraphDoc } from '../../src/graph/index.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { cli, irOf, PYTHON, rng, scratchDir, writeGraph, writeRandomWeights } from './helpers.ts';
import { execFileSync } from 'node:child_process';

const T = 6;
const B = 2;

/** A random graph from `seed`, and what the Python side needs to find x_t and the logits. */
function randomGraph(seed: number) {
  const next = rng(seed);
  const pick = <V>(xs: readonly V[]): V => xs[Math.floor(next() * xs.length)];
  const tokens = next() < 0.5;
  const steps: ChainStep[] = [tokens ? ['Input', { inputType: 'tokens', vocabSize: 12, length: 0 }] : ['Input', { inputType: 'features', features: 3, length: 0 }]];
  const masked = tokens && next() < 0.6;
  if (tokens) steps.push(['Embedding', { inputDim: 12, outputDim: 3, maskZero: masked }]);
  const layers = next() < 0.4 ? 2 : 1;
  const perStep = next() < 0.5;
  for (let i = 0; i < layers; i++) {
    const p = { units: 2 + Math.floor(next() * 4), returnSequences: i < layers - 1 || perStep, recurrentInitializer: 'glorotUniform',
      recurrentActivation: pick(['sigmoid', 'hardSigmoid']) };
    const kind = pick(['SimpleRNN', 'LSTM', 'GRU'] as const);
    const params = kind === 'SimpleRNN' ? { units: p.units, returnSequences: p.returnSequences, recurrentInitializer: p.recurrentInitializer } : p;
    steps.push(next() < 0.35 ? ['Bidirectional', { mergeMode: pick(['concat', 'sum', 'ave', 'mul']) }, [kind, params]] : [kind, params]);
  }
  const head = pick(['softmax', 'sigmoid', 'linear'] as const);
  steps.push(['Dense', { units: head === 'sigmoid' ? 1 : 3, activation: head }]);
  const doc: GraphDoc = { ...chainDoc(steps), training: { seed } };
  const ir = irOf(doc);
  const names = identifiers(ir);
  const embedding = ir.layers.find((l) => l.kind === 'Embedding');
  return {
    doc, tokens, masked, perStep, head,
    summary: steps.map((s) => (s[0] === 'Bidirectional' ? `Bi(${String(s[2]?.[0])}, ${String(s[1]?.mergeMode)})` : s[0])).join(' → ') + (masked ? ' (masked)' : ''),
    embeddingAttr: embedding ? names.get(embedding.id)! : null,
    headAttr: names.get(ir.outputs[0])!,
  };
}

/** The independent computation: the PyTorch export in float64, autograd through a leaf put in place of x_t. */
const SCRIPT = String.raw`
import json, sys
import torch
args = json.loads(sys.argv[1])
sys.path.insert(0, args["dir"])
from model import Model
from tfjs_weights import read_tfjs_weights
from tensor_json import read_tensor
torch.set_default_dtype(torch.float64)
m = Model()
m.load_tfjs(read_tfjs_weights(args["dir"]))
m = m.double().eval()
x = torch.from_numpy(read_tensor(args["input"]))[args["example"]:args["example"] + 1]
seen = {}
if x.is_floating_point():
    x = x.double().requires_grad_()
    seen["x"] = x
else:
    x = x.long()
    def leaf(mod, inp, out):
        e = out.detach().requires_grad_()
        seen["x"] = e
        return e
    getattr(m, args["embedding"]).register_forward_hook(leaf)
if args["logitsFromHead"]:
    getattr(m, args["head"]).register_forward_hook(lambda mod, inp, out: seen.__setitem__("logits", out))
y = m(x)
logits = seen.get("logits", y)
steps = range(logits.shape[1]) if logits.dim() == 3 else [None]
rows, predicted = [], []
for s in steps:
    z = logits[0, s] if s is not None else logits[0]
    c = int(torch.argmax(z))
    g, = torch.autograd.grad(z[c], seen["x"], retain_graph=True)
    rows.append(torch.linalg.vector_norm(g[0], dim=-1).tolist())
    predicted.append(c)
print(json.dumps({"rows": rows, "predicted": predicted}))
`;

beforeAll(async () => {
  await initTfNode('cpu');
});

const SEEDS = Array.from({ length: 10 }, (_, i) => 1301 + i);

describe('probe --connectivity equals PyTorch float64 autograd on the export (≤ 1e-4 of the row max)', () => {
  it.each(SEEDS)('random graph %i', async (seed) => {
    const g = randomGraph(seed);
    const dir = scratchDir(`connectivity-${seed}`);
    const graph = writeGraph(g.doc, join(dir, 'graph.json'));
    await writeRandomWeights(g.doc, join(dir, 'weights'), seed, 0.8);
    const exp = await cli(['export', graph, '--format', 'pytorch', '--weights', join(dir, 'weights'), '--out', join(dir, 'torch')]);
    expect(exp.code, exp.err).toBe(0);
    // Example 1 is left-padded when tokens are masked: its first two steps are padding.
    const next = rng(seed + 7);
    const x = g.tokens
      ? { dtype: 'int32', shape: [B, T], data: Array.from({ length: B * T }, (_, i) => (g.masked && i >= T && i < T + 2 ? 0 : 1 + Math.floor(next() * 11))) }
      : { dtype: 'float32', shape: [B, T, 3], data: Array.from({ length: B * T * 3 }, () => Math.round((2 * next() - 1) * 1000) / 1000) };
    const C = g.head === 'sigmoid' ? 1 : 3;
    const y = g.head === 'softmax'
      ? { dtype: 'int32', shape: g.perStep ? [B, T] : [B], data: new Array(g.perStep ? B * T : B).fill(0) }
      : { dtype: 'float32', shape: g.perStep ? [B, T, C] : [B, C], data: new Array(B * (g.perStep ? T : 1) * C).fill(0) };
    writeFileSync(join(dir, 'x.json'), JSON.stringify(x));
    writeFileSync(join(dir, 'y.json'), JSON.stringify(y));
    const r = await cli(['probe', graph, '--weights', join(dir, 'weights'), '--input', join(dir, 'x.json'), '--target', join(dir, 'y.json'),
      '--connectivity', '--example', '1', '--backend', 'cpu', '--json']);
    expect(r.code, r.err).toBe(0);
    const ours = JSON.parse(r.out).outputs[0] as { rows: number[]; predicted: number[]; connectivity: number[][]; example: number };
    expect(ours.example).toBe(1);
    const torch = JSON.parse(execFileSync(PYTHON, ['-c', SCRIPT, JSON.stringify({
      dir: join(dir, 'torch'), input: join(dir, 'x.json'), example: 1, embedding: g.embeddingAttr, head: g.headAttr,
      logitsFromHead: g.head !== 'linear',
    })], { encoding: 'utf8' })) as { rows: number[][]; predicted: number[] };
    expect(ours.rows, g.summary).toEqual(g.perStep ? Array.from({ length: T }, (_, t) => t) : [T - 1]);
    expect(ours.predicted, g.summary).toEqual(torch.predicted);
    let worst = 0;
    ours.connectivity.forEach((row, i) => {
      const ref = torch.rows[i];
      expect(row).toHaveLength(T);
      const scale = Math.max(...ref);
      if (scale === 0) expect(Math.max(...row)).toBe(0);
      else worst = Math.max(worst, ...row.map((v, t) => Math.abs(v - ref[t]) / scale));
    });
    expect(worst, g.summary).toBeLessThanOrEqual(1e-4);
    expect(torch.rows.flat().some((v) => v > 1e-3), 'a graph whose connectivity is not all zero').toBe(true);
  });
});
