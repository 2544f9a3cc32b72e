/** Flattens everything after the batch axis into one vector, step after step: `[batch, T, F] → [batch, T·F]`. */
import { mustBe } from './keras-config.ts';
import { applyOne, fail, ok, type LayerSpec } from './spec.ts';
import { formatShape, isTokens } from './tensor-type.ts';

export const flatten: LayerSpec = {
  kind: 'Flatten',
  category: 'dense',
  description: 'Lays a fixed-length sequence out as one long vector (all features of step 1, then step 2, …), e.g. before a Dense classifier.',
  arity: 'one',
  params: {},
  inferShape: ([x]) => {
    if (isTokens(x))
      return fail({ code: 'E_NEEDS_EMBEDDING', message: `Flatten needs float features; it was given token ids ${formatShape(x)}.`, fix: 'Insert an Embedding before the Flatten.' });
    // tfjs 4.22's Flatten does not support masks.
    if (x.masked)
      return fail({ code: 'E_MASK_UNSUPPORTED', message: 'Flatten in TF.js cannot take a padding mask: padded steps would become features.', fix: 'Turn off maskZero on the Embedding.' });
    if (x.dims.some((d) => d === null))
      return fail({ code: 'E_NEEDS_LENGTH', message: `Flatten needs a fixed number of steps to know its output size; it was given ${formatShape(x)}.`, fix: 'Set the Input\'s sequence length, or pool over time (GlobalMaxPooling1D) instead.' });
    return ok({ dims: [x.dims.reduce((a: number, d) => a * (d as number), 1)], dtype: 'float32', masked: false });
  },
  paramCount: () => 0,
  brief: () => 'to a vector',
  tfjs: (tf, _p, ctx) => applyOne(tf.layers.flatten({ name: ctx.name }), ctx),
  keras: {
    classNames: ['Flatten'],
    factory: 'flatten',
    read: (c, cx) => {
      mustBe(c, cx, 'data_format', ['channels_last']);
      return { params: {} };
    },
    weights: () => [],
  },
  // Row-major over [B, T, F], as Keras flattens channels-last tensors.
  pytorch: (_p, cx) => ({ forward: [`${cx.out} = ${cx.x[0]}.reshape(${cx.x[0]}.shape[0], -1)`] }),
  mask: () => 'drops',
};
