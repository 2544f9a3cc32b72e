/** RepeatVector and Permute: Keras's reshaping layers that recurrent models use (encoder–decoder, attention). */
import { num, refuse } from './keras-config.ts';
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
