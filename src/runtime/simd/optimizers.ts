/**
 * Adam, RMSProp and momentum whose update is ONE wasm SIMD kernel per variable (assembly/rnn.ts) instead of the 8–12
 * element-wise kernels tfjs-core dispatches, with the same arithmetic in float32. They are tfjs-core's own optimizer
 * classes (same state variables, names, getWeights/dispose); only `applyGradients` changes, and only while the SIMD
 * kernels can run (`simdReady()`); elsewhere the stock update runs.
 */
import * as tf from '@tensorflow/tfjs';
import { simdReady } from './kernels.ts';

type Grads = Parameters<tf.AdamOptimizer['applyGradients']>[0];
type NamedGrad = { name: string; tensor: tf.Tensor };
interface Slot { originalName: string; variable: tf.Variable }

/** Calls `f` for each variable that has a gradient, with its index in the optimizer's slot lists. */
function eachGradient(grads: Grads, f: (name: string, value: tf.Variable, gradient: tf.Tensor, i: number) => void) {
  const names = Array.isArray(grads) ? (grads as NamedGrad[]).map((g) => g.name) : Object.keys(grads);
  names.forEach((name, i) => {
    const gradient = Array.isArray(grads) ? (grads as NamedGrad[])[i].tensor : (grads as tf.NamedTensorMap)[name];
    if (gradient) f(name, tf.engine().registeredVariables[name], gradient, i);
  });
}

/**
 * The optimizer state variable `list[i]`, created as zeros like tfjs-core does, and the only tensor on its heap block.
 * The update kernels write the slots in place, so a slot that shares its block (on wasm tf.clone and reshape share it,
 * src/runtime/setup.ts; `setWeights` makes slots on the caller's tensors) first moves to a copy: the tensors that
 * shared it keep the old values. Counting the block's references is one map look-up per slot and step.
 */
function slot(list: Slot[], i: number, name: string, suffix: string, value: tf.Variable): tf.Variable {
  list[i] ??= { originalName: `${name}/${suffix}`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
  const v = list[i].variable;
  if ((tf.backend() as unknown as { refCount(id: object): number }).refCount(v.dataId) > 1) {
    const copy = tf.mul(v, 1); // a block of its own (Identity would share it); x·1 = x exactly
    v.assign(copy);
    copy.dispose();
  }
  return v;
}

/** Runs an update kernel (slots updated in place, the new value returned) and re-points the variable at the value. */
function update(kernelName: string, value: tf.Variable, inputs: tf.NamedTensorMap, attrs: Record<string, number>) {
  const next = tf.engine().runKernel(kernelName, { w: value, ...inputs }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
  value.assign(next);
  next.dispose();
}

interface AdamState { learningRate: number; beta1: number; beta2: number; epsilon: number; accBeta1: tf.Variable; accBeta2: tf.Variable; accumulatedFirstMoment: Slot[]; accumulatedSecondMoment: Slot[] }

export class SimdAdam extends tf.AdamOptimizer {
  override applyGradients(grads: Grads): void {
    if (!simdReady()) return super.applyGradients(grads);
    const s = this as unknown as AdamState;
    // 1 − β^t as tfjs computes it: float32 scalars.
    const c1 = Math.fround(1 - s.accBeta1.dataSync()[0]);
    const c2 = Math.fround(1 - s.accBeta2.dataSync()[0]);
    eachGradient(grads, (name, value, g, i) => update('RnnSimdAdam', value,
      { g, m: slot(s.accumulatedFirstMoment, i, name, 'm', value), v: slot(s.accumulatedSecondMoment, i, name, 'v', value) },
      { lr: s.learningRate, b1: s.beta1, b2: s.beta2, eps: s.epsilon, c1, c2 }));
    tf.tidy(() => {
      s.accBeta1.assign(tf.mul(s.accBeta1, s.beta1));
      s.accBeta2.assign(tf.mul(s.accBeta2, s.beta2));
    });
    this.incrementIterations();
  }
}

interface RmsState { learningRate: number; decay: number; momentum: number; epsilon: number; centered: boolean; accumulatedMeanSquares: Slot[]; accumulatedMoments: Slot[] }

export class SimdRMSProp extends tf.RMSPropOptimizer {
  override applyGradients(grads: Grads): void {
    const s = this as unknown as RmsState;
    if (!simdReady() || s.centered) return super.applyGradients(grads);
    eachGradient(grads, (name, value, g, i) => update('RnnSimdRMSProp', value,
      { g, s: slot(s.accumulatedMeanSquares, i, name, 'rms', value), mu: slot(s.accumulatedMoments, i, name, 'momentum', value) },
      { lr: s.learningRate, rho: s.decay, kappa: s.momentum, eps: s.epsilon }));
    this.incrementIterations();
  }
}

interface MomentumState { learningRate: number; momentum: number; useNesterov: boolean; accumulations: Slot[] }

export class SimdMomentum extends tf.MomentumOptimizer {
  override applyGradients(grads: Grads): void {
    const s = this as unknown as MomentumState;
    if (!simdReady() || s.useNesterov) return super.applyGradients(grads);
    eachGradient(grads, (name, value, g, i) => update('RnnSimdMomentum', value,
      { g, a: slot(s.accumulations, i, name, 'momentum', value) }, { lr: s.learningRate, kappa: s.momentum }));
    this.incrementIterations();
  }
}
