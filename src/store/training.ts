/**
 * The training store: the run's live state (progress, curves, final evaluation, "try it"), separate from the graph
 * store so undo never touches it and per-batch metrics never re-render the canvas. Hyperparameters and the seed
 * live in the graph document (`doc.training`, via `updateTraining`) so they are saved and shared with the graph.
 * Actions are module-level; the worker client (comlink) is created on first use.
 */
import * as Comlink from 'comlink';
import { create } from 'zustand';
import { csvKey, loadTask, parseCsvDataset, TASKS, withTrainingDefaults, type Dataset, type FitIssue, type FitResult, type Shown, type TaskInfo } from '../datasets/index.ts';
import { serializeDocument, type GraphDoc, type PairVocab, type TextInput } from '../graph/index.ts';
import type { RunResult, TrainEvent, TrainSettings } from '../runtime/train.ts';
import { batcher } from './batch.ts';
import { recordTrainingSnapshot, setBusy, useInside } from './inside.ts';
import { compiledOf } from './store.ts';
import type { DataChoice, SavedMeta, SessionEvent, TryResult } from '../runtime/train-session.ts';
import type { TrainWorker } from '../runtime/train.worker.ts';
import type { BackendName } from '../runtime/setup.ts';
import type { DataIdentity } from '../runtime/weights-key.ts';

export type RunStatus = 'idle' | 'starting' | 'running' | 'paused' | 'done' | 'stopped' | 'nan' | 'error';

export interface StepPoint {
  step: number;
  loss: number;
  metric: number;
  gradNorm: number;
  clipped: boolean;
  /** A model with several outputs: each output's own loss (`TrainingState.outputs` order). */
  losses?: number[];
}
export interface EvalPoint {
  step: number;
  loss: number;
  metric: number;
  losses?: number[];
}

export interface Progress {
  step: number;
  totalSteps: number;
  epoch: number;
  batch: number;
  batchesPerEpoch: number;
  /** Median of the recent steps' times (ms). */
  msPerStep: number;
  elapsedMs: number;
}

export interface TrainingState {
  backendWanted: BackendName;
  backendInUse: string | null;
  /** The training engine reported by the worker once a run has built its model. */
  engine: string | null;
  tfjsVersion: string | null;
  /** The user's CSV, when chosen as the dataset (`task` is then 'csv'), and the target column picked per output. */
  csv: { name: string; text: string; targets?: string[] } | null;
  status: RunStatus;
  message: string | null;
  info: TaskInfo | null;
  fitIssues: FitIssue[];
  /** The run's outputs when the model has several: each one's name, target, loss and weight. */
  outputs: FitResult['outputs'] | null;
  progress: Progress | null;
  steps: StepPoint[];
  evals: EvalPoint[];
  final: RunResult['final'] | null;
  clippedFraction: number;
  saved: (SavedMeta & { restored: boolean }) | null;
  tryResult: TryResult | null;
  /** The graph text the current model was trained from (the "try it" box needs a model of the current graph). */
  trainedFrom: string | null;
  /** The worker's model holds the weights imported with the graph (a Keras file, a TF.js model.json), not trained ones. */
  importedWeights: boolean;
  startedAt: number;
  recentMs: number[];
}

const initial = (): TrainingState => ({
  backendWanted: 'wasm', backendInUse: null, engine: null, tfjsVersion: null, csv: null, status: 'idle', message: null, info: null, fitIssues: [], outputs: null,
  progress: null, steps: [], evals: [], final: null, clippedFraction: 0, saved: null, tryResult: null, trainedFrom: null, importedWeights: false, startedAt: 0, recentMs: [],
});

export const useTraining = create<TrainingState>()(initial);
export const resetTraining = () => useTraining.setState(initial(), true);

export const isBusy = (s: Pick<TrainingState, 'status'>) => s.status === 'starting' || s.status === 'running' || s.status === 'paused';

/**
 * The task a graph gets when it names none (or one that no longer exists): it follows the graph's Input, a text task
 * (the lesson classifiers' spam subjects) for tokens and the adding problem for float features.
 */
export const defaultTaskOf = (doc: GraphDoc) =>
  doc.nodes.find((n) => n.data.kind === 'Input')?.data.params.inputType === 'tokens' ? 'spam-subjects' : 'adding';

/** The settings a run uses: the graph's, with defaults for what it leaves unset. */
export function settingsOf(doc: GraphDoc): TrainSettings & { task: string; seqLen?: number } {
  const t = doc.training;
  const task = t?.task && (TASKS[t.task] || t.task === 'csv') ? t.task : defaultTaskOf(doc);
  return { task, seqLen: t?.seqLen ?? TASKS[task]?.seqLen?.default, ...withTrainingDefaults(t) };
}

/**
 * How the graph's task reads text, for an export that takes text: a text model's tokenizer, kept length and
 * vocabulary, or a pair task's vocabularies and reading (decode.py); neither when the task reads no text (or is the
 * user's CSV). Waits for a task whose data loads on demand.
 */
export async function readingOf(doc: GraphDoc): Promise<{ text?: TextInput; pairs?: PairVocab }> {
  const s = settingsOf(doc);
  if (s.task === 'csv') return {};
  await loadTask(s.task);
  const ds = TASKS[s.task].make({ seed: s.seed, seqLen: s.seqLen }) as Dataset & { pairVocab?: PairVocab };
  return { text: ds.textInput, pairs: ds.pairVocab };
}

/** What the graph's saved weights are keyed by besides the graph (src/runtime/weights-key.ts): task, seed, CSV text (and its target columns, `csvKey`). */
export function dataIdentityOf(doc: GraphDoc): DataIdentity {
  const s = settingsOf(doc);
  const csv = s.task === 'csv' ? useTraining.getState().csv : null;
  return { task: s.task, seed: s.seed, ...(csv ? { csv: csvKey(csvFor(doc, csv)) } : {}) };
}

/**
 * The CSV as training reads it: for a model with several outputs, one target column per output in output order
 * ('' where none is picked yet, which the dataset refuses in one line); else its `label` column.
 */
export function csvFor(doc: GraphDoc, csv: NonNullable<TrainingState['csv']>): NonNullable<DataChoice['csv']> {
  const n = compiledOf(doc).outputs.length;
  return n > 1 ? { name: csv.name, text: csv.text, targets: Array.from({ length: n }, (_, k) => csv.targets?.[k] ?? '') } : { name: csv.name, text: csv.text };
}

/** Dataset preview (a few samples) and its description, computed on the page: datasets are plain JS, no tensors. */
export function previewOf(doc: GraphDoc, csv: TrainingState['csv']): { info: TaskInfo; samples: Shown[]; trainSize: number; valSize: number } | { error: string } {
  const s = settingsOf(doc);
  try {
    let ds;
    if (s.task === 'csv') {
      if (!csv) return { error: 'Choose a CSV file first.' };
      const r = parseCsvDataset(csv.text, { seed: s.seed, name: csv.name, maxLen: s.seqLen, targets: csvFor(doc, csv).targets });
      if (!r.ok) return { error: r.error };
      ds = r.dataset;
    } else ds = TASKS[s.task].make({ seed: s.seed, seqLen: s.seqLen });
    return { info: ds.info, samples: [0, 1, 2, 3].filter((i) => i < ds.trainSize).map((i) => ds.show(i)), trainSize: ds.trainSize, valSize: ds.valSize };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

// ── the worker client ─────────────────────────────────────────────────────────────────────────────────
let worker: Comlink.Remote<TrainWorker> | null = null;
let initialised: Promise<void> | null = null;
export const getWorker = () => (worker ??= Comlink.wrap<TrainWorker>(new Worker(new URL('../runtime/train.worker.ts', import.meta.url), { type: 'module' })));

export function ensureBackend(): Promise<void> {
  return (initialised ??= (async () => {
    const r = await getWorker().init(useTraining.getState().backendWanted);
    useTraining.setState({ backendInUse: r.renderer ? `${r.backend} on ${r.renderer}` : r.backend, tfjsVersion: r.tfjs });
  })().catch((e) => {
    initialised = null;
    throw e;
  }));
}

/** Switches the backend; the worker restarts so the old backend's memory is released. */
export function setBackend(b: BackendName) {
  if (isBusy(useTraining.getState())) return;
  worker?.[Comlink.releaseProxy]();
  worker = null;
  initialised = null;
  useTraining.setState({ backendWanted: b, backendInUse: null, saved: null, trainedFrom: null, importedWeights: false, tryResult: null });
  void ensureBackend().catch((e) => useTraining.setState({ status: 'error', message: (e as Error).message }));
}

export function setCsv(csv: TrainingState['csv']) {
  useTraining.setState({ csv });
}

/** Picks the CSV column that output `k` (of `n`) trains on. */
export function setCsvTarget(k: number, n: number, column: string) {
  const csv = useTraining.getState().csv;
  if (!csv) return;
  const targets = Array.from({ length: n }, (_, i) => (i === k ? column : csv.targets?.[i] ?? ''));
  useTraining.setState({ csv: { ...csv, targets } });
}

export const choiceOf = (doc: GraphDoc, csv: TrainingState['csv']): DataChoice => {
  const s = settingsOf(doc);
  return s.task === 'csv' && csv ? { csv: csvFor(doc, csv), seqLen: s.seqLen } : { task: s.task, seqLen: s.seqLen };
};

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] ?? 0;

// Step events arrive faster than frames: they are applied at most once per animation frame.
const stepBatch = batcher<Extract<TrainEvent, { type: 'step' }>>((batch) => {
  const s = useTraining.getState();
  const e = batch[batch.length - 1];
  const recentMs = [...s.recentMs, ...batch.map((b) => b.msPerStep)].slice(-20);
  useTraining.setState({
    steps: [...s.steps, ...batch.map((b) => ({ step: b.step, loss: b.loss, metric: b.metric, gradNorm: b.gradNorm, clipped: b.clipped, ...(b.losses ? { losses: b.losses } : {}) }))],
    recentMs,
    progress: { step: e.step, totalSteps: e.totalSteps, epoch: e.epoch, batch: e.batch, batchesPerEpoch: e.batchesPerEpoch, msPerStep: median(recentMs), elapsedMs: performance.now() - s.startedAt },
  });
});

function onEvent(e: SessionEvent) {
  const s = useTraining.getState();
  switch (e.type) {
    case 'started':
      useTraining.setState({ status: 'running', info: e.info, fitIssues: e.fitIssues, engine: e.engine, outputs: e.outputs ?? null });
      if (e.notRecorded) setBusy(null, e.notRecorded); // shown in the Inside tab, where the recording would appear
      return;
    case 'step':
      stepBatch.push(e);
      return;
    case 'eval':
      useTraining.setState({ evals: [...s.evals, { step: e.step, loss: e.loss, metric: e.metric, ...(e.losses ? { losses: e.losses } : {}) }], ...(e.confusion ? { final: { loss: e.loss, metric: e.metric, confusion: e.confusion } } : {}) });
      return;
    case 'paused':
      stepBatch.flush(); // the steps before the pause show before the paused status, not a frame later
      useTraining.setState({ status: 'paused' });
      return;
    case 'resumed':
      useTraining.setState({ status: 'running' });
      return;
    case 'snapshot':
      recordTrainingSnapshot(e.snapshot);
      return;
  }
}

/**
 * Starts training the current graph on its chosen dataset, in the worker; `extra` overrides the graph's settings
 * for this run only (the lesson trains a fixed number of `steps`).
 */
export async function startTraining(doc: GraphDoc, extra: Partial<TrainSettings> = {}) {
  if (isBusy(useTraining.getState())) return;
  const s = settingsOf(doc);
  const docText = serializeDocument(doc);
  useTraining.setState({ status: 'starting', message: null, steps: [], evals: [], outputs: null, final: null, progress: null, tryResult: null, saved: null, startedAt: performance.now(), recentMs: [], trainedFrom: null, importedWeights: false });
  try {
    await ensureBackend();
    const { task: _task, seqLen: _seqLen, ...graphSettings } = s;
    const settings = { ...graphSettings, ...extra };
    const r = await getWorker().start({ docText, ...choiceOf(doc, useTraining.getState().csv), settings, recordEvery: useInside.getState().recordEvery }, Comlink.proxy((e: SessionEvent | TrainEvent) => onEvent(e as SessionEvent)));
    stepBatch.flush();
    const st = useTraining.getState();
    useTraining.setState({
      status: r.status, message: [r.message, r.notKept].filter(Boolean).join(' ') || null, final: r.final, clippedFraction: r.clippedFraction, trainedFrom: docText,
      saved: r.saved ? { task: st.info?.id ?? s.task, steps: r.steps, valLoss: r.final.loss, valMetric: r.final.metric, savedAt: new Date().toISOString(), settings, restored: false } : null,
    });
  } catch (e) {
    useTraining.setState({ status: 'error', message: (e as Error).message });
    void restoreSaved(doc); // a run refused before its first step (the runs' limit) leaves the weights in use for "try it"
  }
}

export const pauseTraining = () => void worker?.pause();
export const resumeTraining = () => void worker?.resume();
/** Stops at the next batch boundary (also from pause); the weights so far are kept and saved. */
export const stopTraining = () => void worker?.stop();

/**
 * Loads the weights stored for this graph into the worker's model: the ones trained here on this task, else the ones
 * imported with the graph (IndexedDB).
 */
export async function restoreSaved(doc: GraphDoc) {
  if (isBusy(useTraining.getState())) return;
  try {
    await ensureBackend();
    const docText = serializeDocument(doc);
    showRestored(docText, await getWorker().restore(docText, choiceOf(doc, useTraining.getState().csv)));
  } catch {
    showRestored('', null);
  }
}

/** What the worker's model holds after a restore: without trained or imported weights for this graph, it belongs to another graph and "try it" is off. */
export function showRestored(docText: string, r: Awaited<ReturnType<Comlink.Remote<TrainWorker>['restore']>>) {
  useTraining.setState(r
    ? { saved: r.meta ? { ...r.meta, restored: true } : null, trainedFrom: docText, importedWeights: r.source === 'imported' }
    : { saved: null, trainedFrom: null, importedWeights: false, tryResult: null });
}

/** Runs the trained model on typed text, or on a held-out sample when `text` is empty. */
export async function tryModel(text?: string) {
  try {
    useTraining.setState({ tryResult: await getWorker().tryIt(text) });
  } catch (e) {
    useTraining.setState({ tryResult: { input: text ?? '', output: (e as Error).message } });
  }
}
