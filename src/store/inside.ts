/**
 * The "look inside" store: probe results, recorded snapshots and race runs, plus the linked-view state every panel
 * shares (hovered timestep, selected units, unit order). Separate from the graph store: undo never touches it and
 * no per-step data goes into node.data. Actions are module-level so the worker client and tests call them directly.
 */
import * as Comlink from 'comlink';
import { create } from 'zustand';
import { batcher } from './batch.ts';
import { serializeDocument, type GraphDoc } from '../graph/index.ts';
import type { AttentionProbe, DirectionProbe, JacobianResult, LayerSummary, Snapshot } from '../runtime/probes/index.ts';
import type { InsideWorker } from '../runtime/probes/inside.worker.ts';
import type { RaceEvent, UnrollMessage } from '../runtime/probes/race.ts';
import { raceSettings, type RaceOptions, type RaceResult, type RaceSettings } from '../runtime/probes/race-settings.ts';
import type { AttentionPairEvent } from '../runtime/probes/attention-pair.ts';
import { attentionPairSettings, PAIR_LABELS, type AttentionPairOptions, type AttentionPairResult, type PairRun } from '../runtime/probes/attention-pair-settings.ts';

export { RACE_DEFAULTS, RACE_RANGES, raceVerdict, type RaceModelResult, type RaceOptions, type RaceResult, type RaceSettings } from '../runtime/probes/race-settings.ts';
export { attentionPairSentences, flowSentence, probeSentences, raceSentences, ratioLegend } from '../runtime/probes/sentences.ts';

export type { DirectionProbe, LayerSummary, Snapshot, UnrollMessage };
// Pure statistics over probe arrays (no tfjs inside), re-exported for the panels.
export { argmaxAgreement, exampleRange, gateMeanPerStep, gradRatio, iqrPerStep, medianPerStep, retentionPerStep, saturation, unitMeans } from '../runtime/probes/stats.ts';

/** One direction as the panels need it: the typed probe arrays and, when computed, the Jacobian of example 0. */
export interface DirectionView extends DirectionProbe {
  jacobian?: Pick<JacobianResult, 'frobenius' | 'sigmaMax'>;
}

/** A full probe of one model on the probe batch. */
export interface ProbeView {
  seqLen: number;
  batch: number;
  loss: number;
  directions: DirectionView[];
  /** Per example, a short label per timestep (token or value), input order, for the time axis. */
  labels: string[][];
  /** The model input whose steps `labels` name; a direction reading another input (a decoder) has no labels. */
  labelsInput: number;
  /** An encoder–decoder: per example, the target token of each decoder step. */
  outputLabels?: string[][];
  /** Per attention layer, its weights on the probe batch ([B, Tq, Tv]). */
  attention?: AttentionProbe[];
}

/** One point of the training-health strip (P8). */
export interface HealthPoint {
  step: number;
  loss: number;
  /** Global gradient norm before clipping. */
  gradNorm?: number;
  clipped?: boolean;
}

export interface InsideRun {
  id: string;
  /** What the legend says: "LSTM", "GRU", "this graph", … */
  label: string;
  colour: string;
  /** A race's models wait their turn; one stopped before it finished (or before it started) says so. */
  status: 'idle' | 'waiting' | 'running' | 'done' | 'stopped' | 'error';
  message?: string;
  baseline?: number;
  snapshots: Snapshot[];
  health: HealthPoint[];
  probe: ProbeView | null;
}

export type UnitOrder = 'index' | 'mean' | 'cluster';

export interface InsideState {
  runs: InsideRun[];
  /** The run whose probe the per-model panels (heatmaps, Jacobian, saturation) show. */
  activeRun: string | null;
  /** Index into the active probe's directions. */
  direction: number;
  /** The example of the probe batch shown in per-example views. */
  example: number;
  /** Shared time cursor (0-based step), null when the pointer is elsewhere. */
  hoverT: number | null;
  selectedUnits: number[];
  unitOrder: UnitOrder;
  busy: string | null;
  error: string | null;
  /** The Training tab records a snapshot every this many steps (0 = off); panels.md default 50. */
  recordEvery: number;
  /**
   * The latest race: the settings it ran with and its results so far (one entry per finished model, in the shape
   * `rnn-studio race --json` prints). The lesson reads it through `selectRace`.
   */
  race: { settings: RaceSettings; result: RaceResult; status: 'running' | 'done' | 'stopped' | 'error' } | null;
  /** The latest with/without-attention pair: its results so far (the lesson reads it through `selectPair`). */
  pair: { result: AttentionPairResult; status: 'running' | 'done' | 'stopped' | 'error' } | null;
}

const initial = (): InsideState => ({
  runs: [], activeRun: null, direction: 0, example: 0, hoverT: null, selectedUnits: [], unitOrder: 'index', busy: null, error: null, recordEvery: 50, race: null, pair: null,
});

export const useInside = create<InsideState>()(initial);
export const resetInside = () => useInside.setState(initial(), true);
/** Forgets every run, probe and race (a different graph is on the canvas now); the user's settings stay. */
export const clearRuns = () => useInside.setState({ runs: [], activeRun: null, race: null, pair: null, direction: 0, example: 0, hoverT: null, selectedUnits: [], error: null });

/** Colours per recurrent kind (Okabe–Ito, colour-blind safe) so a race reads the same everywhere. */
export const RUN_COLOURS: Record<string, string> = { SimpleRNN: '#d55e00', LSTM: '#0072b2', GRU: '#009e73', graph: '#cc79a7' };

// ── selectors ──────────────────────────────────────────────────────────────────────────────────────────
export const selectRuns = (s: InsideState) => s.runs;
export const selectActiveRun = (s: InsideState) => s.runs.find((r) => r.id === s.activeRun) ?? s.runs[0] ?? null;
export const selectActiveProbe = (s: InsideState) => selectActiveRun(s)?.probe ?? null;
export const selectActiveDirection = (s: InsideState): DirectionView | null => {
  const p = selectActiveProbe(s);
  return p ? (p.directions[Math.min(s.direction, p.directions.length - 1)] ?? null) : null;
};
export const selectHoverT = (s: InsideState) => s.hoverT;
export const selectSelectedUnits = (s: InsideState) => s.selectedUnits;
/** The latest race (settings, results of the models finished so far, status), or null. Stable API for the lesson. */
export const selectRace = (s: InsideState) => s.race;
export const selectPair = (s: InsideState) => s.pair;
/** The race or the with/without-attention pair is training: what Stop stops. */
export const selectIsTraining = (s: InsideState) => s.race?.status === 'running' || s.pair?.status === 'running';

// ── actions (none is recorded in the undo history) ────────────────────────────────────────────────────
export const setHoverT = (t: number | null) => {
  if (useInside.getState().hoverT !== t) useInside.setState({ hoverT: t });
};
export const selectUnits = (units: number[]) => useInside.setState({ selectedUnits: [...new Set(units)].sort((a, b) => a - b) });
export const setUnitOrder = (unitOrder: UnitOrder) => useInside.setState({ unitOrder });
export const setDirection = (direction: number) => useInside.setState({ direction, selectedUnits: [] });
export const setExample = (example: number) => useInside.setState({ example });
export const setActiveRun = (activeRun: string) => useInside.setState({ activeRun, selectedUnits: [] });
export const setRecordEvery = (n: number) => useInside.setState({ recordEvery: Math.max(0, Math.round(n)) });
export const setBusy = (busy: string | null, error: string | null = null) => useInside.setState({ busy, error });

const patchRun = (id: string, f: (r: InsideRun) => InsideRun) =>
  useInside.setState((s) => ({ runs: s.runs.map((r) => (r.id === id ? f(r) : r)) }));

/** Replaces the runs (a new race or a new probe of the graph), each in `status`. The first becomes active. */
export const startRuns = (runs: Pick<InsideRun, 'id' | 'label' | 'colour' | 'baseline'>[], status: InsideRun['status'] = 'running') =>
  useInside.setState({
    runs: runs.map((r) => ({ ...r, status, snapshots: [], health: [], probe: null })),
    activeRun: runs[0]?.id ?? null, direction: 0, selectedUnits: [], error: null,
  });
export const addSnapshot = (id: string, snap: Snapshot) => patchRun(id, (r) => ({ ...r, snapshots: [...r.snapshots, snap] }));
export const addHealth = (id: string, points: HealthPoint[]) => patchRun(id, (r) => ({ ...r, health: [...r.health, ...points] }));
export const setRunProbe = (id: string, probe: ProbeView) => patchRun(id, (r) => ({ ...r, probe }));
export const finishRun = (id: string, status: 'done' | 'stopped' | 'error', message?: string) => patchRun(id, (r) => ({ ...r, status, message }));

// A race step takes a few ms in the worker: its loss points are applied ten times a second, so that drawing them
// leaves the CPU to the training (on 2 cores, drawing every step made the race in the browser several times slower).
const raceSteps = batcher<Extract<RaceEvent, { type: 'step' }>>((batch) => {
  for (const run of new Set(batch.map((e) => e.run)))
    addHealth(run, batch.filter((e) => e.run === run).map((e) => ({ step: e.step, loss: e.loss, gradNorm: e.gradNorm, clipped: e.clipped })));
}, 100);

/** Applies one race event from the worker to the store (step events batched, in order with the others). */
export function applyRaceEvent(e: RaceEvent) {
  if (e.type === 'step') return raceSteps.push(e);
  raceSteps.flush();
  switch (e.type) {
    case 'start':
      useInside.setState((s) => (s.race ? { race: { ...s.race, result: { ...s.race.result, baseline: e.baseline } } } : {}));
      return patchRun(e.run, (r) => ({ ...r, baseline: e.baseline, status: 'running' }));
    case 'snapshot':
      return addSnapshot(e.run, e.snapshot);
    case 'probe':
      return setRunProbe(e.run, e.probe);
    case 'done':
      if (e.result) {
        const m = e.result;
        // Once per kind: the worker's final result may already hold it when this event arrives.
        useInside.setState((s) => (s.race ? { race: { ...s.race, result: { ...s.race.result, models: [...s.race.result.models.filter((x) => x.kind !== m.kind), m] } } } : {}));
      }
      return finishRun(e.run, e.result ? 'done' : 'stopped', e.message);
    case 'error':
      return finishRun(e.run, 'error', e.message);
  }
}

/**
 * A snapshot recorded while the Training tab trains: step 0 starts the run "training" (replacing earlier runs), later
 * ones extend its gradient flow and health strip.
 */
export function recordTrainingSnapshot(snap: Snapshot) {
  if (snap.step === 0 || !useInside.getState().runs.some((r) => r.id === 'training'))
    startRuns([{ id: 'training', label: 'Training tab run', colour: RUN_COLOURS.graph }]);
  addSnapshot('training', snap);
  addHealth('training', [{ step: snap.step, loss: snap.loss }]);
}

// ── the worker client ─────────────────────────────────────────────────────────────────────────────────
let worker: Comlink.Remote<InsideWorker> | null = null;
export const getWorker = () =>
  (worker ??= Comlink.wrap<InsideWorker>(new Worker(new URL('../runtime/probes/inside.worker.ts', import.meta.url), { type: 'module' })));

export interface ProbeRequest {
  task?: string;
  seqLen?: number;
  probeBatch?: number;
}

/**
 * Probes the graph (its trained weights when the Training tab saved some, else imported ones, else its initial ones); the result becomes
 * the single run "this graph". Resolves to which weights were used, or null when the probe failed.
 */
export async function probeCurrentGraph(doc: GraphDoc, req: ProbeRequest = {}): Promise<'trained' | 'imported' | 'initial' | null> {
  setBusy('Probing the graph…');
  try {
    const { probe, weights } = await getWorker().probe(serializeDocument(doc), req);
    startRuns([{ id: 'graph', label: `this graph (${weights} weights)`, colour: RUN_COLOURS.graph }]);
    setRunProbe('graph', probe);
    finishRun('graph', 'done');
    setBusy(null);
    return weights;
  } catch (e) {
    setBusy(null, (e as Error).message);
    return null;
  }
}

/** Colours for probes of one graph at several lengths (shortest first). */
const LENGTH_COLOURS = ['#56b4e9', '#e69f00', '#d55e00', '#000000'];

/** Probes the graph once per sequence length; each becomes a run "T = n", so the gradient panel overlays them. */
export async function probeAtLengths(doc: GraphDoc, lengths: readonly number[]) {
  startRuns(lengths.map((T, k) => ({ id: `T=${T}`, label: `T = ${T}`, colour: LENGTH_COLOURS[k % LENGTH_COLOURS.length] })));
  setBusy(`Probing at T = ${lengths.join(', ')}…`);
  try {
    for (const T of lengths) {
      const { probe } = await getWorker().probe(serializeDocument(doc), { seqLen: T });
      setRunProbe(`T=${T}`, probe);
      finishRun(`T=${T}`, 'done');
    }
    setBusy(null);
  } catch (e) {
    setBusy(null, (e as Error).message);
  }
}

/** The first `steps` steps of one probe example through recurrent layer `layerId` (see runtime `unrollGraph`). */
export const unrollLayer = (doc: GraphDoc, req: { layerId?: string; steps: number }): Promise<UnrollMessage> => getWorker().unroll(serializeDocument(doc), req);

/** Once a race has ended, no model of it is still waiting or running: those were stopped. */
const settle = (runs: InsideRun[]) => runs.map((r) => (r.status === 'waiting' || r.status === 'running' ? { ...r, status: 'stopped' as const } : r));

let raceGen = 0;
let raceDone: Promise<void> = Promise.resolve();

/**
 * The race: SimpleRNN, LSTM and GRU variants of the graph, trained one after the other in the worker with
 * RACE_DEFAULTS overridden by `opts` (e.g. `{ seqLen }` from the T slider). A race already running is stopped
 * first, and its late events are dropped. Resolves when this race has finished; `selectRace` holds the result.
 * Stable API for the lesson: `runRace(doc)` runs the defaults, `runRace(doc, { seqLen: T })` another T.
 */
export async function runRace(doc: GraphDoc, opts: RaceOptions = {}): Promise<void> {
  const gen = ++raceGen;
  void worker?.stop();
  await raceDone;
  if (gen !== raceGen) return; // a newer race was asked for while this one waited
  const settings = raceSettings(doc, opts);
  raceSteps.flush(); // the last steps of the race stopped above, into its runs before they are replaced
  startRuns(['SimpleRNN', 'LSTM', 'GRU'].map((k) => ({ id: k, label: k, colour: RUN_COLOURS[k] })), 'waiting');
  useInside.setState({
    activeRun: 'LSTM',
    race: { settings, status: 'running', result: { task: settings.task, seqLen: settings.seqLen, steps: settings.steps, baseline: NaN, models: [] } },
  });
  setBusy('Racing…');
  const onEvent = (e: RaceEvent) => {
    if (gen === raceGen) applyRaceEvent(e);
  };
  const run = getWorker().race(serializeDocument(doc), { ...opts, ...settings }, Comlink.proxy(onEvent));
  raceDone = run.then(() => undefined, () => undefined);
  try {
    const result = await run;
    raceSteps.flush();
    if (gen !== raceGen) return;
    const status = result.models.length === 3 ? 'done' : 'stopped';
    useInside.setState((s) => ({ race: s.race && { ...s.race, result, status }, runs: settle(s.runs) }));
    setBusy(null);
  } catch (e) {
    if (gen !== raceGen) return;
    useInside.setState((s) => ({ race: s.race && { ...s.race, status: 'error' }, runs: settle(s.runs) }));
    setBusy(null, (e as Error).message);
  }
}

/** Stops the race or the with/without-attention pair that is running (the worker runs one at a time). */
export const stopInsideTraining = () => void worker?.stop();

const PAIR_COLOURS: Record<PairRun, string> = { without: '#d55e00', with: '#0072b2' };

/**
 * The graph (which has an attention layer) trained without and with its attention in the worker, with
 * ATTENTION_PAIR_DEFAULTS overridden by `opts`; both become runs, so the gradient panel overlays the encoder's
 * curves. Resolves when both have finished; `selectPair` holds the result.
 */
export async function runAttentionPair(doc: GraphDoc, opts: AttentionPairOptions = {}): Promise<void> {
  const gen = ++raceGen;
  void worker?.stop();
  await raceDone;
  if (gen !== raceGen) return;
  const s = attentionPairSettings(opts);
  startRuns((['without', 'with'] as const).map((k) => ({ id: k, label: PAIR_LABELS[k], colour: PAIR_COLOURS[k] })), 'waiting');
  useInside.setState({ race: null, pair: { status: 'running', result: { ...s, baseline: NaN, models: [] } } });
  setBusy('Training with and without attention…');
  const onEvent = (e: AttentionPairEvent) => {
    if (gen !== raceGen) return;
    // The gradient panel shows the encoder: the direction reading the source.
    if (e.type === 'probe') setDirection(Math.max(0, e.probe.directions.findIndex((d) => d.input === e.probe.labelsInput)));
    if (e.type !== 'done') return applyRaceEvent(e);
    raceSteps.flush();
    const m = e.result;
    if (m) useInside.setState((st) => (st.pair ? { pair: { ...st.pair, result: { ...st.pair.result, models: [...st.pair.result.models.filter((x) => x.run !== m.run), m] } } } : {}));
    finishRun(e.run, m ? 'done' : 'stopped');
  };
  const run = getWorker().attentionPair(serializeDocument(doc), opts, Comlink.proxy(onEvent));
  raceDone = run.then(() => undefined, () => undefined);
  try {
    const result = await run;
    raceSteps.flush();
    if (gen !== raceGen) return;
    useInside.setState((st) => ({ pair: { result, status: result.models.length === 2 ? 'done' : 'stopped' }, runs: settle(st.runs) }));
    setBusy(null);
  } catch (e) {
    if (gen !== raceGen) return;
    useInside.setState((st) => ({ pair: st.pair && { ...st.pair, status: 'error' }, runs: settle(st.runs) }));
    setBusy(null, (e as Error).message);
  }
}
