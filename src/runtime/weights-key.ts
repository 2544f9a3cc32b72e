/**
 * The IndexedDB key of a graph's trained weights: a hash of what determines the weights' shapes and meaning — layers,
 * params and wiring, and the data they were trained on: the task, the seed and, for a CSV, its text (word ids come
 * from a vocabulary built on the seeded training split, so another seed or another file gives other ids). Not of
 * positions or names on the canvas.
 */
import type { ModelIR } from '../compiler/index.ts';
import type { LayerKind, Params } from '../graph/types.ts';
import { specOf } from '../layers/index.ts';

export interface DataIdentity {
  task: string;
  /** The run seed (data split, vocabulary); absent for weights that depend on no data (imported ones). */
  seed?: number;
  /** The CSV file's text, when the task is the user's CSV. */
  csv?: string;
}

/** Where a graph's weights come from: training in the app, an imported model file, or the seeded initialisers. */
export type WeightsSource = 'trained' | 'imported' | 'initial';

/** The task id under which imported weights (a Keras file, a TF.js model.json) are stored for a graph. */
export const IMPORTED_TASK = 'imported';

/** The stored weights to look for, in order: the ones trained on this data, then imported ones (each also under its key of before 2026-12-08). */
export const savedWeightKeys = (ir: ModelIR, data: DataIdentity): { key: string; source: WeightsSource }[] => [
  { key: weightsKey(ir, data), source: 'trained' },
  { key: legacyWeightsKey(ir, data), source: 'trained' },
  { key: weightsKey(ir, { task: IMPORTED_TASK }), source: 'imported' },
  { key: legacyWeightsKey(ir, { task: IMPORTED_TASK }), source: 'imported' },
];

export const weightsKey = (ir: ModelIR, data: DataIdentity): string => dataKey(data, layersOf(ir, changedParams));

/** The key of a graph's list of training runs (runs.ts): the graph alone, so runs on every task and seed are listed together. */
export const graphKey = (ir: ModelIR): string => `rnn-studio-runs-${hash(JSON.stringify(layersOf(ir, changedParams)))}`;

/**
 * The key weights were stored under until 2026-12-08, when keys hashed every param: those params then, i.e. today's
 * without the ones added since. Read only, so weights trained before are still found (and adopted as a run).
 */
export const legacyWeightsKey = (ir: ModelIR, data: DataIdentity): string => dataKey(data, layersOf(ir, (_kind, p) => omit(p, PARAMS_ADDED_SINCE_FULL_KEYS)));
const PARAMS_ADDED_SINCE_FULL_KEYS = ['twoBiases'];

const dataKey = (data: DataIdentity, layers: unknown[]) => `rnn-studio-weights-${hash(JSON.stringify([data.task, data.seed ?? null, data.csv ?? null, layers]))}`;

type ParamsView = (kind: LayerKind, p: Params) => Params;

const layersOf = (ir: ModelIR, view: ParamsView) =>
  ir.layers.map((l) => [l.kind, view(l.kind, l.params), l.inputs, l.inner?.kind, l.inner && view(l.inner.kind, l.inner.params)]);

/**
 * A layer's params without those at their kind's default: a param added later, whose default keeps the old meaning,
 * leaves the key of every graph made before it (and so its weights and runs) where it was.
 */
const changedParams: ParamsView = (kind, p) => {
  const specs = specOf(kind).params;
  return omit(p, Object.keys(p).filter((k) => specs[k]?.default === p[k]));
};

const omit = (p: Params, names: string[]): Params => Object.fromEntries(Object.entries(p).filter(([k]) => !names.includes(k)));

/** FNV-1a, twice with different offsets for 64 bits of key. */
function hash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    a = Math.imul(a ^ text.charCodeAt(i), 0x01000193);
    b = Math.imul(b ^ text.charCodeAt(i), 0x5bd1e995);
  }
  return `${(a >>> 0).toString(16).padStart(8, '0')}${(b >>> 0).toString(16).padStart(8, '0')}`;
}
