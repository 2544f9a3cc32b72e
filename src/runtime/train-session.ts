/**
 * One training session as the worker runs it: plan → build → train → keep the run (runs.ts) → "try it" → restore.
 * Everything that crosses to the page is plain data; every tensor stays here.
 */
import * as tf from '@tensorflow/tfjs';
import { collate, csvKey, loadTask, parseCsvDataset, Rng, TASKS, type Batch, type Dataset, type FitIssue, type FitResult, type PairDataset, type Shown, type TaskInfo } from '../datasets/index.ts';
import { planRun, type RunPlan } from '../datasets/plan.ts';
import { parseDocument } from '../graph/index.ts';
import { buildModel } from './build.ts';
import { buildInference, decodeOne } from './seq2seq.ts';
import { engineInUse, fusedLayerCount } from './fused/index.ts';
import { wordConnectivity, type ReadWord } from './probes/connectivity.ts';
import { createRecorder, probeTensors, type Recorder, type Snapshot } from './probes/record.ts';
import { probeBlocker } from './probes/walk.ts';
import { asList, Trainer, type RunResult, type TrainEvent, type TrainSettings } from './train.ts';
import { loadSavedWeights } from './saved-weights.ts';
import { limitProblem, newRunId, runWeightsKey, thin, type RunMeta, type Runs, type RunsView } from './runs.ts';
import { graphKey, legacyWeightsKey, weightsKey, type WeightsSource } from './weights-key.ts';

export interface DataChoice {
  task?: string;
  seqLen?: number;
  /** The user's CSV text, and its target column per output for a model with several; overrides `task`. */
  csv?: { name: string; text: string; targets?: string[] };
}

export interface StartRequest extends DataChoice {
  docText: string;
  settings: TrainSettings;
  /** Probe the first 32 validation sequences every this many steps (and at step 0) for the Inside tab; 0/absent = off. */
  recordEvery?: number;
}

export type SessionEvent =
  | TrainEvent
  | { type: 'snapshot'; snapshot: Snapshot }
  | { type: 'started'; backend: string; engine: string; taskId: string; info: TaskInfo; fitIssues: FitIssue[]; totalParams: number; trainSize: number; valSize: number; key: string;
      /** Why recording for the Inside tab is off although it was asked for (a model without a recurrent layer). */
      notRecorded?: string;
      /** A model with several outputs: each one's layer name, target, loss and weight (steps and evaluations carry their losses in this order). */
      outputs?: FitResult['outputs'] };

export interface SavedMeta {
  task: string;
  steps: number;
  valLoss: number;
  valMetric: number;
  savedAt: string;
  settings: TrainSettings;
}

export interface TryResult {
  input: string;
  /** Expected answer, when the input came from the data. */
  target?: string;
  /** The model's answer: a class with its probability, a number, a per-step sequence or generated text. */
  output: string;
  /** Class probabilities for a final-step classifier: the head's own outputs for the task's classes. */
  probs?: { label: string; p: number }[];
  /** A softmax head wider than the task's classes: its outputs that stand for no class (1-based, `from`…`to`) and their total probability. */
  unused?: { from: number; to: number; p: number };
  /** Typed text into a final-step model: each word as the model read it, with its connectivity (P6) to the logit named `of`. */
  shading?: { of: string; words: ReadWord[] } | { error: string };
}

const docOf = (text: string) => {
  const r = parseDocument(text);
  if (!r.ok) throw new Error(r.error);
  return r.doc;
};

/** Fetches the chosen task's data when it ships in its own chunk (the pronouncing dictionary), before `planFor`. */
const loadChosen = (docText: string, choice: DataChoice) => (choice.csv ? Promise.resolve() : loadTask(choice.task ?? docOf(docText).training?.task));

/** Makes the run's plan or throws one readable message (shown as is). */
export function planFor(docText: string, choice: DataChoice, seed?: number): RunPlan {
  const doc = docOf(docText);
  let dataset: Dataset | undefined;
  if (choice.csv) {
    const c = parseCsvDataset(choice.csv.text, { seed: seed ?? doc.training?.seed ?? 42, name: choice.csv.name, maxLen: choice.seqLen, targets: choice.csv.targets });
    if (!c.ok) throw new Error(c.error);
    dataset = c.dataset;
  }
  const p = planRun(doc, { task: choice.task, seqLen: choice.seqLen, seed, dataset });
  if (!p.ok) throw new Error(p.error);
  return p;
}

/** The keys of a plan's runs: the graph's list, and the weights in use for its data. */
const keysOf = (plan: RunPlan, choice: DataChoice) => {
  const data = { task: plan.taskId, seed: plan.seed, csv: choice.csv && csvKey(choice.csv) };
  return { graph: graphKey(plan.ir), data: weightsKey(plan.ir, data), legacyData: legacyWeightsKey(plan.ir, data) };
};

const metricNameOf = (plan: RunPlan): RunMeta['metricName'] => (plan.ds.info.output.kind === 'regression' ? 'MSE' : 'accuracy');

export class TrainSession {
  private model: tf.LayersModel | null = null;
  private trainer: Trainer | null = null;
  private plan: RunPlan | null = null;
  private tries = 0;

  /** `storage`: the tfjs URL scheme of the weights (e.g. `indexeddb://`); `runs`: the list of kept runs on the same store. */
  constructor(private readonly storage: string, private readonly runs: Runs) {}

  /** Disposes the previous model and its optimizer (platform.md trap 2) before a new graph is built. */
  private reset() {
    this.trainer?.dispose();
    this.model?.dispose();
    this.trainer = null;
    this.model = null;
    this.plan = null;
  }

  /**
   * Trains, then keeps the run: its weights under their own key and, as the weights in use, under the data key. The
   * weights in use before it are kept as a run first (adopted when they predate runs). Refuses to start, with the
   * reason, when the graph's runs are at the user's limit: nothing is ever deleted to make room.
   */
  async start(req: StartRequest, backend: string, onEvent: (e: SessionEvent) => void): Promise<RunResult & { saved: boolean; notKept?: string }> {
    this.reset();
    await loadChosen(req.docText, req);
    const plan = planFor(req.docText, req, req.settings.seed);
    const keys = keysOf(plan, req);
    const key = keys.data;
    const model = buildModel(plan.ir);
    // The trainer exists before the first await, so a Stop pressed while the run is being kept track of stops it before step 1.
    this.plan = plan;
    this.model = model;
    this.trainer = new Trainer(model, plan.ds, plan.fit, req.settings, plan.ir);
    // Why this run's weights cannot be kept (no IndexedDB in a private window, unreadable older weights): it still trains.
    let notKept: string | undefined;
    let refused: string | null = null;
    try {
      await this.adopt(plan, req);
      refused = limitProblem(await this.runs.group(keys.graph), model.countParams() * 4);
    } catch (e) {
      notKept = `The weights of this run are not kept: ${(e as Error).message}`;
    }
    if (refused) {
      this.reset();
      throw new Error(refused);
    }
    const notRecorded = req.recordEvery ? probeBlocker(plan.ir) : null;
    onEvent({ type: 'started', backend, engine: engineOf(this.model), taskId: plan.taskId, info: plan.ds.info, fitIssues: plan.fit.issues, totalParams: plan.ir.totalParams, trainSize: plan.ds.trainSize, valSize: plan.ds.valSize, key, ...(notRecorded ? { notRecorded } : {}), ...(plan.fit.outputs ? { outputs: plan.fit.outputs } : {}) });
    // Recording for the Inside tab: the probe recorder runs between training steps through the loop's hook.
    let recorder: Recorder | null = null;
    if (req.recordEvery && req.recordEvery > 0 && !notRecorded) {
      const b = collate(plan.ds, Array.from({ length: Math.min(32, plan.ds.valSize) }, (_, i) => plan.ds.trainSize + i));
      recorder = createRecorder(plan.ir, probeTensors(b, plan.fit), req.recordEvery, (snapshot) => onEvent({ type: 'snapshot', snapshot }));
    }
    let result: RunResult;
    let lastBatch: RunMeta['lastBatch'] = null;
    const evals: RunMeta['evals'] = [];
    const seen = (e: SessionEvent) => {
      if (e.type === 'step') lastBatch = { loss: e.loss, metric: e.metric };
      if (e.type === 'eval') evals.push([e.step, e.loss, e.metric]);
      onEvent(e);
    };
    try {
      result = await this.trainer.run(seen, recorder ? (step) => recorder.after(step, model) : undefined);
    } finally {
      recorder?.dispose();
    }
    let saved = false;
    if (result.steps > 0 && !notKept) {
      const savedAt = new Date().toISOString();
      const meta: SavedMeta = { task: plan.taskId, steps: result.steps, valLoss: result.final.loss, valMetric: result.final.metric, savedAt, settings: req.settings };
      model.setUserDefinedMetadata({ rnnStudio: meta });
      const id = newRunId();
      try {
        const r = await model.save(this.storage + runWeightsKey(id));
        const run: RunMeta = {
          id, name: `${plan.ds.info.title} · ${result.steps} step${result.steps === 1 ? '' : 's'}`, dataKey: key, task: plan.taskId, seed: plan.seed, ...(req.csv ? { csvName: req.csv.name } : {}),
          savedAt, steps: result.steps, status: result.status, metricName: metricNameOf(plan), val: { loss: result.final.loss, metric: result.final.metric }, lastBatch,
          settings: req.settings, bytes: r.modelArtifactsInfo.weightDataBytes ?? model.countParams() * 4, evals: thin(evals),
        };
        await this.runs.keep(keys.graph, run, async () => void (await model.save(this.storage + key)));
        saved = true;
      } catch (e) {
        notKept = `The weights of this run are not kept: ${(e as Error).message}`; // a full disk; the results stay on screen
      }
    }
    return { ...result, saved, ...(notKept ? { notKept } : {}) };
  }

  /** Keeps the weights in use for the plan's data as a run when no run accounts for them (stored before runs existed). */
  private adopt(plan: RunPlan, choice: DataChoice): Promise<void> {
    const keys = keysOf(plan, choice);
    return this.runs.adopt(keys.graph, keys.data, async () => {
      const saved = await tf.loadLayersModel(this.storage + keys.data);
      const meta = (saved.getUserDefinedMetadata() as { rnnStudio?: SavedMeta } | undefined)?.rnnStudio;
      saved.dispose();
      return {
        name: 'Kept from before runs', task: plan.taskId, seed: plan.seed, ...(choice.csv ? { csvName: choice.csv.name } : {}), savedAt: meta?.savedAt ?? new Date().toISOString(),
        steps: meta?.steps ?? 0, status: 'adopted', metricName: metricNameOf(plan), val: { loss: meta?.valLoss ?? NaN, metric: meta?.valMetric ?? NaN }, lastBatch: null,
        settings: meta?.settings ?? { optimizer: 'adam', learningRate: NaN, batchSize: NaN, epochs: NaN, clipNorm: NaN, seed: plan.seed }, evals: [],
      };
    }, keys.legacyData);
  }

  /** The graph's runs, with the one in use for the chosen data (adopting older weights first). */
  async listRuns(docText: string, choice: DataChoice): Promise<RunsView> {
    const plan = planFor(docText, choice);
    await this.adopt(plan, choice);
    const keys = keysOf(plan, choice);
    return this.runs.view(keys.graph, keys.data);
  }

  /** Makes run `id` the weights in use for the graph and data (try it, probes, exports), and loads it for "try it". */
  async restoreRun(docText: string, choice: DataChoice, id: string) {
    const keys = keysOf(planFor(docText, choice), choice);
    await this.runs.restore(keys.graph, id, keys.data);
    return this.restore(docText, choice);
  }

  async renameRun(docText: string, choice: DataChoice, id: string, name: string): Promise<RunsView> {
    const keys = keysOf(planFor(docText, choice), choice);
    await this.runs.rename(keys.graph, id, name);
    return this.runs.view(keys.graph, keys.data);
  }

  /** Deletes a run; when it was the one in use, "try it" has no trained weights until another is restored. */
  async deleteRun(docText: string, choice: DataChoice, id: string) {
    const keys = keysOf(planFor(docText, choice), choice);
    await this.runs.remove(keys.graph, id);
    return this.restore(docText, choice);
  }

  async setRunLimit(docText: string, choice: DataChoice, limit: RunsView['limit']): Promise<RunsView> {
    const keys = keysOf(planFor(docText, choice), choice);
    await this.runs.setLimit(keys.graph, limit);
    return this.runs.view(keys.graph, keys.data);
  }

  pause() {
    this.trainer?.pause();
  }
  resume() {
    this.trainer?.resume();
  }
  stop() {
    this.trainer?.stop();
  }

  /**
   * Loads the weights stored for this graph into a freshly built model, for "try it": the ones trained here on this
   * task, seed and CSV, else the ones imported with the graph (a Keras file, a TF.js model.json), the same choice
   * "Probe this graph" makes (src/runtime/saved-weights.ts). Null when neither is stored.
   */
  async restore(docText: string, choice: DataChoice): Promise<{ source: WeightsSource; meta: SavedMeta | null } | null> {
    await loadChosen(docText, choice);
    const plan = planFor(docText, choice);
    const found = await loadSavedWeights(plan.ir, { task: plan.taskId, seed: plan.seed, csv: choice.csv && csvKey(choice.csv) }, this.storage);
    if (!found) return null;
    this.reset();
    const model = buildModel(plan.ir, { initialize: false });
    model.setWeights(found.saved.getWeights());
    const meta = (found.saved.getUserDefinedMetadata() as { rnnStudio?: SavedMeta } | undefined)?.rnnStudio ?? null;
    found.saved.dispose();
    this.model = model;
    this.plan = plan;
    return { source: found.source, meta: found.source === 'trained' ? meta : null };
  }

  /** Runs the trained model on a typed text (text tasks), or on a sample it has not trained on; char models write a new name. */
  async tryIt(text?: string): Promise<TryResult> {
    const { model, plan } = this;
    if (!model || !plan) throw new Error('Train the model (or restore saved weights) first.');
    const ds = plan.ds;
    const out = ds.info.output;
    if (ds.info.id === 'chars') return this.generate(text ?? '');
    if (plan.fit.feeds) return this.decode(text);
    let x: { ids?: number[]; shown: Shown | { input: string; target?: string } };
    let batch;
    if (text !== undefined && text.trim() !== '' && ds.encode && ds.info.input.kind === 'tokens') {
      const ids = ds.encode(text);
      if (ids.length === 0) throw new Error('Type at least one word.');
      batch = { x: Int32Array.from(ids), xShape: [1, ids.length], xDtype: 'int32' as const };
      x = { ids, shown: { input: ids.map((i) => ds.symbols?.[i] ?? String(i)).join(' ') } };
    } else {
      const i = ds.trainSize + (this.tries++ % ds.valSize);
      batch = collate(ds, [i]);
      x = { shown: ds.show(i) };
    }
    if (plan.fit.outputs) return { input: x.shown.input, ...(x.shown.target !== undefined ? { target: x.shown.target } : {}), output: await this.eachOutput(batch) };
    const p = tf.tidy(() => model.predict(tf.tensor(batch.x, batch.xShape, batch.xDtype)) as tf.Tensor);
    const v = await p.data();
    const shape = p.shape;
    p.dispose();
    const base = { input: x.shown.input, ...(x.shown.target !== undefined ? { target: x.shown.target } : {}) };
    if (out.kind === 'regression') return { ...base, output: Array.from(v, (n) => n.toFixed(3)).join(', ') };
    const names = out.classNames ?? ds.symbols ?? Array.from({ length: out.classes }, (_, k) => String(k));
    if (out.kind === 'sequence' || out.perStep) {
      const C = shape[shape.length - 1] as number;
      const ids = Array.from({ length: v.length / C }, (_, t) => argmax(v.subarray(t * C, (t + 1) * C)));
      return { ...base, output: ids.map((k) => names[k] ?? k).join(' ').replace(/(_ ){6,}/g, (m) => `_×${m.length / 2} `) };
    }
    // One sigmoid unit: p(class 1). A softmax wider than the classes (the lesson presets' Dense(4) on 2 classes): its
    // extra outputs are no class. A class is the answer only when it holds more than those outputs together.
    const all = shape[1] === 1 && out.classes === 2 ? [1 - v[0], v[0]] : Array.from(v);
    const C = out.classes;
    const best = argmax(all.slice(0, C));
    const unusedP = all.slice(C).reduce((a, p) => a + p, 0);
    const pct = (p: number) => `${(p * 100).toFixed(1)} %`;
    const result: TryResult = {
      ...base,
      output: unusedP < all[best] ? `${names[best]} (${pct(all[best])})`
        : `no class: the outputs the task does not use hold ${pct(unusedP)}, more than ${names[best]} (${pct(all[best])})`,
      probs: all.slice(0, C).map((pk, k) => ({ label: names[k], p: pk })),
      ...(all.length > C ? { unused: { from: C + 1, to: all.length, p: unusedP } } : {}),
    };
    if (x.ids) {
      try {
        const w = await wordConnectivity(model, plan.ir, ds, text!);
        const of = shape[1] === 1 ? names[1] : w.predicted < C ? names[w.predicted] : `output ${w.predicted + 1}`; // one sigmoid unit: the logit of class 1
        result.shading = { of, words: w.words };
      } catch (e) {
        result.shading = { error: `Words not shaded: ${(e as Error).message}` }; // the prediction above stands
      }
    }
    return result;
  }

  /** A model with several outputs on one sample: each output's answer for its target (a number, or a class with its probability). */
  private async eachOutput(batch: Pick<Batch, 'x' | 'xShape' | 'xDtype'>): Promise<string> {
    const { model, plan } = this;
    const heads = plan!.ds.info.heads!;
    const ys = tf.tidy(() => asList(model!.predict(tf.tensor(batch.x, batch.xShape, batch.xDtype)) as tf.Tensor | tf.Tensor[]));
    const vs = await Promise.all(ys.map((y) => y.data()));
    tf.dispose(ys);
    return plan!.fit.outputs!.map((o, i) => {
      const h = heads[o.head].output;
      const v = vs[i];
      if (h.kind === 'regression') return `${o.target}: ${Array.from(v, (n) => n.toFixed(3)).join(', ')}`;
      const probs = v.length === 1 ? [1 - v[0], v[0]] : Array.from(v);
      const k = argmax(probs.slice(0, h.classes));
      return `${o.target}: ${h.classNames?.[k] ?? k} (${(probs[k] * 100).toFixed(1)} %)`;
    }).join(' · ');
  }

  /**
   * Pair tasks: decodes a typed source (or a validation sample, with its expected answer) greedily, step by step from
   * START with the model's own predictions fed back, as validation scores it.
   */
  private decode(text?: string): TryResult {
    const { model, plan } = this;
    const ds = plan!.ds as PairDataset;
    const typed = text !== undefined && text.trim() !== '';
    const i = typed ? -1 : ds.trainSize + (this.tries++ % ds.valSize);
    const source = typed ? ds.encode!(text) : Array.from(ds.sample(i).x);
    if (source.length === 0) throw new Error('Type a source to decode.');
    const shown = typed ? { input: text.trim() } : ds.show(i);
    const output = ds.showTarget(decodeOne(buildInference(model!, plan!.ir), source, ds.maxTargetLen));
    return { ...shown, output: output === '' ? '(nothing: the decoder ended at once)' : output };
  }

  /** Samples characters one at a time (temperature 0.8) after "\n" + prefix until a newline: a new name. */
  private async generate(prefix: string): Promise<TryResult> {
    const { model, plan } = this;
    const ds = plan!.ds;
    const F = (ds.info.input as { features: number }).features;
    const ids = [0, ...(ds.encode ? ds.encode(prefix) : [])];
    const rng = new Rng(plan!.seed + this.tries++);
    for (let k = 0; k < 24; k++) {
      const xs = new Float32Array(ids.length * F);
      ids.forEach((c, t) => (xs[t * F + c] = 1));
      const p = tf.tidy(() => {
        const y = model!.predict(tf.tensor(xs, [1, ids.length, F])) as tf.Tensor;
        return tf.softmax(tf.div(tf.log(tf.clipByValue(tf.squeeze(tf.slice(y, [0, ids.length - 1, 0], [1, 1, -1])), 1e-9, 1)), 0.8));
      });
      const probs = await p.data();
      p.dispose();
      let u = rng.next();
      let c = 0;
      while (c < probs.length - 1 && u >= probs[c]) u -= probs[c++];
      if (c === 0) break;
      ids.push(c);
    }
    const symbols = ds.symbols ?? [];
    return { input: prefix || '(empty prefix)', output: ids.slice(1).map((c) => symbols[c]).join('') };
  }
}

function argmax(a: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
  return best;
}

/** The task ids the picker offers (the user's CSV is a separate choice). */
export const TASK_IDS = Object.keys(TASKS);

/** What runs the recurrent layers: our wasm SIMD kernels, our fused tfjs kernels, or stock tfjs layers. */
function engineOf(model: tf.LayersModel | null): string {
  const n = model ? fusedLayerCount(model) : 0;
  if (!model || n === 0) return 'stock tfjs layers';
  const layers = `${n} recurrent layer${n > 1 ? 's' : ''}`;
  return engineInUse(model) === 'simd' ? `wasm SIMD kernels (${layers})` : `fused (${layers})`;
}
