/**
 * Activation derivatives written in terms of the activation's OUTPUT y = φ(x), so the backward pass needs only the
 * tensors the forward pass already keeps. Each matches the gradient tfjs's autodiff gives for the same op.
 */
import * as tf from '@tensorflow/tfjs';

/** The part of a tfjs-layers `Activation` object we use: its registered name and its forward op. */
export interface LayerActivation {
  getClassName(): string;
  apply(x: tf.Tensor): tf.Tensor;
}

/** φ′ expressed through y = φ(x). */
const DERIVATIVES: Record<string, (y: tf.Tensor) => tf.Tensor> = {
  // tanh′ = 1 − y²
  tanh: (y) => tf.sub(1, tf.square(y)),
  // σ′ = y(1 − y)
  sigmoid: (y) => tf.mul(y, tf.sub(1, y)),
  // relu′ = [x > 0] = [y > 0] (tfjs: step(x) with alpha 0)
  relu: (y) => tf.cast(tf.greater(y, 0), 'float32'),
  // linear′ = 1
  linear: (y) => tf.onesLike(y),
  // hardSigmoid = clip(0.2x + 0.5, 0, 1): slope 0.2 inside the clip range. tfjs's clip gradient also passes at the
  // two boundary points (0.2x + 0.5 exactly 0 or 1); they have measure zero and are not reproduced.
  hardSigmoid: (y) => tf.mul(0.2, tf.cast(tf.logicalAnd(tf.greater(y, 0), tf.less(y, 1)), 'float32')),
  // elu = x (x > 0), eˣ − 1 (x ≤ 0): elu′ = 1 above 0, eˣ = y + 1 below (y > 0 exactly when x > 0).
  elu: (y) => tf.where(tf.greater(y, 0), tf.onesLike(y), tf.add(y, 1)),
  // Keras 3's hard sigmoid clip(x/6 + 0.5, 0, 1) (src/codegen/tfjs-attention.ts): slope 1/6 inside the clip range.
  hardSigmoidKeras3: (y) => tf.div(tf.cast(tf.logicalAnd(tf.greater(y, 0), tf.less(y, 1)), 'float32'), 6),
};

/** True when the fused engine knows φ′ for this activation; otherwise the layer keeps the stock computation. */
export const isFusable = (a: LayerActivation): boolean => a.getClassName() in DERIVATIVES;

/** φ′ from y = φ(x). */
export const derivative = (a: LayerActivation, y: tf.Tensor): tf.Tensor => DERIVATIVES[a.getClassName()](y);
