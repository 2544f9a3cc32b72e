/**
 * The guided lesson's state and actions: which step is shown, each step's verdict (kept in local storage, so the
 * lesson resumes where it was left), and "Do it" for every step of src/lesson/steps.ts. An action loads the step's
 * preset, runs what the step is about through the same store actions the app's buttons use (training, probes,
 * the race, export), then turns the run's numbers into facts for the step's check (src/lesson/checks.ts).
 *
 * The lesson never destroys the user's own graph: before a preset would replace it, the lesson asks, and keeps
 * it aside (local storage) so "Bring back my graph" restores it.
 */
import { create } from 'zustand';
import { z } from 'zod';
import { exportFiles, MAIN_FILE } from '../codegen/export.ts';
import { parseDocument, serializeDocument, type GraphDoc } from '../graph/index.ts';
import { isRecurrentKind } from '../layers/index.ts';
import {
  attentionFacts, checkAttention, checkExport, checkGates, checkGradient, checkRace, checkShapes, checkStrip, checkTrain, type Verdict,
} from '../lesson/checks.ts';
import { GRADIENT_LENGTHS, LESSON_STEPS, STRIP_STEPS, TRAIN_STEPS, type LessonStep, type LessonStepId } from '../lesson/steps.ts';
import { assertNever } from '../graph/types.ts';
import { clearRuns, exampleRange, medianPerStep, probeAtLengths, probeCurrentGraph, runAttentionPair, runRace, setExample, unrollLayer, useInside, type UnrollMessage } from './inside.ts';
import { PRESETS, presetByName } from './presets.ts';
import { compiledOf, loadDocument, requestFit, selectNodes, setDockTab, showDockFull, useStore } from './store.ts';
import { startTraining, tryModel, useTraining } from './training.ts';

export const PROGRESS_KEY = 'rnn-studio:lesson';
/** Set once the lesson has been shown (or by the e2e harness): the lesson then no longer opens by itself. */
export const SEEN_KEY = 'rnn-studio:lesson-seen';
/** The user's own graph, kept aside while the lesson uses the canvas. */
export const STASH_KEY = 'rnn-studio:lesson-stash';

export interface LessonState {
  open: boolean;
  step: number;
  verdicts: Partial<Record<LessonStepId, Verdict>>;
  /** The step whose "Do it" is running. */
  busy: LessonStepId | null;
  /** Step 1's unrolled strip. */
  strip: UnrollMessage | null;
  /** A "Do it" waiting for the user's answer, because it would replace the user's own graph. */
  confirm: LessonStepId | null;
  /** The user's graph is kept aside and can be brought back. */
  stashed: boolean;
}

const initial = (): LessonState => ({ open: false, step: 0, verdicts: {}, busy: null, strip: null, confirm: null, stashed: false });
export const useLesson = create<LessonState>()(initial);

/** Where progress and the kept graph live: localStorage in the app, a Map-backed object in tests. */
export type LessonStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
let kv: LessonStorage | null = null;

const Progress = z.object({
  step: z.number().int().min(0).max(LESSON_STEPS.length - 1),
  verdicts: z.record(z.string(), z.object({ ok: z.boolean(), text: z.string().max(2000) })),
});

function saveProgress() {
  const { step, verdicts } = useLesson.getState();
  kv?.setItem(PROGRESS_KEY, JSON.stringify({ step, verdicts }));
}

/**
 * Connects the lesson to storage: restores the progress (storage is untrusted: anything malformed is ignored) and
 * opens the lesson on a first visit. Returns whether it opened.
 */
export function initLesson(storage: LessonStorage): boolean {
  kv = storage;
  let restored: Pick<LessonState, 'step' | 'verdicts'> = { step: 0, verdicts: {} };
  try {
    const p = Progress.safeParse(JSON.parse(storage.getItem(PROGRESS_KEY) ?? 'null'));
    if (p.success) {
      const ids = new Set<string>(LESSON_STEPS.map((s) => s.id));
      restored = { step: p.data.step, verdicts: Object.fromEntries(Object.entries(p.data.verdicts).filter(([k]) => ids.has(k))) };
    }
  } catch {
    // not JSON: start over
  }
  const first = storage.getItem(SEEN_KEY) === null;
  useLesson.setState({ ...initial(), ...restored, stashed: storage.getItem(STASH_KEY) !== null });
  if (first) openLesson();
  return first;
}

export function openLesson() {
  kv?.setItem(SEEN_KEY, '1');
  useLesson.setState({ open: true });
}
/** The dock's full-window state before the lesson first arranged the window; Close gives it back. */
let dockBefore: boolean | null = null;

/** Arranges the window for a step that has run: the dock in full window beside the lesson, or the canvas in view. */
function arrange(step: LessonStep) {
  dockBefore ??= useStore.getState().dockFull;
  showDockFull(step.view.dockFull);
}

export function closeLesson() {
  useLesson.setState({ open: false, confirm: null });
  if (dockBefore !== null) showDockFull(dockBefore);
  dockBefore = null;
}

export function goToStep(step: number) {
  useLesson.setState({ step: Math.max(0, Math.min(LESSON_STEPS.length - 1, step)), confirm: null });
  saveProgress();
}

/** Starts the lesson over: progress and verdicts are cleared (the user's kept graph stays kept). */
export function restartLesson() {
  useLesson.setState({ step: 0, verdicts: {}, strip: null, confirm: null });
  saveProgress();
}

// ── the user's graph ──────────────────────────────────────────────────────────────────────────────────
/** What a model is, without where its nodes sit: a preset after auto-layout is still that preset. */
const modelText = (d: GraphDoc) =>
  JSON.stringify([d.nodes.map((n) => [n.id, n.parentId ?? null, n.data]), d.edges, d.training ?? null, d.meta?.name ?? null]);

/** True when the graph on the canvas is the user's own work: not empty and not a preset as shipped. */
export const isUsersGraph = (doc: GraphDoc) => doc.nodes.length > 0 && !PRESETS.some((p) => modelText(p.doc) === modelText(doc));

function loadPreset(name: string) {
  const p = presetByName(name);
  if (!p) throw new Error(`the preset ${name} is missing`);
  if (modelText(p.doc) === modelText(useStore.getState().doc)) return;
  loadDocument(p.doc, { layout: true, why: `replaced by the lesson's preset ${name}` });
  // Nothing from an earlier step's graph stays on screen: no probe outline or badge, no race picker, no unrolled strip.
  clearRuns();
  useLesson.setState({ strip: null });
}

/**
 * Keeps the user's graph aside (local storage), then runs the step that was waiting for the answer. The graph first
 * kept aside stays the one "Bring back" returns; a graph kept aside later (an edited preset) becomes a version under
 * "Recent", like every graph a step replaces.
 */
export async function keepAsideAndGoOn() {
  const step = useLesson.getState().confirm;
  if (!step) return;
  if (kv?.getItem(STASH_KEY) === null) kv.setItem(STASH_KEY, serializeDocument(useStore.getState().doc));
  useLesson.setState({ confirm: null, stashed: true });
  await doIt(step, { force: true });
}
export const cancelReplace = () => useLesson.setState({ confirm: null });

/** Puts the user's kept graph back on the canvas (one undo step) and forgets the copy. */
export function bringBackGraph(): boolean {
  const text = kv?.getItem(STASH_KEY);
  const r = text ? parseDocument(text) : null;
  if (!r?.ok) return false;
  loadDocument(r.doc, { layout: false, why: 'replaced by the graph the lesson kept aside' });
  kv?.removeItem(STASH_KEY);
  useLesson.setState({ stashed: false });
  return true;
}

// ── "Do it" ───────────────────────────────────────────────────────────────────────────────────────────
const doc = () => useStore.getState().doc;
const setVerdict = (id: LessonStepId, v: Verdict) => {
  useLesson.setState((s) => ({ verdicts: { ...s.verdicts, [id]: v } }));
  saveProgress();
};

/**
 * Runs step `id`: loads its preset (asking first when that would replace the user's own graph), performs the
 * action and records the verdict of its check.
 */
export async function doIt(id: LessonStepId, o: { force?: boolean } = {}): Promise<void> {
  if (useLesson.getState().busy) return;
  const step = LESSON_STEPS.find((s) => s.id === id)!;
  if (step.preset && !o.force && isUsersGraph(doc()) && presetByName(step.preset) && modelText(presetByName(step.preset)!.doc) !== modelText(doc())) {
    useLesson.setState({ confirm: id });
    return;
  }
  useLesson.setState({ busy: id, confirm: null });
  try {
    if (step.preset) loadPreset(step.preset);
    setVerdict(id, await act(id));
  } catch (e) {
    setVerdict(id, { ok: false, text: `not this time, because ${(e as Error).message}` });
  } finally {
    useLesson.setState({ busy: null });
    arrange(step);
  }
}

async function act(id: LessonStepId): Promise<Verdict> {
  switch (id) {
    case 'cell':
      return unrollStep();
    case 'train':
      return trainStep();
    case 'gradient':
      return gradientStep();
    case 'gates':
      return gatesStep();
    case 'race':
      return raceStep();
    case 'shapes':
      return shapesStep();
    case 'export':
      return exportStep();
    case 'attention':
      return attentionStep();
    default:
      return assertNever(id);
  }
}

/** The recurrent layer to unroll: the selected one (or its Bidirectional wrapper), else the first. */
function recurrentNodeId(d: GraphDoc): string | undefined {
  const sel = useStore.getState().selection[0];
  const node = d.nodes.find((n) => n.id === sel);
  if (node && isRecurrentKind(node.data.kind)) return node.parentId ?? node.id;
  const first = d.nodes.find((n) => isRecurrentKind(n.data.kind));
  return first?.parentId ?? first?.id;
}

async function unrollStep(): Promise<Verdict> {
  const d = doc();
  const layerId = recurrentNodeId(d);
  if (!layerId) throw new Error('the graph has no recurrent layer.');
  selectNodes([d.nodes.find((n) => n.parentId === layerId)?.id ?? layerId]);
  const u = await unrollLayer(d, { layerId, steps: STRIP_STEPS });
  useLesson.setState({ strip: u });
  return checkStrip(stripFacts(u));
}

/** Per shown step, the largest change of any unit of h (h_0 = 0). */
export function stripFacts(u: UnrollMessage) {
  const H = u.units;
  const change = Array.from({ length: u.steps }, (_, t) => {
    let m = 0;
    for (let j = 0; j < H; j++) m = Math.max(m, Math.abs(u.h[t * H + j] - (t ? u.h[(t - 1) * H + j] : 0)));
    return m;
  });
  return { layer: u.layer, example: u.example + 1, length: u.length, change, mask: u.mask ? Array.from(u.mask) : null };
}

async function trainStep(): Promise<Verdict> {
  setDockTab('training');
  await startTraining(doc(), { steps: TRAIN_STEPS });
  const t = useTraining.getState();
  if (t.status !== 'done' || !t.final || !t.info) throw new Error(t.message ?? `training ended with status ${t.status}.`);
  if (t.info.baseline.metric === undefined) throw new Error(`the task ${t.info.title} has no class accuracy to compare with.`);
  await tryModel();
  const tr = useTraining.getState().tryResult;
  return checkTrain({
    task: t.info.title, steps: t.progress?.step ?? TRAIN_STEPS, valLoss: t.final.loss, baselineLoss: t.info.baseline.loss,
    accuracy: t.final.metric, baselineAccuracy: t.info.baseline.metric,
    tried: tr ? { input: tr.input, output: tr.output } : null,
  });
}

async function gradientStep(): Promise<Verdict> {
  setDockTab('inside');
  await probeAtLengths(doc(), GRADIENT_LENGTHS);
  const { runs, error } = useInside.getState();
  if (error) throw new Error(error);
  return checkGradient({
    curves: runs.flatMap((r) => {
      const p = r.probe;
      const d = p?.directions[0];
      if (!p || !d) return [];
      const g = medianPerStep(d.dh, d.mask, p.seqLen, p.batch);
      return [{ T: p.seqLen, ratio: (g[0] ?? 0) / (g[p.seqLen - 1] ?? NaN) }];
    }),
  });
}

async function gatesStep(): Promise<Verdict> {
  setDockTab('inside');
  const weights = await probeCurrentGraph(doc());
  const s = useInside.getState();
  const p = s.runs.find((r) => r.id === 'graph')?.probe;
  const d = p?.directions.find((x) => x.kind === 'LSTM');
  if (!weights || !p || !d) throw new Error(s.error ?? 'the graph has no LSTM to probe.');
  const range = (g: string, e: number) => exampleRange(d.gates[g], d.mask, p.seqLen, p.batch, d.units, e);
  // The example whose cell state goes furthest is the one that shows c adding up: the heatmaps show it, the verdict quotes it.
  let e = 0;
  for (let b = 1; b < p.batch; b++) if (range('c', b).maxAbs > range('c', e).maxAbs) e = b;
  setExample(e);
  const f = range('f', e);
  return checkGates({ weights, example: e + 1, steps: f.steps, fMin: f.min, fMax: f.max, fMean: f.mean, cMaxAbs: range('c', e).maxAbs, hMaxAbs: range('h', e).maxAbs });
}

/** The race at its defaults (RACE_DEFAULTS, the same settings as the Inside tab and `rnn-studio race`). */
async function raceStep(): Promise<Verdict> {
  setDockTab('inside');
  await runRace(doc());
  const { race, error } = useInside.getState();
  if (error) throw new Error(error);
  if (!race) throw new Error('the race did not start.');
  return checkRace(race.result);
}

async function shapesStep(): Promise<Verdict> {
  setDockTab('summary');
  requestFit();
  const ir = compiledOf(doc()).ir;
  if (!ir) throw new Error('the graph does not compile; see Problems.');
  return checkShapes({
    layers: ir.layers.filter((l) => l.kind === 'Bidirectional' && l.inner).map((l) => ({
      name: l.name, units: l.inner!.params.units as number, mergeMode: l.params.mergeMode as string,
      returnSequences: l.inner!.params.returnSequences as boolean, dims: l.outputShape.dims,
    })),
  });
}

/** Recurrent modules in exported PyTorch code, with the input size each reads (its first argument). */
export function pytorchModules(code: string): number[] {
  return [...code.matchAll(/(?:\bnn\.(?:LSTM|GRU|RNN)\(|\bLoopRNN\((?:'[^']*'|"[^"]*"), )(\d+)/g)].map((m) => Number(m[1]));
}

async function exportStep(): Promise<Verdict> {
  setDockTab('export');
  const d = doc();
  const ir = compiledOf(d).ir;
  if (!ir) throw new Error('the graph does not compile; see Problems.');
  const file = MAIN_FILE.pytorch;
  const code = exportFiles(ir, 'pytorch', { title: d.meta?.name ?? 'RNN Studio model', training: d.training, trained: false })[file];
  const sizes = pytorchModules(code);
  const directions = ir.layers.reduce((n, l) => n + (isRecurrentKind(l.kind) ? 1 : l.kind === 'Bidirectional' ? 2 : 0), 0);
  return checkExport({ target: 'PyTorch', file, directions, modules: sizes.length, inputSizes: sizes });
}

/** The graph trained without and with its attention at ATTENTION_PAIR_DEFAULTS (the Inside tab's store action). */
async function attentionStep(): Promise<Verdict> {
  setDockTab('inside');
  await runAttentionPair(doc());
  const { pair, error } = useInside.getState();
  if (error) throw new Error(error);
  if (!pair) throw new Error('the pair did not start.');
  return checkAttention(attentionFacts(pair.result));
}
