/**
 * Same tokens everywhere (issue 20): an encoder–decoder trained briefly on spelling to sound (CMUdict, seeded) decodes
 * 100 test-split words greedily with the app's runtime (`decodeOne`), with `rnn-studio predict --decode -` and with
 * the PyTorch export's `decode.py` under /usr/bin/python3; the three give the same tokens for every word, and beam
 * search (width 3) agrees between the app and decode.py too. The Keras decode.py cannot run here (no Keras); it is
 * read against Keras's source in tests/codegen/keras-conformance.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadTask, type PairDataset } from '../../src/datasets/index.ts';
import { planRun } from '../../src/datasets/plan.ts';
import { buildModel } from '../../src/runtime/build.ts';
import { modelFiles } from '../../src/runtime/save.ts';
import { buildInference, decodeOne } from '../../src/runtime/seq2seq.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { Trainer } from '../../src/runtime/train.ts';
import { seq2seqDoc } from '../fixtures/seq2seq.ts';
import { PYTHON, ROOT, scratchDir, writeGraph } from './helpers.ts';

const WORDS = 100;
const STEPS = 150;

it(`greedy tokens of ${WORDS} CMUdict test words: the app, the CLI and the PyTorch decode.py agree token for token`, async () => {
  expect(await initTfNode('wasm')).toBe('wasm');
  await loadTask('cmudict');
  const dir = scratchDir('seq2seq-decode-py');
  const doc = seq2seqDoc({ source: 28, target: 72, embed: 16, units: 64, task: 'cmudict', seed: 7 });
  const plan = planRun(doc);
  if (!plan.ok) throw new Error(plan.error);
  const ds = plan.ds as PairDataset;
  const model = buildModel(plan.ir);
  const trainer = new Trainer(model, ds, plan.fit, { optimizer: 'adam', learningRate: 0.01, batchSize: 32, epochs: 1, steps: STEPS, clipNorm: 1, seed: 7, evalEvery: STEPS, maxValSamples: 32 }, plan.ir);
  const run = await trainer.run();
  trainer.dispose();
  expect(run.status).toBe('done');

  const graph = writeGraph(doc, join(dir, 'graph.json'));
  const weights = join(dir, 'weights');
  mkdirSync(weights, { recursive: true });
  const files = await modelFiles(model);
  writeFileSync(join(weights, 'model.json'), files.modelJson);
  writeFileSync(join(weights, 'weights.bin'), Buffer.from(files.weights));

  // 100 words of the test split, spread over it.
  const from = ds.trainSize + ds.valSize;
  const words = Array.from({ length: WORDS }, (_, k) => ds.show(from + Math.floor((k * ds.testSize) / WORDS)).input);
  const inf = buildInference(model, plan.ir);
  const app = words.map((w) => decodeOne(inf, ds.encode!(w), ds.maxTargetLen));
  const appBeam = words.slice(0, 20).map((w) => decodeOne(inf, ds.encode!(w), ds.maxTargetLen, { beam: 3 }));
  model.dispose();

  // The model says something word-dependent: different words get different pronunciations.
  expect(new Set(app.map((t) => t.join(' '))).size).toBeGreaterThan(10);
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
  expect(py(['--beam', '3'], words.slice(0, 20)).map((r) => r.tokens)).toEqual(appBeam);
}, 600_000);
