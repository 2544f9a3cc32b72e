/**
 * Builds the tfjs model for an IR and fills it with given weights (or keeps its seeded initial weights). With
 * weights, no initializer runs: their values would be overwritten at once.
 */
import type * as tf from '@tensorflow/tfjs';
import type { ModelIR } from '../compiler/index.ts';
import { buildModel } from './build.ts';
import { decodeWeights, loadWeights } from './weights.ts';

/** Weights in the TF.js manifest format, already named as the compiled graph names its layers. */
export interface WeightBytes {
  entries: tf.io.WeightsManifestEntry[];
  bytes: Uint8Array;
}

export function modelWithWeights(ir: ModelIR, weights?: WeightBytes): tf.LayersModel {
  const model = buildModel(ir, { initialize: !weights });
  if (weights) {
    const named = decodeWeights(weights.entries, weights.bytes);
    try {
      loadWeights(model, named);
    } catch (e) {
      model.dispose();
      throw e;
    } finally {
      Object.values(named).forEach((t) => t.dispose());
    }
  }
  return model;
}
