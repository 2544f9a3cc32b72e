/**
 * Weights in the TF.js layers-model format (`model.json` + `weights.bin`), read and written without tfjs-node:
 * saving goes through `tf.io.withSaveHandler`, loading through `tf.io.decodeWeights` + `model.loadWeights`.
 *
 * Weight names are tfjs's own and stable: `<layer>/<weight>` (`lstm/kernel`, `lstm/recurrent_kernel`, `lstm/bias`,
 * `embedding/embeddings`, `dense/kernel`), and for a wrapper `<bidi>/forward_<inner>/<weight>` and
 * `<bidi>/backward_<inner>/<weight>`. The exported Python and JS loaders rely on exactly these names.
 */
import * as tf from '@tensorflow/tfjs';

/** The `model.json` of a TF.js layers model, as written by `model.save`. */
export interface ModelJson {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: null;
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

export interface Artifacts {
  modelJson: ModelJson;
  /** The bytes of `weights.bin`: every weight, float32 little-endian, in manifest order. */
  weightsBin: Uint8Array;
}

export const WEIGHTS_FILE = 'weights.bin';

/** Serialises a model's topology and current weights in memory. */
export async function saveArtifacts(model: tf.LayersModel): Promise<Artifacts> {
  let out: Artifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      out = {
        modelJson: {
          format: 'layers-model',
          generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers} (RNN Studio)`,
          convertedBy: null,
          modelTopology: a.modelTopology as object,
          weightsManifest: [{ paths: [WEIGHTS_FILE], weights: a.weightSpecs ?? [] }],
        },
        weightsBin: new Uint8Array(a.weightData as ArrayBuffer),
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return out!;
}

/** The weight entries of a manifest, in the order their bytes appear in the concatenated weight files. */
export function manifestEntries(json: Pick<ModelJson, 'weightsManifest'>): tf.io.WeightsManifestEntry[] {
  return (json.weightsManifest ?? []).flatMap((g) => g.weights);
}

/** Decodes weight bytes into named tensors (the caller disposes them). */
export function decodeWeights(entries: tf.io.WeightsManifestEntry[], bytes: Uint8Array): tf.NamedTensorMap {
  for (const e of entries)
    if (e.quantization) throw new Error(`Weight ${e.name} is quantized (${e.quantization.dtype}); only float32 weights are supported.`);
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const expected = entries.reduce((s, e) => s + e.shape.reduce((a, d) => a * d, 1) * 4, 0);
  if (buf.byteLength !== expected) throw new Error(`The weight file has ${buf.byteLength} bytes; the manifest describes ${expected}.`);
  return tf.io.decodeWeights(buf, entries);
}

/**
 * Loads named weights into a model, by tfjs weight name. Every weight of the model must be present with its
 * shape (strict), so a mismatched graph is reported instead of half-loaded.
 */
export function loadWeights(model: tf.LayersModel, weights: tf.NamedTensorMap): void {
  const have = new Set(Object.keys(weights));
  const missing = model.weights.map((w) => w.originalName).filter((n) => !have.has(n));
  if (missing.length) throw new Error(`The weights do not fit this graph: missing ${missing.slice(0, 4).join(', ')}${missing.length > 4 ? ', …' : ''}.`);
  const wanted = new Set(model.weights.map((w) => w.originalName));
  const extra = [...have].filter((n) => !wanted.has(n));
  if (extra.length) throw new Error(`The weights do not fit this graph: unexpected ${extra.slice(0, 4).join(', ')}${extra.length > 4 ? ', …' : ''}.`);
  for (const w of model.weights) {
    const t = weights[w.originalName];
    if (t.shape.join(',') !== w.shape.join(','))
      throw new Error(`The weights do not fit this graph: ${w.originalName} is [${t.shape}] in the file but [${w.shape}] in the model.`);
  }
  model.loadWeights(weights, true);
}
