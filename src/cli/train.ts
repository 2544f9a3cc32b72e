/**
 * `rnn-studio train <graph.json> …`: the app's training engine, headless, on the wasm backend by default.
 * Progress goes to stderr; `--json` prints one JSON object with the final metrics on stdout; `--out DIR` receives
 * model.json + weights.bin (TF.js format) and metrics.json (settings, per-step history, evaluations).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { ModelIR } from '../compiler/index.ts';
import { loadTask, parseCsvDataset, withTrainingDefaults, type PairDataset } from '../datasets/index.ts';
import { buildInference, decodeScore } from '../runtime/seq2seq.ts';
import { planRun } from '../datasets/plan.ts';
import { leftBaselineAt } from '../datasets/plateau.ts';
import { buildModel } from '../runtime/build.ts';
import { initTfNode } from '../runtime/setup-node.ts';
import { Trainer, type OptimizerName, type TrainEvent } from '../runtime/train.ts';
import { modelFiles } from '../runtime/save.ts';
import type { BackendName } from '../runtime/setup.ts';
import { writeOutputs } from './atomic.ts';
import { CliError, num, printJson, readGraph, readText } from './io.ts';
import type { Command } from './command.ts';

/**
 * Greedy decoding of the test split scored against every reference (PER, WER): all of it, or `n` words evenly spaced
 * over it (word k of n is test word ⌊k·size/n⌋, the same words in every run).
 */
function testScore(model: tf.LayersModel, ir: ModelIR, ds: PairDataset, n: number | undefined) {
  if (!ds.testSize) return undefined;
  const t0 = performance.now();
  const words = Math.min(n ?? ds.testSize, ds.testSize);
  const from = ds.trainSize + ds.valSize;
  const r = decodeScore(buildInference(model, ir), ds, Array.from({ length: words }, (_, k) => from + Math.floor((k * ds.testSize) / words)));
  return { per: r.per, wer: r.wer, words: r.words, testSize: ds.testSize, sample: words === ds.testSize ? 'the whole test split' : `${words} words evenly spaced over the test split`, decoding: 'greedy', seconds: +((performance.now() - t0) / 1000).toFixed(1) };
}

const fmt = (x: number) => (Math.abs(x) >= 0.001 || x === 0 ? x.toFixed(4) : x.toExponential(3));

export const train: Command = {
  usage:
    'train <graph.json> [--task NAME] [--seq-len T] [--epochs N] [--steps N] [--batch-size B] [--lr X] [--clip X]\n' +
    '              [--optimizer adam|rmsprop|sgd] [--seed S] [--eval-every N] [--csv FILE] [--backend wasm|cpu] [--out DIR] [--json]\n' +
    '              [--target COL[,COL…]] with --csv: the target column of each output, in output order (default: label)\n' +
    '              [--stop-when-left]  stop once the run has left the baseline (mean loss of 20 steps < ½ baseline)\n' +
    '              [--minutes M]       train for M minutes of wall-clock time (no step limit unless --steps or --epochs)\n' +
    '              [--test-words N]    a sequence-to-sequence task: score greedy decoding on N test words, evenly spaced (default: the whole test split)\n' +
    '                                   train the model; weights + metrics to --out',
  options: {
    task: { type: 'string' }, 'seq-len': { type: 'string' }, epochs: { type: 'string' }, steps: { type: 'string' },
    'batch-size': { type: 'string' }, lr: { type: 'string' }, clip: { type: 'string' }, optimizer: { type: 'string' },
    seed: { type: 'string' }, 'eval-every': { type: 'string' }, csv: { type: 'string' }, target: { type: 'string' }, backend: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' },
    'stop-when-left': { type: 'boolean' }, minutes: { type: 'string' }, 'test-words': { type: 'string' },
  },
  run: async ({ positionals, values: v }) => {
    const doc = readGraph(positionals[0]);
    const d = withTrainingDefaults(doc.training);
    const backend = (v.backend ?? 'wasm') as BackendName;
    if (backend !== 'wasm' && backend !== 'cpu') throw new CliError(`--backend must be wasm or cpu; got "${String(v.backend)}".`);
    const optimizer = (v.optimizer ?? d.optimizer) as OptimizerName;
    if (!['adam', 'rmsprop', 'sgd'].includes(optimizer)) throw new CliError(`--optimizer must be adam, rmsprop or sgd; got "${optimizer}".`);
    const seqLen = num(v['seq-len'], 'seq-len', { int: true, min: 1 });
    const seed = num(v.seed, 'seed', { int: true, min: 0 }) ?? d.seed;
    let dataset;
    if (v.target !== undefined && !v.csv) throw new CliError('--target names columns of a CSV: give --csv FILE too.');
    if (v.csv) {
      const targets = v.target !== undefined ? (v.target as string).split(',') : undefined;
      const c = parseCsvDataset(readText(v.csv as string, 'CSV file'), { seed, name: basename(v.csv as string), maxLen: seqLen, targets });
      if (!c.ok) throw new CliError(`${v.csv}: ${c.error}`);
      dataset = c.dataset;
    }
    if (!dataset) await loadTask((v.task as string | undefined) ?? doc.training?.task);
    const plan = planRun(doc, { task: v.task as string | undefined, seqLen, seed, dataset });
    if (!plan.ok) throw new CliError(plan.error, 1);
    const minutes = num(v.minutes, 'minutes', { min: 0 });
    const settings = {
      optimizer,
      learningRate: num(v.lr, 'lr', { min: 0 }) ?? d.learningRate,
      batchSize: num(v['batch-size'], 'batch-size', { int: true, min: 1 }) ?? d.batchSize,
      epochs: num(v.epochs, 'epochs', { int: true, min: 1 }) ?? d.epochs,
      // With --minutes alone the clock ends the run.
      steps: num(v.steps, 'steps', { int: true, min: 1 }) ?? (minutes !== undefined && v.epochs === undefined ? Number.MAX_SAFE_INTEGER : undefined),
      clipNorm: num(v.clip, 'clip', { min: 0 }) ?? d.clipNorm,
      seed: plan.seed,
      evalEvery: num(v['eval-every'], 'eval-every', { int: true, min: 1 }),
    };
    const inUse = await initTfNode(backend);
    const model = buildModel(plan.ir);
    const trainer = new Trainer(model, plan.ds, plan.fit, settings, plan.ir);
    const info = plan.ds.info;
    const steps: { step: number; loss: number; metric: number; gradNorm: number; clipped: boolean; losses?: number[] }[] = [];
    const evals: { step: number; loss: number; metric: number; losses?: number[] }[] = [];
    const outs = plan.fit.outputs;
    // A model with several outputs: each output's own loss after the total, named by its layer.
    const each = (losses?: number[]) => (outs && losses ? ` (${outs.map((o, i) => `${o.name} ${fmt(losses[i])}`).join(', ')})` : '');
    const metricName = plan.fit.metric;
    const deadline = minutes === undefined ? Infinity : performance.now() + minutes * 60_000;
    let outOfTime = false;
    process.stderr.write(
      `training ${doc.meta?.name ?? positionals[0]} on ${info.title} (${info.description}) — backend ${inUse}, ${settings.optimizer} lr ${settings.learningRate}, ` +
        `batch ${settings.batchSize}, clip ${settings.clipNorm || 'off'}, seed ${settings.seed}; baseline loss ${fmt(info.baseline.loss)} (${info.baseline.what})\n`,
    );
    const onEvent = (e: TrainEvent) => {
      if (e.type === 'step') {
        steps.push({ step: e.step, loss: e.loss, metric: e.metric, gradNorm: e.gradNorm, clipped: e.clipped, ...(e.losses ? { losses: e.losses } : {}) });
        if (v['stop-when-left'] && leftBaselineAt(steps.slice(-20).map((s) => s.loss), info.baseline.loss) !== null) trainer.stop();
        if (performance.now() >= deadline && !outOfTime) {
          outOfTime = true;
          trainer.stop();
        }
        if (e.step % 10 === 0 || e.step === e.totalSteps)
          process.stderr.write(`step ${e.step}/${e.totalSteps === Number.MAX_SAFE_INTEGER ? `${minutes} min` : e.totalSteps} epoch ${e.epoch + 1} loss ${fmt(e.loss)}${each(e.losses)} ${metricName} ${fmt(e.metric)} |g| ${fmt(e.gradNorm)}${e.clipped ? ' (clipped)' : ''} ${e.msPerStep.toFixed(0)} ms/step\n`);
      } else if (e.type === 'eval') {
        evals.push({ step: e.step, loss: e.loss, metric: e.metric, ...(e.losses ? { losses: e.losses } : {}) });
        const dec = e.decoded ? `; decoded: PER ${fmt(e.decoded.per)} WER ${fmt(e.decoded.wer)} on ${e.decoded.samples}` : '';
        process.stderr.write(`  validation at step ${e.step}: loss ${fmt(e.loss)}${each(e.losses)} ${metricName} ${fmt(e.metric)} (baseline ${fmt(info.baseline.loss)})${dec}\n`);
      }
    };
    const r = await trainer.run(onEvent);
    // Stopped by the clock: not an error, and no Stop was pressed.
    const message = outOfTime && r.status === 'stopped' ? `Stopped after step ${r.steps}: ${minutes} minute(s) were up.` : r.message;
    if (message) process.stderr.write(`${message}\n`);
    const test = plan.fit.feeds ? testScore(model, plan.ir, plan.ds as PairDataset, num(v['test-words'], 'test-words', { int: true, min: 1 })) : undefined;
    if (test) process.stderr.write(`test split, greedy decoding of ${test.words} of ${test.testSize} words: PER ${fmt(test.per)} WER ${fmt(test.wer)} (${test.seconds} s)\n`);
    const summary = {
      task: plan.taskId, seqLen: plan.seqLen ?? null, steps: r.steps, status: outOfTime && r.status === 'stopped' ? 'time-up' : r.status, ...(minutes !== undefined ? { minutes } : {}),
      finalLoss: r.final.loss, finalMetric: r.final.metric, metric: metricName, ...(r.final.decoded ? { decoded: r.final.decoded } : {}), ...(test ? { test } : {}), baseline: info.baseline.loss, baselineMetric: info.baseline.metric ?? null,
      lastTrainLoss: steps.length ? steps[steps.length - 1].loss : null, leftBaselineAt: leftBaselineAt(steps.map((s) => s.loss), info.baseline.loss), wallSeconds: +(r.wallMs / 1000).toFixed(1),
      msPerStep: steps.length ? +(r.wallMs / steps.length).toFixed(1) : null, clippedFraction: r.clippedFraction,
      seed: settings.seed, optimizer: settings.optimizer, learningRate: settings.learningRate, batchSize: settings.batchSize, epochs: settings.epochs, clipNorm: settings.clipNorm,
      backend: inUse, tfjs: tf.version.tfjs, params: plan.ir.totalParams, losses: steps.map((s) => s.loss), evaluations: evals, ...(message ? { message } : {}),
      // Several outputs: `finalLoss` and `losses` are the weighted total; each output's own (unweighted) ones here.
      ...(outs ? { outputs: outs.map((o, i) => ({ name: o.name, target: o.target, loss: o.loss, weight: o.weight, finalLoss: r.final.losses![i], losses: steps.map((s) => s.losses![i]) })) } : {}),
    };
    if (v.out) {
      const dir = v.out as string;
      const files = await modelFiles(model);
      await writeOutputs([dir], ([staged]) => {
        mkdirSync(staged);
        writeFileSync(join(staged, 'model.json'), files.modelJson);
        writeFileSync(join(staged, 'weights.bin'), files.weights);
        writeFileSync(join(staged, 'metrics.json'), JSON.stringify({ ...summary, dataset: info, confusion: r.final.confusion ?? null, history: steps }, null, 1));
      }, { merge: true });
      process.stderr.write(`wrote ${join(dir, 'model.json')}, weights.bin and metrics.json\n`);
    }
    process.stderr.write(`final validation loss ${fmt(r.final.loss)} ${metricName} ${fmt(r.final.metric)} after ${r.steps} steps in ${summary.wallSeconds} s (baseline ${fmt(info.baseline.loss)})\n`);
    if (v.json) printJson(summary);
    trainer.dispose();
    model.dispose();
    return r.status === 'nan' ? 1 : 0;
  },
};
