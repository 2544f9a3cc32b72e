/**
 * Measures the P6 reference behaviour of docs/vanishing-gradients.md ("Which input does each output use?"):
 *  - copy memory: the share of each output row's connectivity that sits on the input it must replay
 *    (output step T + 10 + k ↔ input k), and how often input k is the row's peak (over all inputs, and over the 10
 *    symbol inputs only), trained LSTM against the same LSTM untrained;
 *  - adding problem: the share on the two marked positions and on the last 5 steps, trained LSTM against trained
 *    SimpleRNN.
 * Trains each model with `rnn-studio train` (skipped when runs/connectivity/<name>/ holds a run of the same steps and
 * batch size), then computes connectivity on the first N validation sequences (fixed by the seed) and writes
 * docs/data/connectivity.json.
 *
 *   npx tsx scripts/measure-connectivity.ts [--examples 32]
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { readGraphOrModel, readWeightsDir } from '../src/cli/io.ts';
import { compile } from '../src/compiler/index.ts';
import { TASKS } from '../src/datasets/index.ts';
import { modelWithWeights } from '../src/runtime/model-io.ts';
import { connectivity } from '../src/runtime/probes/index.ts';
import { initTfNode } from '../src/runtime/setup-node.ts';
import { ROOT } from './doc-tables.ts';
import { trainJson, type TrainSummary } from './train-json.ts';

interface Run { name: string; preset: string; task: 'copy' | 'adding'; seqLen: number; steps: number; train: boolean; args?: string[] }
/** Affordable on a loaded 2-core machine: short sequences, a few hundred to a few thousand Adam steps. */
const RUNS: Run[] = [
  { name: 'copy-lstm-untrained', preset: 'copy-lstm', task: 'copy', seqLen: 5, steps: 0, train: false },
  { name: 'copy-lstm', preset: 'copy-lstm', task: 'copy', seqLen: 5, steps: 20000, train: true, args: ['--batch-size', '64'] },
  { name: 'adding-lstm', preset: 'adding-lstm', task: 'adding', seqLen: 30, steps: 800, train: true },
  { name: 'adding-simplernn', preset: 'adding-simplernn', task: 'adding', seqLen: 30, steps: 800, train: true },
];
/** Every run; the batch size is the preset's unless the run says otherwise. */
const TRAIN_ARGS = ['--optimizer', 'adam', '--lr', '0.01', '--seed', '42'];

const arg = (name: string, d: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : d;
};
const N = arg('examples', 32);
const mean = (xs: number[]) => xs.reduce((a, v) => a + v, 0) / xs.length;
const round = (v: number) => Number(v.toPrecision(3));

/** Weights kept from a run with other steps or batch size than `run` asks for (an older budget) are trained again. */
function stale(run: Run, summaryPath: string): boolean {
  if (!existsSync(summaryPath)) return true;
  const s = JSON.parse(readFileSync(summaryPath, 'utf8')) as TrainSummary;
  const b = run.args?.indexOf('--batch-size') ?? -1;
  return s.steps !== run.steps || (b >= 0 && s.batchSize !== Number(run.args![b + 1]));
}

async function measure(run: Run) {
  const dir = join(ROOT, 'runs', 'connectivity', run.name);
  const presetPath = join(ROOT, 'presets', `${run.preset}.json`);
  let training: Pick<TrainSummary, 'finalLoss' | 'baseline' | 'finalMetric' | 'metric' | 'steps' | 'wallSeconds' | 'msPerStep'> | null = null;
  if (run.train) {
    if (!existsSync(join(dir, 'model.json')) || stale(run, join(dir, 'summary.json'))) {
      mkdirSync(dir, { recursive: true });
      process.stderr.write(`training ${run.name} (${run.steps} steps at T = ${run.seqLen})…\n`);
      const s = trainJson([presetPath, '--task', run.task, '--seq-len', String(run.seqLen), '--steps', String(run.steps), ...TRAIN_ARGS, ...(run.args ?? []), '--out', dir]);
      writeFileSync(join(dir, 'summary.json'), JSON.stringify(s));
    }
    const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as TrainSummary;
    training = { finalLoss: round(s.finalLoss), baseline: round(s.baseline), finalMetric: round(s.finalMetric), metric: s.metric, steps: s.steps, wallSeconds: s.wallSeconds, msPerStep: s.msPerStep };
  }
  const doc = (await readGraphOrModel(presetPath, false)).doc;
  const ir = compile(doc).ir!;
  const model = modelWithWeights(ir, run.train ? readWeightsDir(dir) : undefined);
  const ds = TASKS[run.task].make({ seed: 42, seqLen: run.seqLen });
  const rows: Record<string, number[]> = {};
  const push = (k: string, v: number) => (rows[k] ??= []).push(v);
  /** Copy: per replay row k, the mean over examples of the row normalised to sum 1, and how often input k is its peak among the symbols. */
  const meanRows = Array.from({ length: 10 }, () => new Array<number>(run.seqLen + 20).fill(0));
  const symbolPeaks = new Array<number>(10).fill(0);
  for (let i = 0; i < N; i++) {
    const s = ds.sample(ds.trainSize + i);
    const F = ds.info.input.kind === 'features' ? ds.info.input.features : 1;
    const x = tf.tensor(s.x, [1, s.T, F]);
    const c = await connectivity(model, ir, [x]);
    x.dispose();
    const L = c.seqLen;
    const row = (step: number) => Array.from(c.matrix.subarray(c.rows.indexOf(step) * L, (c.rows.indexOf(step) + 1) * L));
    if (run.task === 'copy') {
      // Output step T + 10 + k (0-based) replays input k.
      for (let k = 0; k < 10; k++) {
        const r = row(run.seqLen + 10 + k);
        const sum = r.reduce((a, v) => a + v, 0);
        push('onTarget', r[k] / sum);
        push('onSymbols', r.slice(0, 10).reduce((a, v) => a + v, 0) / sum);
        push('peakIsTarget', r.indexOf(Math.max(...r)) === k ? 1 : 0);
        const symbols = r.slice(0, 10);
        const hit = symbols.indexOf(Math.max(...symbols)) === k ? 1 : 0;
        push('symbolPeakIsTarget', hit);
        symbolPeaks[k] += hit / N;
        r.forEach((v, t) => (meanRows[k][t] += v / sum / N));
        push('uniform', 1 / (run.seqLen + 10 + k + 1));
      }
    } else {
      const r = row(L - 1);
      const sum = r.reduce((a, v) => a + v, 0);
      const marked = Array.from({ length: L }, (_, t) => t).filter((t) => s.x[t * 2 + 1] === 1);
      push('onMarked', marked.reduce((a, t) => a + r[t], 0) / sum);
      push('onLast5', r.slice(L - 5).reduce((a, v) => a + v, 0) / sum);
      const top2 = [...r.keys()].sort((a, b) => r[b] - r[a]).slice(0, 2);
      push('top2AreMarked', top2.every((t) => marked.includes(t)) ? 1 : 0);
      push('uniformMarked', 2 / L);
    }
  }
  model.dispose();
  const band = run.task === 'copy' ? { band: meanRows.map((r, k) => ({ k, row: r.map(round), symbolPeakIsTarget: round(symbolPeaks[k]) })) } : {};
  return { name: run.name, preset: run.preset, task: run.task, seqLen: run.seqLen, steps: run.steps, args: [...TRAIN_ARGS, ...(run.args ?? [])].join(' '), training, ...Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, round(mean(v))])), ...band };
}

await initTfNode('wasm');
const out: Record<string, unknown> = { examples: N };
for (const r of RUNS) out[r.name] = await measure(r);
mkdirSync(join(ROOT, 'docs', 'data'), { recursive: true });
writeFileSync(join(ROOT, 'docs', 'data', 'connectivity.json'), JSON.stringify(out, null, 2) + '\n');
process.stdout.write(JSON.stringify(out, null, 2) + '\n');
