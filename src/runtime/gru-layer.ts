/**
 * RNN Studio's GRU layer class in the app: stock tfjs-layers' GRU for `resetAfter: false`, and the reset-after form
 * that stock TF.js 4.22 refuses (platform.md trap 3) for `true`, with Keras's weights: kernel [D, 3H],
 * recurrent_kernel [H, 3H], bias [2, 3H]. Its source is the JavaScript text in src/codegen/tfjs-gru.ts, the same text
 * the TF.js export ships as gru_layer.mjs, evaluated here with the app's `tf` (a constant, never user input).
 *
 * Evaluating it registers the class with `tf.serialization` under "GRU", so `tf.loadLayersModel` reads model.json
 * files with `reset_after: true`. Training runs the fused op (src/runtime/fused/gru-reset-after.ts); the class's own
 * per-step `call` is the `stock` engine and the fallback for calls the fused path does not cover.
 */
import * as tf from '@tensorflow/tfjs';
import { ATTENTION_LAYER_BODY } from '../codegen/tfjs-attention.ts';
import { GRU_LAYER_BODY } from '../codegen/tfjs-gru.ts';
import { LSTM_LAYER_BODY } from '../codegen/tfjs-lstm.ts';

type GruArgs = Parameters<typeof tf.layers.gru>[0] & { resetAfter?: boolean };

const made = new Function('tf', GRU_LAYER_BODY)(tf) as { GRU: new (args: GruArgs) => tf.layers.Layer; tf: typeof tf };

/** The GRU class (either form). */
export const GRU = made.GRU;

/**
 * `tf` for the registry's builders: `tf.layers.gru` makes the class above, so `resetAfter: true` builds,
 * `tf.layers.lstm` makes the LSTM class of src/codegen/tfjs-lstm.ts, so `twoBiases: true` builds, and
 * `tf.layers.attention` / `additiveAttention` / `attentionMask` make the attention classes (src/codegen/tfjs-attention.ts).
 */
export const runtimeTf = new Function('tf', ATTENTION_LAYER_BODY)(new Function('tf', LSTM_LAYER_BODY)(made.tf)) as typeof tf;

/** Does this tfjs layer compute the reset-after GRU? */
export const isResetAfterGru = (layer: object): boolean => (layer as { cell?: { resetAfter?: boolean } }).cell?.resetAfter === true;
