import { int, oneOf, seed, bool } from './params.ts';
import { applyOne, fail, ok, type LayerSpec } from './spec.ts';
import { tfInitializer, KERNEL_INITIALIZERS } from './recurrent.ts';
import { formatShape, isTokens } from './tensor-type.ts';

/** y = act(x·W + b) on the last axis; on a sequence it applies at every timestep, as Keras does. */
export const dense: LayerSpec = {
  kind: 'Dense',
  category: 'dense',
  description: 'A fully connected layer on the last axis. On a sequence it is applied at every timestep (per-step outputs).',
  arity: 'one',
  params: {
    units: int(4, 'Units', 'Output size: classes for a softmax classifier, 1 for a regression.'),
    activation: oneOf(['linear', 'softmax', 'relu', 'tanh', 'sigmoid'], 'softmax', 'Activation', 'softmax for classes, linear for a number, sigmoid for a yes/no.'),
    useBias: bool(true, 'Use bias', 'Add the bias vector b.'),
    kernelInitializer: oneOf(KERNEL_INITIALIZERS, 'glorotUniform', 'Kernel init', 'Initial weights (Keras default glorotUniform).'),
    seed: seed(),
  },
  inferShape: ([x], p) => {
    if (isTokens(x))
      return fail({
        code: 'E_NEEDS_EMBEDDING',
        message: `Dense needs float features; it was given token ids ${formatShape(x)}.`,
        fix: 'Insert an Embedding (and usually a recurrent layer or pooling) before the Dense layer.',
      });
    return ok({ ...x, dims: [...x.dims.slice(0, -1), p.units as number] });
  },
  paramCount: ([x], p) => (x.dims[x.dims.length - 1] as number) * (p.units as number) + (p.useBias ? (p.units as number) : 0),
  brief: (p) => `${p.units}, ${p.activation}`,
  tfjs: (tf, p, ctx) =>
    applyOne(
      tf.layers.dense({
        units: p.units as number,
        activation: p.activation as 'linear',
        useBias: p.useBias as boolean,
        kernelInitializer: tfInitializer(tf, p.kernelInitializer as string, ctx.seed),
        biasInitializer: tf.initializers.zeros(),
        name: ctx.name,
      }),
      ctx,
    ),
};
