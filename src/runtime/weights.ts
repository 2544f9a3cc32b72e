/**
 * Loading weights in the TF.js layers-model format (`model.json` + `weights.bin`) without tfjs-node:
 * `tf.io.decodeWeights` + `model.loadWeights` (saving is `modelFiles` in save.ts).
 *
 * Weight names are tfjs's own and stable: `<layer>/<weight>` (`lstm/kernel`, `lstm/recurrent_kernel`, `lstm/bias`,
 * `embedding/embeddings`, `dense/kernel`), and for a wrapper `<bidi>/forward_<inner>/<weight>` and
 * `<bidi>/backward_<inner>/<weight>`. The exported Python and JS loaders rely on exactly these names.
 */
import * as tf from '@tensorflow/tfjs';

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
