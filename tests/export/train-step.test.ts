/**
 * Exported training follows the app's training. For each loss family (softmax cross-entropy per sequence,
 * per-timestep cross-entropy, one sigmoid unit with binary cross-entropy, MSE, and two outputs with loss weights), the PyTorch export's train.py runs
 * one step under python3 on the app's batch (`export --data N`) and weights, and so does the app's own Trainer (also for
 * a two-bias LSTM, whose b_h is PyTorch's trained bias_hh).
 * Both use SGD with lr 1 and no clipping, whose first step moves every weight by exactly −∂L/∂θ (momentum starts at
 * zero), so equal weights after the step mean equal gradients; the printed losses must agree too. The app's weights
 * after its step are loaded into the PyTorch model with the export's own `load_tfjs`, and the two state_dicts are
 * compared: a trained `bias_hh` (the bias counted twice) would move away from the app's zero.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { readWeightsDir } from '../../src/cli/io.ts';
import { type ChainStep, chainDoc, type GraphDoc, parseDocument } from '../../src/graph/index.ts';
import { FIXTURE_DIR } from '../fixtures/graphs.ts';
import { planRun } from '../../src/datasets/plan.ts';
import { modelWithWeights } from '../../src/runtime/model-io.ts';
import { modelFiles } from '../../src/runtime/save.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { Trainer, type StepEvent } from '../../src/runtime/train.ts';
import { cli, PYTHON, scratchDir, writeGraph, writeRandomWeights } from './helpers.ts';

beforeAll(async () => {
  await initTfNode('cpu');
});

const N = 6;
const feats = (features: number): ChainStep => ['Input', { inputType: 'features', features, length: 0 }];
/** Two heads on one GRU (tests/fixtures/two-heads.json): MSE with loss weight 0.5 plus softmax cross-entropy. */
const twoHeads = (): GraphDoc => {
  const r = parseDocument(readFileSync(join(FIXTURE_DIR, 'two-heads.json'), 'utf8'));
  if (!r.ok) throw new Error(r.error);
  return r.doc;
};
const CASES: [string, ChainStep[] | GraphDoc, { task: string; seqLen: number }][] = [
  ['softmax cross-entropy per sequence', [feats(1), ['LSTM', { units: 3 }], ['Dense', { units: 2, activation: 'softmax' }]], { task: 'parity', seqLen: 5 }],
  ['per-timestep cross-entropy', [feats(10), ['SimpleRNN', { units: 4, returnSequences: true }], ['Dense', { units: 10, activation: 'softmax' }]], { task: 'copy', seqLen: 2 }],
  ['sigmoid binary cross-entropy', [feats(1), ['Bidirectional', { mergeMode: 'concat' }, ['LSTM', { units: 2 }]], ['Dense', { units: 1, activation: 'sigmoid' }]], { task: 'parity', seqLen: 5 }],
  ['mean squared error', [feats(2), ['GRU', { units: 3 }], ['Dense', { units: 1, activation: 'linear' }]], { task: 'adding', seqLen: 6 }],
  ['two outputs, 0.5 · MSE + cross-entropy', twoHeads(), { task: 'adding-heads', seqLen: 6 }],
  ['two-bias LSTM (CuDNNLSTM) in a Bidirectional', [feats(1), ['Bidirectional', { mergeMode: 'concat' }, ['LSTM', { units: 3, twoBiases: true }]], ['Dense', { units: 2, activation: 'softmax' }]], { task: 'parity', seqLen: 5 }],
];

it.each(CASES)('%s: train.py\'s first step equals the app\'s (loss and gradients within 1e-5)', async (name, steps, data) => {
  const dir = scratchDir(`train-step-${name.replace(/\W+/g, '-')}`);
  const doc: GraphDoc = { ...(Array.isArray(steps) ? chainDoc(steps) : steps), training: { ...data, seed: 5, optimizer: 'sgd', learningRate: 1, batchSize: N, clipNorm: 0 } };
  const graph = writeGraph(doc, join(dir, 'graph.json'));
  await writeRandomWeights(doc, join(dir, 'weights'), 3);
  const out = join(dir, 'pytorch');
  const r = await cli(['export', graph, '--format', 'pytorch', '--weights', join(dir, 'weights'), '--data', String(N), '--out', out]);
  expect(r.code, r.err).toBe(0);

  // The exported script, as a user runs it: one step over the whole batch of N samples.
  const printed = execFileSync(PYTHON, [join(out, 'train.py'), '--steps', '1', '--batch-size', String(N), '--out', join(dir, 'torch.pt')], { encoding: 'utf8', cwd: out });
  const torchLoss = Number(printed.match(/step 1 loss (\S+)/)![1]);

  // The app: its Trainer, on the same N training samples (the ones export --data wrote) and the same weights.
  const plan = planRun(doc);
  if (!plan.ok) throw new Error(plan.error);
  const model = modelWithWeights(plan.ir, readWeightsDir(join(dir, 'weights')));
  const trainer = new Trainer(model, { ...plan.ds, trainSize: N }, plan.fit, { optimizer: 'sgd', learningRate: 1, batchSize: N, epochs: 1, steps: 1, clipNorm: 0, seed: 5, evalEvery: 100, maxValSamples: 2 });
  let first: StepEvent | undefined;
  await trainer.run((e) => {
    if (e.type === 'step') first ??= e;
  });
  expect(first!.loss).toBeCloseTo(torchLoss, 5);
  const after = join(dir, 'app-after');
  mkdirSync(after, { recursive: true });
  const files = await modelFiles(model);
  writeFileSync(join(after, 'model.json'), files.modelJson);
  writeFileSync(join(after, 'weights.bin'), files.weights);
  trainer.dispose();
  model.dispose();

  const cmp = execFileSync(PYTHON, ['-c', `import json, sys, torch
sys.path.insert(0, sys.argv[1])
from model import Model
from tfjs_weights import read_tfjs_weights
def loaded(folder):
    m = Model(); m.load_tfjs(read_tfjs_weights(folder)); return m.state_dict()
before, app, ours = loaded(sys.argv[1]), loaded(sys.argv[2]), torch.load(sys.argv[3])
assert app.keys() == ours.keys()
print(json.dumps({"diff": max((app[k] - ours[k]).abs().max().item() for k in app),
                  "moved": max((app[k] - before[k]).abs().max().item() for k in app),
                  "biasHhMoved": [(app[k] - before[k]).abs().max().item() for k in app if "bias_hh" in k]}))`, out, after, join(dir, 'torch.pt')], { encoding: 'utf8' });
  const { diff, moved, biasHhMoved } = JSON.parse(cmp);
  expect(moved).toBeGreaterThan(1e-3); // the step changed the weights: the comparison is not between two untouched copies
  // The two-bias LSTM's b_h is PyTorch's bias_hh: trained by autograd in train.py and by the app alike.
  if (name.startsWith('two-bias')) expect(Math.min(...biasHhMoved)).toBeGreaterThan(1e-4);
  expect(diff).toBeLessThan(1e-5);
}, 120_000);
