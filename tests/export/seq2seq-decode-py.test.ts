/**
 * Same tokens everywhere (issue 20): a pair-task model trained briefly (seeded) decodes 100 test-split sources greedily
 * with the app's runtime (`decodeOne`), with `rnn-studio predict --decode -` and with the PyTorch export's
 * `decode.py` under /usr/bin/python3; the three give the same tokens for every source, and beam search (width 3)
 * agrees between the app and decode.py too. The models: Keras's lstm_seq2seq shape and the spelling-to-sound
 * attention preset at small size (BiLSTM encoder, AdditiveAttention with its scale over the masked encoder outputs),
 * both on CMUdict; a dot-product Attention with use_scale and a TimeDistributed(Dense) head on reversal; and the
 * one-Input addition_rnn preset (RepeatVector, TimeDistributed(Dense)), whose steps are read off one prediction.
 * The Keras decode.py cannot run here (no Keras); it is read against Keras's source in
 * tests/codegen/keras-conformance.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { GraphDoc, Params } from '../../src/graph/index.ts';
import { loadTask, START, type PairDataset } from '../../src/datasets/index.ts';
import { planRun } from '../../src/datasets/plan.ts';
import { buildModel } from '../../src/runtime/build.ts';
import { modelFiles } from '../../src/runtime/save.ts';
import { buildInference, decodeOne } from '../../src/runtime/seq2seq.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { Trainer } from '../../src/runtime/train.ts';
import { dotScaledTimeDistributed, seq2seqDoc } from '../fixtures/seq2seq.ts';
import { presetDoc, PYTHON, ROOT, scratchDir, writeGraph } from './helpers.ts';

const WORDS = 100;
const BEAM_WORDS = 20;

/** Trains `doc` for `steps` seeded steps, then decodes 100 test sources with the app, the CLI and decode.py. */
async function sameTokens(name: string, doc: GraphDoc, steps: number, minDistinct: number): Promise<void> {
  expect(await initTfNode('wasm')).toBe('wasm');
  await loadTask(doc.training!.task);
  const dir = scratchDir(`seq2seq-decode-py-${name}`);
  const plan = planRun(doc);
  if (!plan.ok) throw new Error(plan.error);
  const ds = plan.ds as PairDataset;
  const model = buildModel(plan.ir);
  const trainer = new Trainer(model, ds, plan.fit, { optimizer: 'adam', learningRate: 0.01, batchSize: 32, epochs: 1, steps, clipNorm: 1, seed: 7, evalEvery: steps, maxValSamples: 32 }, plan.ir);
  const run = await trainer.run();
  trainer.dispose();
  expect(run.status).toBe('done');

  const graph = writeGraph(doc, join(dir, 'graph.json'));
  const weights = join(dir, 'weights');
  mkdirSync(weights, { recursive: true });
  const files = await modelFiles(model);
  writeFileSync(join(weights, 'model.json'), files.modelJson);
  writeFileSync(join(weights, 'weights.bin'), Buffer.from(files.weights));

  // 100 sources of the test split (addition has none: the validation split), spread over it.
  const [from, size] = ds.testSize ? [ds.trainSize + ds.valSize, ds.testSize] : [ds.trainSize, ds.valSize];
  const words = Array.from({ length: WORDS }, (_, k) => ds.show(from + Math.floor((k * size) / WORDS)).input);
  const inf = buildInference(model, plan.ir);
  const app = words.map((w) => decodeOne(inf, ds.encode!(w), ds.maxTargetLen));
  const appBeam = words.slice(0, BEAM_WORDS).map((w) => decodeOne(inf, ds.encode!(w), ds.maxTargetLen, { beam: 3 }));
  // Sources with padding (id 0) at the end, which typed words never have: the masks of padded source positions.
  const padded = words.slice(0, BEAM_WORDS).map((w) => [...ds.encode!(w), 0, 0, 0]);
  const appPadded = padded.map((ids) => ({ tokens: decodeOne(inf, ids, ds.maxTargetLen), first: Array.from(inf.step(inf.encode(ids), START).logProbs) }));
  model.dispose();

  // The model says something source-dependent: different sources get different outputs.
  expect(new Set(app.map((t) => t.join(' '))).size).toBeGreaterThan(minDistinct);
  const cli = execFileSync('node', [join(ROOT, 'bin/rnn-studio.mjs'), 'predict', graph, '--weights', weights, '--decode', '-', '--json'], { input: words.join('\n'), encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] })
    .trim().split('\n').map((l) => JSON.parse(l) as { source: string; tokens: number[] });
  expect(cli.map((r) => r.source)).toEqual(words);
  expect(cli.map((r) => r.tokens)).toEqual(app);

  const out = join(dir, 'pytorch');
  execFileSync('node', [join(ROOT, 'bin/rnn-studio.mjs'), 'export', graph, '--weights', weights, '--format', 'pytorch', '--out', out], { stdio: 'pipe' });
  const py = (args: string[], input: string[]) => execFileSync(PYTHON, [join(out, 'decode.py'), ...args, '--json'], { input: input.join('\n'), encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] })
    .trim().split('\n').map((l) => JSON.parse(l) as { source: string; tokens: number[]; output: string });
  const torch = py([], words);
  expect(torch.map((r) => r.tokens)).toEqual(app);
  // decode.py shows what the app shows.
  expect(torch.map((r) => r.output)).toEqual(app.map((t) => ds.showTarget(t)));
  expect(py(['--beam', '3'], words.slice(0, BEAM_WORDS)).map((r) => r.tokens)).toEqual(appBeam);
  // decode.py's own encode, step and greedy search on the padded ids: the same tokens, and the first step's log p
  // within float32 rounding (a missing mask moves it further: the padded steps would take part of the attention).
  const driver = `import json, sys\nsys.path.insert(0, sys.argv[1])\nimport decode\nvocab = json.load(open(sys.argv[1] + "/vocab.json"))\nloaded = decode.load(sys.argv[1])\n` +
    'for ids in json.loads(sys.stdin.read()):\n    t = decode.greedy(loaded, decode.encode(loaded, ids, vocab), vocab)\n' +
    '    first = decode.step(loaded, decode.encode(loaded, ids, vocab), vocab["start"])[0]\n' +
    '    print(json.dumps({"tokens": t[:-1] if t and t[-1] == vocab["end"] else t, "first": [float(x) for x in first]}))\n';
  const torchPadded = execFileSync(PYTHON, ['-c', driver, out], { input: JSON.stringify(padded), encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] })
    .trim().split('\n').map((l) => JSON.parse(l) as { tokens: number[]; first: number[] });
  expect(torchPadded.map((r) => r.tokens)).toEqual(appPadded.map((r) => r.tokens));
  const firstDiff = Math.max(...torchPadded.flatMap((r, i) => r.first.map((x, v) => Math.abs(Math.max(x, -30) - Math.max(appPadded[i].first[v], -30)))));
  expect(firstDiff).toBeLessThan(1e-4);
}

it(`lstm_seq2seq shape, greedy tokens of ${WORDS} CMUdict test words: the app, the CLI and the PyTorch decode.py agree`, async () => {
  await sameTokens('lstm', seq2seqDoc({ source: 28, target: 72, embed: 16, units: 64, task: 'cmudict', seed: 7 }), 150, 10);
}, 600_000);

it(`spelling-to-sound attention preset (small), greedy tokens of ${WORDS} CMUdict test words: the app, the CLI and the PyTorch decode.py agree`, async () => {
  await sameTokens('g2p-attention', smaller(presetDoc('g2p-attention'), { bi_encoder_lstm: 16, encoder: 32, decoder: 32 }), 100, 10);
}, 600_000);

it(`dot-product Attention with use_scale and a TimeDistributed(Dense) head, ${WORDS} reversal test sequences: the app, the CLI and the PyTorch decode.py agree`, async () => {
  await sameTokens('reversal-dot-td', dotScaledTimeDistributed(presetDoc('reversal-attention')), 60, 10);
}, 600_000);

it(`one-Input addition_rnn preset, ${WORDS} validation sums: the app, the CLI and the PyTorch decode.py agree`, async () => {
  await sameTokens('addition-rnn', smaller(presetDoc('addition-rnn'), { n3: 32, n5: 32 }), 600, 10);
}, 600_000);

/** The doc with the given layers' units set (and its embeddings at 8 wide), to keep training quick. */
function smaller(doc: GraphDoc, units: Record<string, number>): GraphDoc {
  return {
    ...doc,
    nodes: doc.nodes.map((n) => {
      const p = n.data.params ?? {};
      const set: Params | null = n.id in units ? { units: units[n.id] } : n.data.kind === 'Embedding' ? { outputDim: 8 } : null;
      return set ? { ...n, data: { ...n.data, params: { ...p, ...set } } } : n;
    }),
  };
}
