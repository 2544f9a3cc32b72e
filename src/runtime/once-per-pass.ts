/**
 * tfjs-layers' executor (engine/executor.ts `execute`, behind fit, trainOnBatch and predict) visits a layer once for
 * every output tensor of it that the model consumes, applies the layer at each visit and keeps only the first
 * visit's outputs. An encoder LSTM whose sequence, h and c feed attention and a decoder thus runs three times per
 * step, two of them wasted (profiled on the G2P-attention bench row: 3 × 7.5 ms of a step of about 95 ms).
 */
import * as tf from '@tensorflow/tfjs';

type Call = (inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor | tf.Tensor[];

/** The engine's gradient tape of the moment (undefined outside `tf.grads`/`variableGrads`). */
const activeTape = () => (tf.engine() as unknown as { state: { activeTape?: unknown } }).state.activeTape;

/** Everything a call's result depends on: input tensors, kwargs (one level of arrays spread), weight values, tape. */
const callKey = (layer: tf.layers.Layer, inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown> | undefined): unknown[] => [
  ...[inputs].flat(), activeTape(), ...layer.weights.map((w) => w.read().dataId),
  ...Object.entries(kwargs ?? {}).flatMap(([k, v]) => [k, ...[v].flat()]),
];

/**
 * Makes a repeated concrete call of `layer` with the same input tensors, kwargs, weight values (a variable's
 * `assign` gives it a new dataId) and gradient tape return the previous call's outputs, while they are alive.
 * Dropout draws once per executor pass, which is what the executor keeps anyway. For layers with several outputs.
 */
export function oncePerPass(layer: tf.layers.Layer): void {
  const l = layer as unknown as { call: Call };
  const call = l.call.bind(l);
  let last: { key: unknown[]; out: tf.Tensor | tf.Tensor[] } | null = null;
  l.call = (inputs, kwargs) => {
    const key = callKey(layer, inputs, kwargs);
    const hit = last && last.key.length === key.length && last.key.every((v, i) => v === key[i]) && [last.out].flat().every((t) => !t.isDisposed);
    if (hit) return last!.out;
    const out = call(inputs, kwargs);
    last = { key, out };
    return out;
  };
}
