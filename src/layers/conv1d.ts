/** A 1-D convolution over time: `[batch, T, F] → [batch, T', filters]` (Keras Conv1D, channels last). */
import type { Params } from '../graph/types.ts';
import { ACTIVATIONS, kernelArgs, TORCH_ACTIVATION, torchKernel } from './dense.ts';
import { activation, flag, initializer, mustBe, notKept, num, type Json, type KerasReadCtx } from './keras-config.ts';
import { bool, int, oneOf, seed } from './params.ts';
import { sequenceOnly } from './pooling.ts';
import { KERNEL_INITIALIZERS } from './recurrent.ts';
import { applyOne, fail, ok, type BuildCtx, type LayerSpec, type ShapeResult, type SymbolicTensor, type TF, type TorchCtx } from './spec.ts';
import type { Dim, TensorType } from './tensor-type.ts';

/** A Keras size that is an int or a 1-tuple (`kernel_size: [3]`); `def` when absent. */
export function size1(c: Json, k: string, cx: KerasReadCtx, def?: number): number {
  const v = Array.isArray(c[k]) && (c[k] as unknown[]).length === 1 ? (c[k] as unknown[])[0] : c[k];
  return num({ [k]: v }, k, cx.layer, def);
}

/** Keras's padding names; a window layer reads the ones it computes (pooling: valid and same). */
export function readPadding(c: Json, cx: KerasReadCtx, allowed = ['valid', 'same']): string {
  mustBe(c, cx, 'padding', allowed, `RNN Studio computes ${allowed.join(', ')} padding here`);
  return (c.padding as string | undefined) ?? 'valid';
}

/**
 * The output length of a window of `k` steps moved by `s` (Keras conv_output_length): `valid` keeps the windows
 * that fit, `same` and `causal` pad so that ceil(L / s) windows start. `null` stays free.
 */
export function windowLength(L: Dim, k: number, s: number, padding: string): Dim {
  if (L === null) return null;
  return padding === 'valid' ? Math.ceil((L - k + 1) / s) : Math.ceil(L / s);
}

/**
 * A window layer's output shape: refuses what TF.js cannot take (not a float sequence, a mask) and a window longer
 * than a fixed-length sequence.
 */
export function windowShape(kind: string, x: TensorType, k: number, s: number, padding: string, width: number): ShapeResult {
  const refused = sequenceOnly(kind, x, 'slides a window over time');
  if (refused) return refused;
  const T = windowLength(x.dims[0], k, s, padding);
  if (T !== null && T < 1)
    return fail({
      code: 'E_PARAM',
      message: `${kind}'s window of ${k} steps is longer than the ${x.dims[0]} steps it is given.`,
      fix: 'Use a smaller window or padding "same", or a longer input.',
    });
  return ok({ dims: [T, width], dtype: 'float32', masked: false });
}

/**
 * PyTorch lines that set `cx.out` to `cx.x[0]` as `[B, F, T]`, zero-padded (or with `value`) as Keras's `same`
 * padding does: `max((ceil(T/s) − 1)·s + k − T, 0)` steps, the odd one on the right; `causal`: k − 1 steps on the left.
 */
export function torchChannelsFirst(cx: TorchCtx, k: number, s: number, padding: string, value = ''): string[] {
  const x = `${cx.x[0]}.transpose(1, 2)`;
  if (padding === 'causal') return [`${cx.out} = nn.functional.pad(${x}, (${k - 1}, 0)${value})`];
  if (padding !== 'same') return [`${cx.out} = ${x}`];
  if (s === 1) return [`${cx.out} = nn.functional.pad(${x}, (${(k - 1) >> 1}, ${k - 1 - ((k - 1) >> 1)})${value})`];
  const T = `${cx.x[0]}.shape[1]`;
  return [
    `${cx.out} = max((-(-${T} // ${s}) - 1) * ${s} + ${k} - ${T}, 0)`,
    `${cx.out} = nn.functional.pad(${x}, (${cx.out} // 2, ${cx.out} - ${cx.out} // 2)${value})`,
  ];
}

/** The span of a dilated kernel: k + (k − 1)(d − 1). */
const span = (p: Params) => (p.kernelSize as number) + ((p.kernelSize as number) - 1) * ((p.dilationRate as number) - 1);

/** Conv1D's tfjs layer, told `padding`. */
const convLayer = (tf: TF, p: Params, ctx: BuildCtx, padding: 'valid' | 'same' | 'causal') =>
  tf.layers.conv1d({
    filters: p.filters as number,
    kernelSize: p.kernelSize as number,
    strides: p.strides as number,
    padding,
    dilationRate: p.dilationRate as number,
    ...kernelArgs(tf, p, ctx),
  });

export const conv1D: LayerSpec = {
  kind: 'Conv1D',
  category: 'convolution',
  description: 'Slides learned filters over time: each output step sees a window of input steps (local patterns such as n-grams).',
  arity: 'one',
  params: {
    filters: int(32, 'Filters', 'How many patterns it learns: the output size per step.'),
    kernelSize: int(3, 'Kernel size', 'How many consecutive steps each filter sees.'),
    strides: int(1, 'Strides', 'How many steps the window moves; 2 halves the sequence length.'),
    padding: oneOf(['valid', 'same', 'causal'], 'valid', 'Padding',
      'valid: only full windows (shorter output); same: pad with zeros so the length is kept (divided by strides); causal: pad on the left only, so step t sees no later step.'),
    dilationRate: int(1, 'Dilation', 'Spacing between the steps a filter sees; widens the window without more weights.'),
    activation: oneOf(ACTIVATIONS, 'relu', 'Activation', 'Applied to every output value; relu is the usual choice.'),
    useBias: bool(true, 'Use bias', 'Add a bias per filter.'),
    kernelInitializer: oneOf(KERNEL_INITIALIZERS, 'glorotUniform', 'Kernel init', 'Initial weights (Keras default glorotUniform).'),
    seed: seed(),
  },
  inferShape: ([x], p) => {
    if ((p.strides as number) > 1 && (p.dilationRate as number) > 1)
      return fail({ code: 'E_PARAM', message: 'Conv1D cannot use both strides and dilation above 1 (neither Keras nor TF.js can).', fix: 'Set strides or dilation to 1.' });
    return windowShape('Conv1D', x, span(p), p.strides as number, p.padding as string, p.filters as number);
  },
  paramCount: ([x], p) => (p.kernelSize as number) * (x.dims[1] as number) * (p.filters as number) + (p.useBias ? (p.filters as number) : 0),
  brief: (p) => `${p.filters}×${p.kernelSize}, ${p.activation}`,
  tfjs: (tf, p, ctx) => {
    if (p.padding !== 'causal') return applyOne(convLayer(tf, p, ctx, p.padding as 'valid'), ctx);
    // Porting note: tfjs 4.22's conv1d throws NotImplementedError on causal padding (conv1dWithBias). Causal is
    // d·(k−1) zeros on the left, then valid (Keras conv1d._compute_causal_padding); tfjs has no ZeroPadding1D, so
    // the [B, T, F] sequence is padded as a [B, T, 1, F] image.
    // A fixed length stays fixed (a Flatten after it needs it); a free one is -1.
    const [T, F] = ctx.inputShapes![0].dims as [number | null, number];
    const pad = span(p) - 1;
    const image = tf.layers.reshape({ targetShape: [T ?? -1, 1, F], name: `${ctx.name}_causal_2d` }).apply(ctx.inputs[0]);
    const padded = tf.layers.zeroPadding2d({ padding: [[pad, 0], [0, 0]], name: `${ctx.name}_causal_pad` }).apply(image);
    const steps = tf.layers.reshape({ targetShape: [T === null ? -1 : T + pad, F], name: `${ctx.name}_causal_1d` }).apply(padded);
    return convLayer(tf, p, ctx, 'valid').apply(steps) as SymbolicTensor;
  },
  keras: {
    // Keras 1's Convolution1D arrives renamed to Conv1D (codegen/keras-dialect.ts).
    classNames: ['Conv1D'],
    factory: 'conv1d',
    // Keras computes causal padding itself.
    build: (tf, p, ctx) => applyOne(convLayer(tf, p, ctx, p.padding as 'valid'), ctx),
    read: (c, cx) => {
      notKept(c, ['kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'bias_constraint'], cx);
      mustBe(c, cx, 'data_format', ['channels_last']);
      mustBe(c, cx, 'groups', [1]);
      mustBe(c, cx, 'lora_rank', [null]);
      return {
        params: {
          filters: num(c, 'filters', cx.layer),
          kernelSize: size1(c, 'kernel_size', cx),
          strides: size1(c, 'strides', cx, 1),
          padding: readPadding(c, cx, ['valid', 'same', 'causal']),
          dilationRate: size1(c, 'dilation_rate', cx, 1),
          activation: activation(c, 'activation', cx, ACTIVATIONS),
          useBias: flag(c, 'use_bias', true),
          kernelInitializer: initializer(c, 'kernel_initializer', 'glorotUniform', cx, KERNEL_INITIALIZERS),
        },
      };
    },
    weights: (p, d) => [{ name: 'kernel', shape: [p.kernelSize as number, d, p.filters as number] }, ...(p.useBias !== false ? [{ name: 'bias', shape: [p.filters as number] }] : [])],
  },
  // nn.Conv1d works on [B, F, T]: transpose around it. Its weight is [out, in, k], Keras's kernel [k, in, out].
  pytorch: (p, cx) => ({
    init: [`${cx.self} = nn.Conv1d(${cx.inputSize}, ${p.filters}, ${p.kernelSize}, stride=${p.strides}, dilation=${p.dilationRate}, bias=${cx.py(p.useBias as boolean)})`],
    forward: [
      ...torchChannelsFirst(cx, span(p), p.strides as number, p.padding as string),
      `${cx.out} = ${TORCH_ACTIVATION[p.activation as (typeof ACTIVATIONS)[number]](`${cx.self}(${cx.out}).transpose(1, 2)`)}`,
    ],
    ...torchKernel(p, cx),
  }),
  mask: () => 'drops',
};
