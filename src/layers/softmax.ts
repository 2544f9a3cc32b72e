import { refuse } from './keras-config.ts';
import { int } from './params.ts';
import { applyOne, fail, ok, type LayerSpec } from './spec.ts';
import { formatShape, isTokens } from './tensor-type.ts';

/** exp(x) / Σ exp(x) along one axis (Keras's Softmax layer; its default axis -1 is the features axis). */
export const softmax: LayerSpec = {
  kind: 'Softmax',
  category: 'dense',
  description: 'Turns the values along the features axis into probabilities that sum to 1 (for weights over time, Permute first).',
  arity: 'one',
  params: { axis: int(-1, 'Axis', 'The axis that sums to 1, counted with the batch axis: -1 (or its index) is the features axis, the only one TF.js supports.', { min: -1, max: 2, when: (p) => p.axis !== -1 }) },
  inferShape: ([x], p) => {
    const a = p.axis as number;
    if (isTokens(x)) return fail({ code: 'E_NEEDS_EMBEDDING', message: `Softmax needs float values; it was given token ids ${formatShape(x)}.`, fix: 'Put it after an Embedding or a Dense layer.' });
    // Porting note: tfjs 4.22's softmax works along the last axis only ("not yet supported" otherwise).
    if (a !== -1 && a !== x.dims.length)
      return fail({
        code: 'E_SHAPE_MISMATCH',
        message: `Softmax over axis ${a} of ${formatShape(x)}: TF.js computes a softmax along the last axis (${x.dims.length}) only.`,
        fix: 'Set Axis to -1; for a softmax over time, put a Permute before it (and another after).',
      });
    // Porting note: Keras's Softmax (tf.keras 2.x, Keras 3) gives masked positions -1e9 before the exponential; TF.js's ignores the mask.
    if (x.masked)
      return fail({ code: 'E_MASK_UNSUPPORTED', message: 'Softmax in Keras leaves padded steps out of the sum, TF.js does not: with a padding mask the two differ.', fix: 'Turn off maskZero on the Embedding, or put the Softmax after a layer that drops the mask.' });
    return ok(x);
  },
  paramCount: () => 0,
  brief: (p) => `axis ${p.axis}`,
  tfjs: (tf, p, ctx) => applyOne(tf.layers.softmax({ axis: p.axis as number, name: ctx.name }), ctx),
  keras: {
    classNames: ['Softmax'],
    factory: 'softmax',
    read: (c, cx) => {
      const a = Array.isArray(c.axis) && c.axis.length === 1 ? c.axis[0] : c.axis ?? -1;
      if (!(a === -1 || a === 1 || a === 2)) refuse(`Layer ${cx.layer} (Softmax) has axis=${JSON.stringify(c.axis)}; RNN Studio takes one axis: -1, 1 or 2.`);
      return { params: { axis: a as number } };
    },
    weights: () => [],
  },
  pytorch: (p, cx) => ({ forward: [`${cx.out} = torch.softmax(${cx.x[0]}, dim=${p.axis})`] }),
  mask: () => 'passes',
};
