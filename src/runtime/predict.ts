/**
 * Prediction with the tensor contract shared by every export's predict script:
 * input `{"dtype","shape","data"}` (data flat, row-major) → output `{"shape","data"}`.
 */
import * as tf from '@tensorflow/tfjs';

export interface TensorJson {
  dtype: 'int32' | 'float32';
  shape: number[];
  data: number[];
}
export interface OutputJson {
  shape: number[];
  data: number[];
}

/** Validates an untrusted input file's value; returns a message when it is not a tensor. */
export function checkTensorJson(v: unknown): TensorJson | string {
  const o = v as Partial<TensorJson> | null;
  if (!o || typeof o !== 'object') return 'the input must be a JSON object {"dtype","shape","data"}';
  if (o.dtype !== 'int32' && o.dtype !== 'float32') return `"dtype" must be "int32" or "float32" (got ${JSON.stringify(o.dtype)})`;
  if (!Array.isArray(o.shape) || !o.shape.every((d) => Number.isInteger(d) && d > 0)) return '"shape" must be a list of positive integers';
  if (!Array.isArray(o.data) || !o.data.every((x) => typeof x === 'number' && Number.isFinite(x))) return '"data" must be a flat list of numbers';
  const size = o.shape.reduce((a, d) => a * d, 1);
  if (o.data.length !== size) return `"data" has ${o.data.length} numbers but shape [${o.shape}] needs ${size}`;
  if (o.dtype === 'int32' && !o.data.every(Number.isInteger)) return 'int32 data must be whole numbers';
  return o as TensorJson;
}

/** An input file: one tensor, or a list of tensors, one per Input of the model in order. */
export function checkInputsJson(v: unknown): TensorJson[] | string {
  if (!Array.isArray(v)) {
    const x = checkTensorJson(v);
    return typeof x === 'string' ? x : [x];
  }
  if (v.length === 0) return 'the list of inputs is empty';
  const xs = v.map(checkTensorJson);
  const bad = xs.findIndex((x) => typeof x === 'string');
  return bad >= 0 ? `input ${bad + 1} of ${xs.length}: ${xs[bad] as string}` : (xs as TensorJson[]);
}

/**
 * Runs the model on its input tensors, one per Input in order (inference mode: dropout off): one output tensor, or a
 * list of them, in the model's output order, when the model has several outputs.
 */
export async function predict(model: tf.LayersModel, xs: TensorJson[]): Promise<OutputJson | OutputJson[]> {
  if (xs.length !== model.inputs.length)
    throw new Error(`This model has ${model.inputs.length} inputs and was given ${xs.length}${model.inputs.length > 1 ? ' (give a JSON list of tensors, one per Input in order)' : ''}.`);
  model.inputs.forEach(({ shape: want }, k) => {
    const x = xs[k];
    if (want.length !== x.shape.length || want.some((d, i) => d !== null && d !== x.shape[i]))
      throw new Error(`${xs.length > 1 ? `Input ${k + 1} has` : 'The input has'} shape [${x.shape}] but the model expects [${want.map((d) => d ?? 'any')}].`);
  });
  const ys = [tf.tidy(() => model.predict(xs.map((x) => tf.tensor(x.data, x.shape, x.dtype))) as tf.Tensor | tf.Tensor[])].flat();
  const out = await Promise.all(ys.map(async (y) => ({ shape: y.shape, data: Array.from(await y.data()) })));
  tf.dispose(ys);
  return out.length === 1 ? out[0] : out;
}
