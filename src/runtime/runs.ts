/**
 * Training runs: every run's trained weights are kept under their own key, listed per graph in a small index, and
 * never deleted except by the user. The weights "in use" for a graph and its data (try it, the Inside tab's probes,
 * exports) stay under the graph's weights key (weights-key.ts), which holds a copy of one run: the latest, or the
 * one the user restored. Weights stored there before runs existed are adopted as a run before anything replaces them.
 *
 * The storage is injected (`RunIndex`, `WeightStore`): IndexedDB in the worker (run-store-browser.ts), maps in tests.
 */
import type { TrainSettings } from './train.ts';

/** One kept run: what the Training tab lists. Small: the weights live elsewhere, under `runWeightsKey(id)`. */
export interface RunMeta {
  id: string;
  name: string;
  /** The weights key (graph + data) this run's weights belong to: it can be restored only on the same data. */
  dataKey: string;
  task: string;
  seed: number;
  /** The CSV file's name, when trained on the user's CSV. */
  csvName?: string;
  savedAt: string;
  steps: number;
  status: 'done' | 'stopped' | 'nan' | 'adopted';
  /** 'accuracy' for classifiers, 'MSE' for regression: the name of `val.metric` and `lastBatch.metric`. */
  metricName: 'accuracy' | 'MSE';
  /** On the validation split, at the end of the run. */
  val: { loss: number; metric: number };
  /** The last training batch's values (null for adopted weights, which did not record them). */
  lastBatch: { loss: number; metric: number } | null;
  settings: TrainSettings;
  /** Bytes of the stored weights. */
  bytes: number;
  /** The validation curve: [step, loss, metric] at every evaluation (at most 200, evenly thinned). */
  evals: [number, number, number][];
}

/** The user's storage limit for one graph's runs; absent fields are no limit. */
export interface RunLimit {
  count?: number;
  mb?: number;
}

/** One graph's runs: the index entry under its graph key. */
export interface RunGroup {
  runs: RunMeta[];
  /** Which run the weights in use hold, per data key. */
  active: Record<string, string>;
  limit: RunLimit;
}

/** What the Training tab shows: the graph's runs, the one in use for the current data, the limit and its use. */
export interface RunsView {
  runs: RunMeta[];
  dataKey: string;
  active: string | null;
  limit: RunLimit;
  bytes: number;
}

/** The index of runs, by graph key (a value per key). */
export interface RunIndex {
  get(graphKey: string): Promise<RunGroup | undefined>;
  set(graphKey: string, group: RunGroup): Promise<void>;
}

/** Stored weights by key: their size (null when absent), a copy, a removal. Saving and loading go through tfjs URLs. */
export interface WeightStore {
  bytes(key: string): Promise<number | null>;
  copy(from: string, to: string): Promise<void>;
  remove(key: string): Promise<void>;
}

export const runWeightsKey = (id: string) => `rnn-studio-run-${id}`;

const emptyGroup = (): RunGroup => ({ runs: [], active: {}, limit: {} });

const usedBytes = (g: Pick<RunGroup, 'runs'>) => g.runs.reduce((a, r) => a + r.bytes, 0);

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(bytes < 1e5 ? 3 : 1)} MB`;

/**
 * Why one more run of `bytes` may not be kept under the group's limit, or null when it may. Nothing is ever deleted to
 * make room: the user deletes runs or raises the limit.
 */
export function limitProblem(g: Pick<RunGroup, 'runs' | 'limit'>, bytes: number): string | null {
  const n = g.runs.length;
  const used = usedBytes(g);
  const kept = `This graph keeps ${n} run${n === 1 ? '' : 's'} (${mb(used)})`;
  const what = 'Delete runs you no longer need or raise the limit under Runs, then train again; no run was deleted.';
  if (g.limit.count !== undefined && n + 1 > g.limit.count) return `${kept}; the limit is ${g.limit.count} run${g.limit.count === 1 ? '' : 's'}, so a new run would not be kept. ${what}`;
  if (g.limit.mb !== undefined && used + bytes > g.limit.mb * 1e6) return `${kept}; a new run needs ${mb(bytes)} more and the limit is ${g.limit.mb} MB. ${what}`;
  return null;
}

/** At most `n` points of a curve, evenly spaced, the first and last included: the index stays small for long runs. */
export const thin = <T>(points: T[], n = 200): T[] =>
  points.length <= n ? points : Array.from({ length: n }, (_, i) => points[Math.round((i * (points.length - 1)) / (n - 1))]);

/** A new run's id: time, then randomness, so two tabs never pick the same one. */
export const newRunId = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

/**
 * The runs of every graph: list, keep, adopt, restore, rename, delete, limit. Each change reads the graph's record and
 * writes it back; changes run one at a time, so two of them (the tab listing runs while a run starts) never interleave.
 */
export class Runs {
  private last: Promise<unknown> = Promise.resolve();

  constructor(private readonly index: RunIndex, private readonly weights: WeightStore) {}

  private serial<T>(change: () => Promise<T>): Promise<T> {
    const r = this.last.then(change, change);
    this.last = r.catch(() => {});
    return r;
  }

  async group(graphKey: string): Promise<RunGroup> {
    return (await this.index.get(graphKey)) ?? emptyGroup();
  }

  async view(graphKey: string, dataKey: string): Promise<RunsView> {
    const g = await this.group(graphKey);
    return { runs: g.runs, dataKey, active: g.active[dataKey] ?? null, limit: g.limit, bytes: usedBytes(g) };
  }

  /**
   * Keeps the weights in use under `dataKey` as a run when no run accounts for them (stored before runs existed),
   * so that a new run cannot replace them. `describe` reads what the stored weights say about themselves.
   */
  adopt(graphKey: string, dataKey: string, describe: () => Promise<Omit<RunMeta, 'id' | 'dataKey' | 'bytes'>>, legacyDataKey?: string): Promise<void> {
    return this.serial(async () => {
      const g = await this.group(graphKey);
      if (g.active[dataKey]) return;
      // Weights stored under the key of an older scheme are copied to today's key (the old copy stays), then adopted.
      if (legacyDataKey && (await this.weights.bytes(dataKey)) === null && (await this.weights.bytes(legacyDataKey)) !== null) await this.weights.copy(legacyDataKey, dataKey);
      const bytes = await this.weights.bytes(dataKey);
      if (bytes === null) return;
      const id = newRunId();
      await this.weights.copy(dataKey, runWeightsKey(id));
      const run: RunMeta = { ...(await describe()), id, dataKey, bytes };
      await this.index.set(graphKey, { ...g, runs: [...g.runs, run], active: { ...g.active, [dataKey]: id } });
    });
  }

  /**
   * Lists a run whose weights were just saved under `runWeightsKey(run.id)`, as the one in use for its data; then
   * `putInUse` writes the same weights under the data key.
   */
  keep(graphKey: string, run: RunMeta, putInUse: () => Promise<void>): Promise<void> {
    return this.serial(async () => {
      const g = await this.group(graphKey);
      await this.index.set(graphKey, { ...g, runs: [...g.runs, run], active: { ...g.active, [run.dataKey]: run.id } });
      await putInUse();
    });
  }

  /** Makes run `id` the one in use for its data: its weights are copied under the data key. */
  restore(graphKey: string, id: string, dataKey: string): Promise<void> {
    return this.serial(async () => {
      const g = await this.group(graphKey);
      const run = g.runs.find((r) => r.id === id);
      if (!run) throw new Error('That run is no longer kept (deleted in another tab?).');
      if (run.dataKey !== dataKey) throw new Error(`"${run.name}" was trained on other data (task ${run.task}, seed ${run.seed}); set those to restore it.`);
      await this.weights.copy(runWeightsKey(id), dataKey);
      await this.index.set(graphKey, { ...g, active: { ...g.active, [dataKey]: id } });
    });
  }

  rename(graphKey: string, id: string, name: string): Promise<void> {
    return this.serial(async () => {
      const g = await this.group(graphKey);
      const clean = name.trim().slice(0, 80);
      if (!clean) throw new Error('A run needs a name.');
      await this.index.set(graphKey, { ...g, runs: g.runs.map((r) => (r.id === id ? { ...r, name: clean } : r)) });
    });
  }

  /** Deletes run `id`'s weights; when they are the ones in use, those go too (what is listed is what is kept). */
  remove(graphKey: string, id: string): Promise<void> {
    return this.serial(async () => {
      const g = await this.group(graphKey);
      const run = g.runs.find((r) => r.id === id);
      if (!run) return;
      const inUse = g.active[run.dataKey] === id;
      const active = Object.fromEntries(Object.entries(g.active).filter(([, v]) => v !== id));
      await this.index.set(graphKey, { ...g, runs: g.runs.filter((r) => r.id !== id), active });
      await this.weights.remove(runWeightsKey(id));
      if (inUse) await this.weights.remove(run.dataKey);
    });
  }

  setLimit(graphKey: string, limit: RunLimit): Promise<void> {
    return this.serial(async () => {
      for (const v of [limit.count, limit.mb]) if (v !== undefined && !(Number.isFinite(v) && v > 0)) throw new Error('A limit is a number above 0, or empty for none.');
      const g = await this.group(graphKey);
      await this.index.set(graphKey, { ...g, limit });
    });
  }
}
