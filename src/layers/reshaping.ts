/** RepeatVector, Permute and Reshape: Keras's reshaping layers that recurrent models use (encoder–decoder, attention). */
import { num, refuse } from './keras-config.ts';
import type { Params } from '../graph/types.ts';
import { int } from './params.ts';
import { applyOne, fail, ok, type LayerSpec, type ShapeResult } from './spec.ts';
import { formatShape, isTokens, type TensorType } from './tensor-type.ts';

/** Keras's RepeatVector and Permute do not support masking; TF.js throws when a mask reaches them. */
const unmasked = (kind: string, x: TensorType): ShapeResult | null =>
  x.masked
    ? fail({ code: 'E_MASK_UNSUPPORTED', message: `${kind} cannot take a padding mask (Keras and TF.js layers of this kind do not support masking).`, fix: 'Turn off maskZero on the Embedding, or end the masked branch with a recurrent layer (returnSequences off) first.' })
    : null;

/** [batch, F] → [batch, n, F]: the same vector at n timesteps (a decoder's input in an encoder–decoder). */
export const repeatVector: LayerSpec = {
  kind: 'RepeatVector',
  category: 'reshaping',
  description: 'Repeats a vector n times into a sequence of n timesteps, e.g. an encoder\'s summary fed to a decoder at every step.',
  arity: 'one',
  params: { n: int(4, 'Repeats (n)', 'Number of timesteps in the output sequence.') },
  inferShape: ([x], p) =>
    isTokens(x) || x.dims.length !== 1
      ? fail({ code: 'E_SHAPE_MISMATCH', message: `RepeatVector needs a float vector [batch, F]; it was given ${formatShape(x)}${isTokens(x) ? ' token ids' : ''}.`, fix: 'Feed it a vector: a recurrent layer with returnSequences off, a global pooling, or a Dense on a vector.' })
      : ok({ dims: [p.n as number, x.dims[0]], dtype: 'float32', masked: false }),
  paramCount: () => 0,
  brief: (p) => `× ${p.n}`,
  tfjs: (tf, p, ctx) => applyOne(tf.layers.repeatVector({ n: p.n as number, name: ctx.name }), ctx),
  keras: { classNames: ['RepeatVector'], factory: 'repeatVector', read: (c, cx) => ({ params: { n: num(c, 'n', cx.layer) } }), weights: () => [] },
  pytorch: (p, cx) => ({ forward: [`${cx.out} = ${cx.x[0]}.unsqueeze(1).repeat(1, ${p.n}, 1)`] }),
  mask: () => 'drops',
};

/** [batch, T, F] → [batch, F, T] (Keras `Permute((2, 1))`), e.g. to apply a Dense or softmax across time. */
export const permute: LayerSpec = {
  kind: 'Permute',
  category: 'reshaping',
  description: 'Swaps the time and features axes of a sequence, [batch, T, F] → [batch, F, T], e.g. to apply a Dense or a softmax across time.',
  arity: 'one',
  params: {},
  inferShape: ([x]) => {
    if (isTokens(x) || x.dims.length !== 2)
      return fail({ code: 'E_NEEDS_SEQUENCE', message: `Permute swaps the time and features axes of [batch, time, features]; it was given ${formatShape(x)}.`, fix: 'Feed it a float sequence.' });
    if (x.dims[0] === null)
      return fail({ code: 'E_SHAPE_MISMATCH', message: `Permute makes time the features axis, so the sequence needs a fixed length; ${formatShape(x)} has a free one.`, fix: 'Give the Input a fixed sequence length.' });
    return unmasked('Permute', x) ?? ok({ dims: [x.dims[1], x.dims[0]], dtype: 'float32', masked: false });
  },
  paramCount: () => 0,
  brief: () => 'time ⇄ features',
  tfjs: (tf, _p, ctx) => applyOne(tf.layers.permute({ dims: [2, 1], name: ctx.name }), ctx),
  keras: {
    classNames: ['Permute'],
    factory: 'permute',
    read: (c, cx) => {
      if (JSON.stringify(c.dims) !== '[2,1]') refuse(`Layer ${cx.layer} (Permute) has dims=${JSON.stringify(c.dims)}; RNN Studio's Permute swaps time and features, dims (2, 1).`);
      return { params: {} };
    },
    weights: () => [],
  },
  pytorch: (_p, cx) => ({ forward: [`${cx.out} = ${cx.x[0]}.transpose(1, 2)`] }),
  mask: () => 'drops',
};

const targetOf = (p: Params): number[] => ((p.dim2 as number) === 0 ? [p.dim1 as number] : [p.dim1 as number, p.dim2 as number]);

/**
 * [batch, …] → [batch, dim1(, dim2)], row-major (C order) as Keras reshapes; one dim may be -1, resolved from the
 * input's size (Keras leaves it unknown when the input has a free length).
 */
export const reshape: LayerSpec = {
  kind: 'Reshape',
  category: 'reshaping',
  description: 'Rearranges the values of each example into a new shape (row by row), e.g. a vector of T·F values into a sequence [T, F].',
  arity: 'one',
  params: {
    dim1: int(-1, 'First axis', 'Size of the first axis after the batch (time for a sequence); -1 means "whatever is left".', { min: -1 }),
    dim2: int(1, 'Second axis', 'Size of the features axis of a sequence; 0 makes a vector [batch, first axis].', { min: -1 }),
  },
  inferShape: ([x], p) => {
    const target = targetOf(p);
    const bad = (message: string, fix = 'Set the axes so their product equals the input\'s size, with at most one -1.') => fail({ code: 'E_SHAPE_MISMATCH', message, fix });
    if (isTokens(x)) return fail({ code: 'E_NEEDS_EMBEDDING', message: `Reshape needs float values; it was given token ids ${formatShape(x)}.`, fix: 'Put it after the Embedding.' });
    if (target.some((d) => d === 0) || target.filter((d) => d === -1).length > 1) return bad(`Reshape to (${target.join(', ')}): each axis is a positive size, and at most one is -1.`);
    // Porting note: tfjs 4.22's Reshape leaves a -1 unresolved in its output shape, so a layer after it would see no
    // features axis: -1 may stand for the time axis only.
    if (target[target.length - 1] === -1) return bad(`Reshape to (${target.join(', ')}): the last axis needs its size written out (-1 may stand for the time axis only).`, 'Write the last axis as a number.');
    const unmaskedOr = unmasked('Reshape', x);
    if (unmaskedOr) return unmaskedOr;
    const size = x.dims.every((d) => d !== null) ? (x.dims as number[]).reduce((a, d) => a * d, 1) : null;
    const known = target.filter((d) => d > 0).reduce((a, d) => a * d, 1);
    const free = target.indexOf(-1);
    if (size !== null && (free >= 0 ? size % known !== 0 : size !== known))
      return bad(`Reshape cannot put the ${size} values of ${formatShape(x)} into (${target.join(', ')}).`);
    return ok({ dims: target.map((d) => (d === -1 ? (size === null ? null : size / known) : d)), dtype: 'float32', masked: false });
  },
  paramCount: () => 0,
  brief: (p) => `(${targetOf(p).join(', ')})`,
  tfjs: (tf, p, ctx) => applyOne(tf.layers.reshape({ targetShape: targetOf(p), name: ctx.name }), ctx),
  keras: {
    classNames: ['Reshape'],
    factory: 'reshape',
    read: (c, cx) => {
      // TF.js writes the -1 as null.
      const t = Array.isArray(c.target_shape) ? c.target_shape.map((d) => (d === null ? -1 : d)) : c.target_shape;
      if (!Array.isArray(t) || t.length < 1 || t.length > 2 || !t.every((d) => Number.isInteger(d)))
        refuse(`Layer ${cx.layer} (Reshape) has target_shape=${JSON.stringify(t)}; RNN Studio reshapes to a vector or a sequence (one or two axes).`);
      const [a, b] = t as number[];
      return { params: { dim1: a, dim2: b ?? 0 } };
    },
    weights: () => [],
  },
  pytorch: (p, cx) => ({ forward: [`${cx.out} = ${cx.x[0]}.reshape(${cx.x[0]}.shape[0], ${targetOf(p).join(', ')})`] }),
  mask: () => 'drops',
};
