/**
 * "The race": the current graph trained three times on the same data and seed — once with every recurrent layer a
 * SimpleRNN, once LSTM, once GRU — with the training engine's own loop (train.ts) and the probe recorder hooked in
 * between steps. The models run one after the other, so each one's curves are final as soon as it finishes. Also: a one-off probe of a graph at its initial weights, for the panels.
 */
import * as tf from '@tensorflow/tfjs';
export type { RaceOptions } from './race-settings.ts';
import { compile, type ModelIR } from '../../compiler/index.ts';
import type { GraphDoc, Params } from '../../graph/index.ts';
import { checkFit, collate, loadTask, TASKS, type Dataset, type PairDataset } from '../../datasets/index.ts';
import { weightedBaseline } from '../../datasets/plan.ts';
import { isRecurrentKind, LAYERS, RECURRENT_KINDS, type RecurrentKind } from '../../layers/index.ts';
import { buildModel } from '../build.ts';
import { Trainer } from '../train.ts';
import { loadSavedWeights } from '../saved-weights.ts';
import type { DataIdentity, WeightsSource } from '../weights-key.ts';
import { probeJacobian, probeModel, type AttentionProbe, type DirectionProbe, type JacobianResult } from './probe.ts';
import { probeBlocker, probeTargets, walk } from './walk.ts';
import { raceSettings, type RaceModelResult, type RaceOptions, type RaceResult } from './race-settings.ts';
import { createRecorder, probeTensors, type ProbeBatch, type Snapshot } from './record.ts';
import { gradRatio, medianPerStep } from './stats.ts';

/** A probe as it crosses to the UI: typed arrays only (transferable), plus axis labels per example. */
export interface ProbeMessage {
  seqLen: number;
  batch: number;
  loss: number;
  directions: (DirectionProbe & { jacobian?: Pick<JacobianResult, 'frobenius' | 'sigmaMax'> })[];
  labels: string[][];
  /** The model input (index into its inputs) whose steps `labels` name: directions reading another have none. */
  labelsInput: number;
  /** A pair task: per example, the target token of each decoder step (the output the step is trained to give). */
  outputLabels?: string[][];
  /** Per attention layer, its weights on the probe batch. */
  attention?: AttentionProbe[];
}

export type RaceEvent =
  | { type: 'start'; run: string; label: string; baseline: number }
  | { type: 'step'; run: string; step: number; loss: number; gradNorm: number; clipped: boolean }
  | { type: 'snapshot'; run: string; snapshot: Snapshot }
  | { type: 'probe'; run: string; probe: ProbeMessage }
  | { type: 'done'; run: string; message?: string; /** Absent when the run was stopped. */ result?: RaceModelResult }
  | { type: 'error'; run: string; message: string };

/** The graph with every recurrent layer (inside Bidirectional too) turned into `kind`, other params kept. */
export function recurrentVariant(doc: GraphDoc, kind: RecurrentKind, units?: number): GraphDoc {
  const specParams = LAYERS[kind].params;
  return {
    ...doc,
    nodes: doc.nodes.map((n) => {
      if (!isRecurrentKind(n.data.kind)) return n;
      const params: Params = Object.fromEntries(Object.entries(n.data.params).filter(([k]) => k in specParams));
      if (units !== undefined) params.units = units;
      return { ...n, data: { ...n.data, kind, name: '', params } };
    }),
  };
}

/** Per example and step, a short label for the time axis: the token/symbol, or the value (marked with * on channel 2). */
function stepLabels(ds: Dataset, indices: number[]): string[][] {
  const inp = ds.info.input;
  return indices.map((i) => {
    const s = ds.sample(i);
    if (inp.kind === 'tokens') return Array.from(s.x, (id) => ds.symbols?.[id] ?? String(id));
    const F = inp.features;
    return Array.from({ length: s.T }, (_, t) => {
      const row = Array.from({ length: F }, (_, f) => s.x[t * F + f]);
      const hot = row.indexOf(1);
      if (ds.symbols && row.filter((v) => v !== 0).length === 1 && hot >= 0) return ds.symbols[hot];
      return row[0].toFixed(2) + (F > 1 && row[1] === 1 ? '*' : '');
    });
  });
}

export function prepare(doc: GraphDoc, o: { task?: string; seqLen?: number; probeBatch?: number; seed?: number }) {
  const r = compile(doc);
  if (!r.ok) throw new Error(`The graph has ${r.diagnostics.length} problem(s); see Problems.`);
  const blocker = probeBlocker(r.ir!);
  if (blocker) throw new Error(blocker);
  const taskId = o.task ?? doc.training?.task;
  const task = taskId ? TASKS[taskId] : undefined;
  if (!task) throw new Error(taskId ? `Unknown task "${taskId}".` : 'Choose a task for the graph first (training settings).');
  const seed = o.seed ?? doc.training?.seed ?? r.ir!.seed;
  const made = task.make({ seed, seqLen: o.seqLen ?? doc.training?.seqLen });
  const fit = checkFit(r.ir!, made.info);
  if (!fit.ok) throw new Error(fit.issues.filter((i) => i.severity === 'error').map((i) => i.message).join(' '));
  // Several targets: the baseline weighs each as the model weighs its output, as the Training tab's does.
  const ds = fit.outputs ? weightedBaseline(made, fit) : made;
  const idx = Array.from({ length: Math.min(o.probeBatch ?? 32, ds.valSize) }, (_, i) => ds.trainSize + i);
  const b = collate(ds, idx);
  const batch = () => probeTensors(b, fit);
  // The labels name the source's steps: for an encoder–decoder, the encoder's input.
  const targetVocab = fit.feeds ? (ds as PairDataset).targetVocab : undefined;
  const outputLabels = targetVocab && idx.map((i) => Array.from(ds.sample(i).y, (id) => targetVocab[id] ?? String(id)));
  return { ir: r.ir!, taskId: task.id, ds, fit, seed, batch, labels: stepLabels(ds, idx), labelsInput: Math.max(0, fit.feeds?.indexOf('x') ?? 0), ...(outputLabels ? { outputLabels } : {}) };
}

/** A full probe (with the exact Jacobian of example 0 for every direction) as a transferable message. */
export async function probeMessage(model: tf.LayersModel, ir: ModelIR, batch: ProbeBatch, { labels, labelsInput, outputLabels }: Pick<Prepared, 'labels' | 'labelsInput' | 'outputLabels'>): Promise<ProbeMessage> {
  const p = await probeModel(model, ir, batch.inputs, batch.targets, { skipPad: batch.skipPad });
  const first = batch.inputs.map((x) => tf.slice(x, 0, 1));
  try {
    const directions = [];
    for (const [k, d] of p.directions.entries()) {
      const j = await probeJacobian(model, ir, first, k);
      directions.push({ ...d, jacobian: { frobenius: j.frobenius, sigmaMax: j.sigmaMax } });
    }
    return { seqLen: p.seqLen, batch: p.batch, loss: p.loss, directions, labels, labelsInput, ...(outputLabels ? { outputLabels } : {}), ...(p.attention ? { attention: p.attention } : {}) };
  } finally {
    tf.dispose(first);
  }
}

/**
 * The graph's model with the weights the Training tab saved for this graph and data when `storage` holds them, else
 * the weights imported with it (a Keras file, a TF.js model.json), else its initial ones.
 */
export async function graphModel(ir: ModelIR, data: DataIdentity, storage?: string): Promise<{ model: tf.LayersModel; weights: WeightsSource }> {
  const found = storage ? await loadSavedWeights(ir, data, storage) : null;
  const model = buildModel(ir, { initialize: !found });
  if (!found) return { model, weights: 'initial' };
  model.setWeights(found.saved.getWeights());
  found.saved.dispose();
  return { model, weights: found.source };
}

type Prepared = ReturnType<typeof prepare>;
/** The models of the last probe ('graph') and race (per kind), kept for on-demand panels (details.ts). */
const kept = new Map<string, { model: tf.LayersModel; ir: ModelIR; prep: Prepared; seqLen: number | undefined }>();
export const keptRun = (run: string) => kept.get(run);

function keepModel(run: string, model: tf.LayersModel, ir: ModelIR, prep: Prepared, seqLen: number | undefined) {
  kept.get(run)?.model.dispose();
  kept.set(run, { model, ir, prep, seqLen });
}

/** Disposes every kept model (tests; a new race replaces them anyway). */
export function dropModels() {
  for (const k of kept.values()) k.model.dispose();
  kept.clear();
}

/**
 * The graph's own probe: with the weights the Training tab saved for this graph and task when `storage` holds
 * them (e.g. `indexeddb://`, the key of train-session.ts), else at its initial (seeded) weights.
 */
export async function probeGraph(doc: GraphDoc, o: { task?: string; seqLen?: number; probeBatch?: number; storage?: string } = {}):
  Promise<{ probe: ProbeMessage; weights: WeightsSource }> {
  await loadTask(o.task ?? doc.training?.task);
  const prep = prepare(doc, o);
  const { ir, taskId, seed, batch } = prep;
  const { model, weights } = await graphModel(ir, { task: taskId, seed }, o.storage);
  const b = batch();
  try {
    const probe = await probeMessage(model, ir, b, prep);
    keepModel('graph', model, ir, prep, o.seqLen ?? doc.training?.seqLen);
    return { probe, weights };
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    tf.dispose([...b.inputs, ...b.targets]);
  }
}

/** True when a padding mask reaches IR layer `id`. */
const isMasked = (ir: ModelIR, id: string) => ir.layers.find((l) => l.id === id)!.inputShapes[0].masked;

/** One recurrent layer unrolled over the first steps of one example: what it read and what it produced. */
export interface UnrollMessage {
  layer: string;
  kind: RecurrentKind;
  units: number;
  /** Features of x_t. */
  inputSize: number;
  seqLen: number;
  /** Steps shown (K ≤ seqLen), from t = 1. */
  steps: number;
  /** 0-based index in the probe batch, and its number of real (unmasked) steps. */
  example: number;
  length: number;
  /** x_t, [K, D] row-major. */
  x: Float32Array;
  /** h_t, [K, H] row-major. */
  h: Float32Array;
  /** 1 = real, 0 = masked, [K]; null when no mask reaches the layer. */
  mask: Uint8Array | null;
  /** The input token (or value) at each shown step. */
  labels: string[];
  weights: WeightsSource;
}

/**
 * The forward direction of recurrent layer `layerId` (default: the first) on one probe example, its first `steps`
 * steps: x_t as the cell reads it (after the Embedding) and h_t as it leaves the cell.
 */
export async function unrollGraph(doc: GraphDoc, o: { layerId?: string; steps: number; task?: string; seqLen?: number; probeBatch?: number; storage?: string }): Promise<UnrollMessage> {
  await loadTask(o.task ?? doc.training?.task);
  const { ir, taskId, seed, batch, labels } = prepare(doc, o);
  const { model, weights } = await graphModel(ir, { task: taskId, seed }, o.storage);
  const b = batch();
  try {
    const targets = probeTargets(model, ir);
    const k = Math.max(0, targets.findIndex((t) => t.id === o.layerId && t.direction === 'forward'));
    const t = targets[k];
    if (!t) throw new Error('The graph has no recurrent layer to unroll.');
    const [B, T] = b.inputs[0].shape as [number, number];
    const K = Math.min(o.steps, T);
    const out = tf.tidy(() => {
      const { runs } = walk(model, ir, targets, b.inputs, { stopAfter: t.id });
      const r = runs[k];
      return { x: r.x, h: tf.stack(r.hs, 1), mask: r.mask ?? tf.ones([B, T]) };
    });
    try {
      const [x, h, mask] = [(await out.x.data()) as Float32Array, (await out.h.data()) as Float32Array, Array.from(await out.mask.data())];
      const masked = isMasked(ir, t.id);
      // Real steps per example. A masked layer shows the longest example that still ends inside the window, so
      // its real tokens and the padding the cell skips are both in view (the shortest one when none fits).
      const lengths = Array.from({ length: B }, (_, e) => mask.slice(e * T, (e + 1) * T).reduce((s, v) => s + v, 0));
      const fits = lengths.filter((n) => n < K);
      const ex = masked ? lengths.indexOf(fits.length ? Math.max(...fits) : Math.min(...lengths)) : 0;
      const D = out.x.shape[2]!;
      const H = t.units;
      return {
        layer: t.name, kind: t.kind, units: H, inputSize: D, seqLen: T, steps: K, example: ex, length: lengths[ex],
        x: x.slice(ex * T * D, (ex * T + K) * D), h: h.slice(ex * T * H, (ex * T + K) * H),
        mask: masked ? Uint8Array.from(mask.slice(ex * T, ex * T + K)) : null, labels: labels[ex].slice(0, K), weights,
      };
    } finally {
      tf.dispose(Object.values(out));
    }
  } finally {
    tf.dispose([...b.inputs, ...b.targets]);
    model.dispose();
  }
}

/**
 * Trains the SimpleRNN, LSTM and GRU variants of `doc` one after the other (each model's curves are complete when
 * it finishes) with the settings of `raceSettings`; reports through `onEvent` and returns the results of the
 * models that finished (all three unless `shouldStop` turned true).
 */
export async function race(doc: GraphDoc, o: RaceOptions, onEvent: (e: RaceEvent) => void, shouldStop: () => boolean = () => false): Promise<RaceResult> {
  const s = raceSettings(doc, o);
  await loadTask(s.task);
  const runs = RECURRENT_KINDS.map((kind) => ({ kind, ...prepare(recurrentVariant(doc, kind, s.units), { ...s, probeBatch: o.probeBatch }) }));
  const result: RaceResult = { task: s.task, seqLen: runs[0].ds.info.length ?? s.seqLen, steps: s.steps, baseline: runs[0].ds.info.baseline.loss, models: [] };
  dropModels();
  for (const prep of runs) {
    const { kind, ir, ds, fit, batch } = prep;
    if (shouldStop()) break;
    const started = performance.now();
    const model = buildModel(ir, { engine: o.engine });
    const trainer = new Trainer(model, ds, fit, {
      optimizer: s.optimizer, learningRate: s.learningRate, batchSize: s.batchSize, epochs: 1, steps: s.steps, clipNorm: s.clipNorm, seed: s.seed,
      evalEvery: s.steps, maxValSamples: 200,
    });
    const probeBatch = batch();
    const rec = createRecorder(ir, probeBatch, s.every, (snapshot) => onEvent({ type: 'snapshot', run: kind, snapshot }));
    onEvent({ type: 'start', run: kind, label: kind, baseline: ds.info.baseline.loss });
    try {
      const run = await trainer.run((e) => {
        if (e.type === 'step') onEvent({ type: 'step', run: kind, step: e.step, loss: e.loss, gradNorm: e.gradNorm, clipped: e.clipped });
        if (shouldStop()) trainer.stop();
      }, (step) => rec.after(step, model));
      const probe = await probeMessage(model, ir, probeBatch, prep);
      const d = probe.directions[0];
      const m: RaceModelResult = {
        kind, valLoss: run.final.loss,
        gradRatioInit: gradRatio(rec.snapshots[0]?.layers[0]?.gradNorm ?? []),
        gradRatioTrained: d ? gradRatio(medianPerStep(d.dh, d.mask, probe.seqLen, probe.batch)) : null,
        ms: performance.now() - started,
      };
      // After the ratios are read: in the browser the worker transfers the probe's buffers, which empties them here.
      onEvent({ type: 'probe', run: kind, probe });
      if (run.status !== 'stopped') result.models.push(m);
      onEvent({ type: 'done', run: kind, message: run.message, result: run.status !== 'stopped' ? m : undefined });
    } catch (e) {
      onEvent({ type: 'error', run: kind, message: (e as Error).message });
    } finally {
      rec.dispose();
      trainer.dispose();
      keepModel(kind, model, ir, prep, s.seqLen);
    }
  }
  return result;
}
