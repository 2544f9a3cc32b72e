/**
 * BatchNormalization and LayerNormalization: normalise the features axis, then scale by γ and shift by β.
 * Keras groups them as its normalization layers; both keep the shape and pass a padding mask on.
 */
import type { Params } from '../graph/types.ts';
import { mustBe, notKept, num, refuse, type Json, type KerasReadCtx } from './keras-config.ts';
import { float, int } from './params.ts';
import { applyOne, fail, ok, type LayerSpec, type ShapeResult } from './spec.ts';
import { formatShape, isTokens, type TensorType } from './tensor-type.ts';


/**
 * The normalised axis: -1 (the features axis). A Keras file may write it as a positive index (tf.keras stores `[2]`
 * for a [batch, T, F] input); it is kept as read, and the shape rule checks that it is the last axis.
 */
const axisParam = int(-1, 'Axis', 'The normalised axis, counted with the batch axis: -1 is the features axis, the only one RNN Studio normalises.', {
  min: -1, max: 3, when: (p) => p.axis !== -1,
});

function readAxis(c: Json, cx: KerasReadCtx): number {
  const a = Array.isArray(c.axis) && c.axis.length === 1 ? c.axis[0] : c.axis ?? -1;
  if (a === -1 || (Number.isInteger(a) && (a as number) >= 1 && (a as number) <= 3)) return a as number;
  return refuse(`Layer ${cx.layer} (${cx.className}) normalises axis ${JSON.stringify(c.axis)}; RNN Studio normalises one axis, the features axis (-1).`);
}

/** Float input of any rank; the normalised axis must be its last. */
function normShape(kind: string, x: TensorType, p: Params): ShapeResult {
  if (isTokens(x))
    return fail({ code: 'E_NEEDS_EMBEDDING', message: `${kind} needs float features; it was given token ids ${formatShape(x)}.`, fix: `Put the ${kind} after the Embedding.` });
  if (p.axis !== -1 && p.axis !== x.dims.length)
    return fail({
      code: 'E_SHAPE_MISMATCH',
      message: `${kind} normalises axis ${p.axis}, but the features axis of ${formatShape(x)} is ${x.dims.length}.`,
      fix: 'Set Axis to -1 (the features axis).',
    });
  return ok(x);
}

const features = (x: TensorType) => x.dims[x.dims.length - 1] as number;
/** center and scale are always on: TF.js 4.22's BatchNormalization reads γ and β unconditionally when training. */
function mustCenterAndScale(c: Json, cx: KerasReadCtx) {
  mustBe(c, cx, 'center', [true], 'it always learns the shift β');
  mustBe(c, cx, 'scale', [true], 'it always learns the scale γ');
}
const REGULARIZERS = ['beta_regularizer', 'gamma_regularizer', 'beta_constraint', 'gamma_constraint'];

/**
 * y = γ·(x − mean)/√(var + ε) + β per feature. Training uses the batch's mean and (biased) variance and moves the
 * moving statistics by moving = momentum·moving + (1 − momentum)·batch; prediction uses the moving statistics.
 */
export const batchNormalization: LayerSpec = {
  kind: 'BatchNormalization',
  category: 'normalization',
  description: "Normalises each feature with the batch's mean and variance while training (and moving averages of them at prediction), then scales and shifts it.",
  arity: 'one',
  params: {
    momentum: float(0.99, 'Momentum', 'How slowly the moving mean and variance follow the batches (Keras 0.99; PyTorch writes 1 − momentum = 0.01).', 0, 1),
    epsilon: float(0.001, 'Epsilon', 'Added to the variance before the square root (Keras 1e-3; PyTorch defaults to 1e-5).', 1e-12, 1),
    axis: axisParam,
  },
  inferShape: ([x], p) => normShape('BatchNormalization', x, p),
  // Keras's Param #: γ, β (trainable) and the moving mean and variance (non-trainable), C each.
  paramCount: ([x]) => 4 * features(x),
  nonTrainable: ([x]) => 2 * features(x),
  brief: (p) => `ε ${p.epsilon}, momentum ${p.momentum}`,
  tfjs: (tf, p, ctx) =>
    applyOne(
      tf.layers.batchNormalization({
        axis: -1, momentum: p.momentum as number, epsilon: p.epsilon as number, center: true, scale: true,
        betaInitializer: tf.initializers.zeros(), gammaInitializer: tf.initializers.ones(),
        movingMeanInitializer: tf.initializers.zeros(), movingVarianceInitializer: tf.initializers.ones(), name: ctx.name,
      }),
      ctx,
    ),
  keras: {
    // TF 1.13-era files name the class BatchNormalizationV1 / V2 (tf.keras maps both to BatchNormalization).
    classNames: ['BatchNormalization', 'BatchNormalizationV1', 'BatchNormalizationV2'],
    factory: 'batchNormalization',
    read: (c, cx) => {
      // Keras 1's mode 1 (per sample) and 2 (batch statistics at prediction too) are other functions.
      mustBe(c, cx, 'mode', [0], 'only mode 0 (feature-wise, moving statistics at prediction) is the layer Keras 2 kept');
      mustCenterAndScale(c, cx);
      mustBe(c, cx, 'renorm', [false]);
      if (c.virtual_batch_size != null) refuse(`Layer ${cx.layer} (${cx.className}) has virtual_batch_size=${JSON.stringify(c.virtual_batch_size)}, which RNN Studio does not support.`);
      notKept(c, REGULARIZERS, cx);
      return { params: { momentum: num(c, 'momentum', cx.layer, 0.99), epsilon: num(c, 'epsilon', cx.layer, 0.001), axis: readAxis(c, cx) } };
    },
    weights: (_p, c) => ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((name) => ({ name, shape: [c] })),
  },
  pytorch: (p, cx) => ({
    notes: [`Keras momentum ${p.momentum} is PyTorch momentum 1 - ${p.momentum}; BatchNorm1d normalises dim 1, so [B, T, F] is transposed around it.`],
    init: [`${cx.self} = nn.BatchNorm1d(${cx.inputSize}, eps=${p.epsilon}, momentum=${cx.py(1 - (p.momentum as number))})`],
    // transpose(1, -1) moves the features of [B, T, F] to dim 1 and leaves [B, F] as it is.
    forward: [`${cx.out} = ${cx.self}(${cx.x[0]}.transpose(1, -1)).transpose(1, -1)`],
    load: ['weight', 'bias', 'running_mean', 'running_var'].map((w, i) => `load_param(${cx.self}.${w}, ${cx.weight(['gamma', 'beta', 'moving_mean', 'moving_variance'][i])})`),
    reinit: [`${cx.self}.reset_parameters()`],
  }),
  mask: () => 'passes',
};

/** y = γ·(x − mean)/√(var + ε) + β over each timestep's own features (no batch statistics, same at training and prediction). */
export const layerNormalization: LayerSpec = {
  kind: 'LayerNormalization',
  category: 'normalization',
  description: "Normalises each timestep's features by their own mean and variance, then scales and shifts them (the same in training and prediction).",
  arity: 'one',
  params: {
    epsilon: float(0.001, 'Epsilon', 'Added to the variance before the square root (Keras 1e-3; PyTorch defaults to 1e-5).', 1e-12, 1),
    axis: axisParam,
  },
  inferShape: ([x], p) => normShape('LayerNormalization', x, p),
  paramCount: ([x]) => 2 * features(x),
  brief: (p) => `ε ${p.epsilon}`,
  tfjs: (tf, p, ctx) =>
    applyOne(
      tf.layers.layerNormalization({
        axis: -1, epsilon: p.epsilon as number, center: true, scale: true,
        betaInitializer: tf.initializers.zeros(), gammaInitializer: tf.initializers.ones(), name: ctx.name,
      }),
      ctx,
    ),
  keras: {
    classNames: ['LayerNormalization'],
    factory: 'layerNormalization',
    read: (c, cx) => {
      mustCenterAndScale(c, cx);
      mustBe(c, cx, 'rms_scaling', [false], 'RMS scaling drops the mean and β');
      if (Array.isArray(c.axis) && c.axis.length > 1) refuse(`Layer ${cx.layer} (LayerNormalization) normalises over axes ${JSON.stringify(c.axis)}; RNN Studio normalises the features axis only.`);
      notKept(c, REGULARIZERS, cx);
      return { params: { epsilon: num(c, 'epsilon', cx.layer, 0.001), axis: readAxis(c, cx) } };
    },
    weights: (_p, c) => ['gamma', 'beta'].map((name) => ({ name, shape: [c] })),
  },
  pytorch: (p, cx) => ({
    init: [`${cx.self} = nn.LayerNorm(${cx.inputSize}, eps=${p.epsilon})`],
    forward: [`${cx.out} = ${cx.self}(${cx.x[0]})`],
    load: [`load_param(${cx.self}.weight, ${cx.weight('gamma')})`, `load_param(${cx.self}.bias, ${cx.weight('beta')})`],
    reinit: [`${cx.self}.reset_parameters()`],
  }),
  mask: () => 'passes',
};
