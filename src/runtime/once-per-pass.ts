/**
 * tfjs-layers' executor (engine/executor.ts `execute`, behind fit, trainOnBatch, predict and Model.apply) visits a
 * layer once for every output tensor of it that the model consumes, applies the layer at each visit and keeps only
 * the first visit's outputs. An encoder LSTM whose sequence, h and c feed attention and a decoder thus runs three
 * times per training step, two of them wasted (profiled on the G2P-attention bench row: 3 × 7.5 ms of about 95 ms).
 */
import * as tf from '@tensorflow/tfjs';

type Call = (inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown> | undefined) => tf.Tensor | tf.Tensor[];

/** The engine's gradient tape while one is recording (inside tf.grads / variableGrads, as in training), else null. */
function recordingTape(): unknown {
  const state = (tf.engine() as unknown as { state: { gradientDepth: number; activeTape: unknown } }).state;
  return state.gradientDepth > 0 ? state.activeTape : null;
}

/**
 * Makes a repeated call of `layer` while one gradient tape records, with the same input tensors, training flag and
 * weight values (a variable's `assign` gives it a new dataId), return the first call's outputs while they are alive:
 * the executor's repeated visits in one training pass. Those outputs are on that tape already, so gradients are
 * whole; dropout draws once, which is the draw the executor keeps anyway. Outside a tape (predict) every call
 * computes, so separate predictions stay separate tensors. Keyed without the kwargs object: tidyBuild
 * (src/layers/recurrent.ts) gives each recurrent call its own copy. For layers with several outputs.
 */
export function oncePerPass(layer: tf.layers.Layer): void {
  const l = layer as unknown as { call: Call };
  const call = l.call.bind(l);
  let last: { key: unknown[]; out: tf.Tensor | tf.Tensor[] } | null = null;
  l.call = (inputs, kwargs) => {
    const tape = recordingTape();
    if (tape === null) return call(inputs, kwargs);
    const key = [tape, kwargs?.training === true, ...[inputs].flat(), ...layer.weights.map((w) => w.read().dataId)];
    if (last && last.key.length === key.length && last.key.every((v, i) => v === key[i]) && [last.out].flat().every((t) => !t.isDisposed)) return last.out;
    const out = call(inputs, kwargs);
    last = { key, out };
    return out;
  };
}
