/** The weights stored for a graph: the ones the Training tab saved for this data, else the imported ones. */
import * as tf from '@tensorflow/tfjs';
import type { ModelIR } from '../compiler/index.ts';
import { savedWeightKeys, type DataIdentity, type WeightsSource } from './weights-key.ts';

/** The first stored model among the graph's saved-weight keys under `storage` (e.g. `indexeddb://`), or null; the caller disposes it. */
export async function loadSavedWeights(ir: ModelIR, data: DataIdentity, storage: string): Promise<{ saved: tf.LayersModel; source: WeightsSource } | null> {
  const stored = await tf.io.listModels();
  for (const { key, source } of savedWeightKeys(ir, data)) if (storage + key in stored) return { saved: await tf.loadLayersModel(storage + key), source };
  return null;
}
