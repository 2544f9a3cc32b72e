/**
 * Test doubles for the runs' storage (src/runtime/runs.ts): a Map for the index, and a Map of tfjs model artifacts
 * for the weights, reachable by tfjs as `memory://<key>` (save and load routers registered once per test file).
 */
import * as tf from '@tensorflow/tfjs';
import { Runs, type RunGroup } from '../../src/runtime/runs.ts';

export const MEMORY = 'memory://';

/** The weights saved by tfjs under `memory://`, by full URL. */
export function memoryModels(): Map<string, tf.io.ModelArtifacts> {
  const store = new Map<string, tf.io.ModelArtifacts>();
  tf.io.registerSaveRouter((url) => (typeof url === 'string' && url.startsWith(MEMORY) ? { save: async (a) => (store.set(url, a), { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) }) } : (null as unknown as tf.io.IOHandler)));
  tf.io.registerLoadRouter((url) => (typeof url === 'string' && store.has(url) ? { load: async () => store.get(url)! } : (null as unknown as tf.io.IOHandler)));
  return store;
}

/** Runs over `models` (weights under `scheme`) with an index held in the returned map. */
export function memoryRuns(models: Map<string, tf.io.ModelArtifacts> = new Map(), scheme = MEMORY): { runs: Runs; index: Map<string, RunGroup> } {
  const index = new Map<string, RunGroup>();
  const runs = new Runs(
    { get: async (k) => structuredClone(index.get(k)), set: async (k, g) => void index.set(k, structuredClone(g)) },
    {
      bytes: async (k) => (models.has(scheme + k) ? tf.io.getModelArtifactsInfoForJSON(models.get(scheme + k)!).weightDataBytes ?? 0 : null),
      copy: async (from, to) => {
        if (!models.has(scheme + from)) throw new Error(`no model at ${from}`);
        models.set(scheme + to, models.get(scheme + from)!);
      },
      remove: async (k) => void models.delete(scheme + k),
    },
  );
  return { runs, index };
}
