import { activation, flag, initializer, notKept, num } from './keras-config.ts';
import { float, int, oneOf, seed, bool } from './params.ts';
import type { Params } from '../graph/types.ts';
import { fail, ok, oneLayer, type BuildCtx, type LayerSpec, type TF, type TorchCode, type TorchCtx } from './spec.ts';
import { tfInitializer, KERNEL_INITIALIZERS } from './recurrent.ts';
import { formatShape, isTokens } from './tensor-type.ts';

export const ACTIVATIONS = ['linear', 'softmax', 'relu', 'tanh', 'sigmoid'] as const;

/** Each activation applied to a PyTorch expression. */
export const TORCH_ACTIVATION: Record<(typeof ACTIVATIONS)[number], (x: string) => string> = {
  linear: (x) => x,
  softmax: (x) => `torch.softmax(${x}, dim=-1)`,
  relu: (x) => `torch.relu(${x})`,
  tanh: (x) => `torch.tanh(${x})`,
  sigmoid: (x) => `torch.sigmoid(${x})`,
};

/** The tfjs arguments every kernel-and-bias layer (Dense, Conv1D) shares: activation, bias, seeded initializers, name. */
export const kernelArgs = (tf: TF, p: Params, ctx: Pick<BuildCtx, 'name' | 'seed'>) => ({
  activation: p.activation as 'linear',
  useBias: p.useBias as boolean,
  kernelInitializer: tfInitializer(tf, p.kernelInitializer as string, ctx.seed),
  biasInitializer: tf.initializers.zeros(),
  name: ctx.name,
});

/** PyTorch loading and re-initialising of a kernel-and-bias module (`load_param` transposes Keras's kernel layout). */
export const torchKernel = (p: Params, cx: TorchCtx): Pick<TorchCode, 'load' | 'reinit'> => ({
  load: [`load_param(${cx.self}.weight, ${cx.weight('kernel')}, transpose=True)`, ...(p.useBias ? [`load_param(${cx.self}.bias, ${cx.weight('bias')})`] : [])],
  reinit: [`init_kernel(${cx.self}.weight, ${cx.str(p.kernelInitializer as string)})`, ...(p.useBias ? [`nn.init.zeros_(${cx.self}.bias)`] : [])],
});

/** y = act(x·W + b) on the last axis; on a sequence it applies at every timestep, as Keras does. */
export const dense: LayerSpec = {
  kind: 'Dense',
  category: 'dense',
  description: 'A fully connected layer on the last axis. On a sequence it is applied at every timestep (per-step outputs).',
  arity: 'one',
  params: {
    units: int(4, 'Units', 'Output size: classes for a softmax classifier, 1 for a regression.'),
    activation: oneOf(ACTIVATIONS, 'softmax', 'Activation', 'softmax for classes, linear for a number, sigmoid for a yes/no.'),
    useBias: bool(true, 'Use bias', 'Add the bias vector b.'),
    kernelInitializer: oneOf(KERNEL_INITIALIZERS, 'glorotUniform', 'Kernel init', 'Initial weights (Keras default glorotUniform).'),
    seed: seed(),
    lossWeight: float(1, 'Loss weight', "When this Dense is one of the model's outputs: its loss counts this many times in the total (Keras's loss_weights).", 0, 1000, { outputOnly: true }),
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
  ...oneLayer((tf, p, ctx) => tf.layers.dense({ units: p.units as number, ...kernelArgs(tf, p, ctx) })),
  keras: {
    classNames: ['Dense'],
    factory: 'dense',
    read: (c, cx) => {
      notKept(c, ['kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'bias_constraint'], cx);
      return {
        params: {
          units: num(c, 'units', cx.layer), activation: activation(c, 'activation', cx, ACTIVATIONS), useBias: flag(c, 'use_bias', true),
          kernelInitializer: initializer(c, 'kernel_initializer', 'glorotUniform', cx, KERNEL_INITIALIZERS),
        },
      };
    },
    weights: (p, d) => [{ name: 'kernel', shape: [d, p.units as number] }, ...(p.useBias !== false ? [{ name: 'bias', shape: [p.units as number] }] : [])],
  },
  pytorch: (p, cx) => ({
    init: [`${cx.self} = nn.Linear(${cx.inputSize}, ${p.units}, bias=${cx.py(p.useBias as boolean)})`],
    forward: [`${cx.out} = ${TORCH_ACTIVATION[p.activation as (typeof ACTIVATIONS)[number]](`${cx.self}(${cx.x[0]})`)}`],
    ...torchKernel(p, cx),
  }),
  mask: () => 'passes',
};
