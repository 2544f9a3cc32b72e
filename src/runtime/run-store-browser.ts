/**
 * The runs' storage in the browser (runs.ts): the index in its own IndexedDB database, one small record per graph;
 * the weights in tfjs's IndexedDB model store, next to the weights in use.
 */
import * as tf from '@tensorflow/tfjs';
import { Runs, type RunGroup, type RunIndex, type WeightStore } from './runs.ts';

const DB = 'rnn-studio-runs';
const STORE = 'graphs';

function idbIndex(): RunIndex {
  let db: Promise<IDBDatabase> | null = null;
  const open = () => (db ??= new Promise<IDBDatabase>((resolve, reject) => {
    const r = indexedDB.open(DB, 1);
    r.onupgradeneeded = () => r.result.createObjectStore(STORE);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(new Error(`This browser refuses IndexedDB (${r.error?.message ?? 'no reason given'}), so runs cannot be kept.`));
  }).catch((e) => {
    db = null;
    throw e;
  }));
  const request = async <T>(mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest): Promise<T> => {
    const d = await open();
    return new Promise<T>((resolve, reject) => {
      const q = f(d.transaction(STORE, mode).objectStore(STORE));
      q.onsuccess = () => resolve(q.result as T);
      q.onerror = () => reject(q.error);
    });
  };
  return {
    get: (key) => request<RunGroup | undefined>('readonly', (s) => s.get(key)),
    set: (key, group) => request<void>('readwrite', (s) => s.put(group, key)),
  };
}

/** tfjs's model store under `scheme` (e.g. `indexeddb://`). */
function tfWeightStore(scheme: string): WeightStore {
  return {
    bytes: async (key) => (await tf.io.listModels())[scheme + key]?.weightDataBytes ?? null,
    copy: async (from, to) => void (await tf.io.copyModel(scheme + from, scheme + to)),
    remove: async (key) => void (await tf.io.removeModel(scheme + key)),
  };
}

export const browserRuns = (scheme: string) => new Runs(idbIndex(), tfWeightStore(scheme));
