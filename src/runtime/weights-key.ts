/**
 * The IndexedDB key of a graph's trained weights: a hash of what determines the weights' shapes and meaning — layers,
 * params and wiring, and the data they were trained on: the task, the seed and, for a CSV, its text (word ids come
 * from a vocabulary built on the seeded training split, so another seed or another file gives other ids). Not of
 * positions or names on the canvas.
 */
import type { ModelIR } from '../compiler/index.ts';

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

/** The stored weights to look for, in order: the ones trained on this data, then imported ones. */
export const savedWeightKeys = (ir: ModelIR, data: DataIdentity): { key: string; source: WeightsSource }[] => [
  { key: weightsKey(ir, data), source: 'trained' },
  { key: weightsKey(ir, { task: IMPORTED_TASK }), source: 'imported' },
];

export function weightsKey(ir: ModelIR, data: DataIdentity): string {
  return `rnn-studio-weights-${hash(JSON.stringify([data.task, data.seed ?? null, data.csv ?? null, layersOf(ir)]))}`;
}

/** The key of a graph's list of training runs (runs.ts): the graph alone, so runs on every task and seed are listed together. */
export const graphKey = (ir: ModelIR): string => `rnn-studio-runs-${hash(JSON.stringify(layersOf(ir)))}`;

const layersOf = (ir: ModelIR) => ir.layers.map((l) => [l.kind, l.params, l.inputs, l.inner?.kind, l.inner?.params]);

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
