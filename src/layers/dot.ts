/** Dot: the batched dot product of two branches along one axis of each (attention scores, cosine similarity). */
import { flag, refuse } from './keras-config.ts';
import { bool, int } from './params.ts';
import { applyAll, fail, ok, type LayerSpec } from './spec.ts';
import { formatShape, isTokens, type TensorType } from './tensor-type.ts';

const rank = (x: TensorType) => x.dims.length + 1;
/** A negative axis counts from the end, as Keras resolves it per input. */
const resolve = (axis: number, r: number) => (axis < 0 ? axis + r : axis);

/**
 * Keras: the output is the first input's shape without axis a1, then the second's without its batch and axis a2;
 * a rank-1 result becomes [batch, 1]. Two [batch, D] vectors (axes 1, 1) give [batch, 1]; [batch, T1, D] and
 * [batch, T2, D] (axes 2, 2) give [batch, T1, T2].
 */
export const dot: LayerSpec = {
  kind: 'Dot',
  category: 'merge',
  description: 'The dot product of two branches along one axis of each: a similarity per pair of vectors, or attention scores between two sequences.',
  arity: 'many',
  params: {
    axis1: int(1, 'Axis of input 1', 'The axis of the first input that is summed over, counted with the batch axis (1 for a vector; 1 time or 2 features for a sequence; -1 the last).', { min: -1, max: 2 }),
    axis2: int(1, 'Axis of input 2', 'The axis of the second input that is summed over; it must have the same size as the first one.', { min: -1, max: 2 }),
    normalize: bool(false, 'Normalize', 'Divide both inputs by their L2 norm along the axis first, giving the cosine similarity.'),
  },
  inferShape: (xs, p) => {
    if (xs.length !== 2) return fail({ code: 'E_MERGE_NEEDS_TWO', message: `Dot takes exactly two inputs; it has ${xs.length}.`, fix: 'Connect exactly two layers to it.' });
    const [a, b] = xs;
    if (xs.some(isTokens)) return fail({ code: 'E_NEEDS_EMBEDDING', message: 'Dot cannot multiply token ids.', fix: 'Insert an Embedding on each token branch first.' });
    if (xs.some((x) => x.masked))
      return fail({ code: 'E_MASK_UNSUPPORTED', message: 'Dot drops a padding mask (as Keras does), so padded steps would count in its sums.', fix: 'Turn off maskZero on the Embedding, or end the masked branch with a recurrent layer (returnSequences off).' });
    const a1 = resolve(p.axis1 as number, rank(a)), a2 = resolve(p.axis2 as number, rank(b));
    // PyTorch's batched matrix product covers vector·vector and sequence·sequence, which are what Keras models use.
    // Porting note: tfjs 4.22's Dot resolves a negative axis in a pair only when it runs, not for its output shape.
    if ((p.axis1 as number) < 0 !== (p.axis2 as number) < 0 && p.axis1 !== p.axis2)
      return fail({ code: 'E_SHAPE_MISMATCH', message: `Dot with axes ${p.axis1} and ${p.axis2} mixes a negative and a positive axis, which TF.js cannot build.`, fix: 'Write both axes as positive numbers (1 or 2), or both as -1.' });
    if (rank(a) !== rank(b) || a1 < 1 || a2 < 1 || a1 >= rank(a) || a2 >= rank(b))
      return fail({
        code: 'E_SHAPE_MISMATCH',
        message: `Dot multiplies two vectors or two sequences along an axis each has; got ${formatShape(a)} (axis ${a1}) and ${formatShape(b)} (axis ${a2}).`,
        fix: 'Feed it two branches of the same rank, and pick axes 1 (time) or 2 (features) of a sequence, 1 of a vector.',
      });
    const d1 = a.dims[a1 - 1], d2 = b.dims[a2 - 1];
    if (d1 === null || d2 === null || d1 !== d2)
      return fail({
        code: 'E_SHAPE_MISMATCH',
        message: `Dot sums over axis ${a1} of ${formatShape(a)} and axis ${a2} of ${formatShape(b)}; their sizes must be equal and fixed.`,
        fix: 'Choose axes of the same size (or give the Input a fixed sequence length).',
      });
    const dims = [...a.dims.filter((_, i) => i !== a1 - 1), ...b.dims.filter((_, i) => i !== a2 - 1)];
    if (dims.length && dims[dims.length - 1] === null)
      return fail({
        code: 'E_SHAPE_MISMATCH',
        message: `Dot of ${formatShape(a)} and ${formatShape(b)} would end in a time axis of free length; the layers after it need a fixed last axis.`,
        fix: 'Give the Input a fixed sequence length.',
      });
    return ok({ dims: dims.length ? dims : [1], dtype: 'float32', masked: false });
  },
  paramCount: () => 0,
  brief: (p) => `axes ${p.axis1}, ${p.axis2}${p.normalize ? ', cosine' : ''}`,
  tfjs: (tf, p, ctx) => applyAll(tf.layers.dot({ axes: p.axis1 === p.axis2 ? (p.axis1 as number) : [p.axis1 as number, p.axis2 as number], normalize: p.normalize as boolean, name: ctx.name }), ctx),
  keras: {
    classNames: ['Dot'],
    factory: 'dot',
    read: (c, cx) => {
      const axes = Array.isArray(c.axes) ? c.axes : [c.axes, c.axes];
      if (axes.length !== 2 || !axes.every((a) => a === -1 || a === 1 || a === 2))
        refuse(`Layer ${cx.layer} (Dot) has axes=${JSON.stringify(c.axes)}; RNN Studio takes axes 1, 2 or -1 (vectors and sequences).`);
      return { params: { axis1: axes[0] as number, axis2: axes[1] as number, normalize: flag(c, 'normalize', false) } };
    },
    weights: () => [],
  },
  pytorch: (p, cx) => {
    const [x, y] = cx.x;
    const a1 = resolve(p.axis1 as number, cx.inputRank), a2 = resolve(p.axis2 as number, cx.inputRank);
    // TF.js's l2Normalize: x / sqrt(max(Σx², 1e-7)) along the axis (Keras 3 uses x / max(‖x‖, 1e-7): equal unless ‖x‖ < 3e-4).
    const norm = (v: string, a: number) => (p.normalize ? `(${v} / ${v}.pow(2).sum(${a}, keepdim=True).clamp(min=1e-7).sqrt())` : v);
    const [u, w] = [norm(x, a1), norm(y, a2)];
    // Vectors: Σ over the features → [B, 1]. Sequences: bmm with the summed axis last in u and first in w.
    return {
      notes: p.normalize ? ['normalize: TF.js divides by sqrt(max(sum(x^2), 1e-7)); Keras 3 by max(norm, 1e-7) (equal unless the norm is below 3e-4).'] : [],
      forward: [
        cx.inputRank === 2
          ? `${cx.out} = (${u} * ${w}).sum(-1, keepdim=True)`
          : `${cx.out} = torch.bmm(${a1 === 2 ? u : `${u}.transpose(1, 2)`}, ${a2 === 1 ? w : `${w}.transpose(1, 2)`})`,
      ],
    };
  },
  mask: () => 'drops',
};
