/** Concatenate and the element-wise merges (Add, Subtract, Multiply, Average, Maximum): join several branches. */
import { mustBe } from './keras-config.ts';
import { applyAll, fail, ok, type LayerSpec, type ShapeResult, type TF, type TfLayer } from './spec.ts';
import { formatShape, isTokens, sameDims, type TensorType } from './tensor-type.ts';

function checkMergeInputs(kind: string, xs: TensorType[], compare: (a: TensorType, b: TensorType) => boolean, rule: string, exactlyTwo = false): ShapeResult | null {
  if (xs.length < 2 || (exactlyTwo && xs.length > 2))
    return fail({
      code: 'E_MERGE_NEEDS_TWO',
      message: `${kind} joins ${exactlyTwo ? 'exactly two' : 'several'} branches but has ${xs.length} input${xs.length === 1 ? '' : 's'}.`,
      fix: exactlyTwo ? 'Connect exactly two layers to it (the first minus the second), or delete it.' : 'Connect at least two layers to it, or delete it.',
    });
  if (xs.some(isTokens))
    return fail({ code: 'E_NEEDS_EMBEDDING', message: `${kind} cannot merge token ids.`, fix: 'Insert an Embedding on each token branch first.' });
  const bad = xs.find((x) => !compare(xs[0], x));
  if (bad)
    return fail({
      code: 'E_SHAPE_MISMATCH',
      message: `${kind} needs ${rule}; got ${xs.map(formatShape).join(' and ')}.`,
      fix: 'Make the branches agree: the same returnSequences on recurrent layers, or pooling on both.',
    });
  return null;
}

const merged = (xs: TensorType[], last: number): TensorType => ({
  dims: [...xs[0].dims.slice(0, -1).map((d, i) => d ?? xs.find((x) => x.dims[i] !== null)?.dims[i] ?? null), last],
  dtype: 'float32',
  masked: xs.some((x) => x.masked),
});

export const concatenate: LayerSpec = {
  kind: 'Concatenate',
  category: 'merge',
  description: 'Joins several branches side by side along the features axis (widths add up).',
  arity: 'many',
  params: {},
  inferShape: (xs) =>
    checkMergeInputs('Concatenate', xs, (a, b) => sameDims(a.dims.slice(0, -1), b.dims.slice(0, -1)), 'the same shape except the last axis') ??
    ok(merged(xs, xs.reduce((s, x) => s + (x.dims[x.dims.length - 1] as number), 0))),
  paramCount: () => 0,
  brief: () => 'features axis',
  tfjs: (tf, _p, ctx) => applyAll(tf.layers.concatenate({ axis: -1, name: ctx.name }), ctx),
  keras: {
    classNames: ['Concatenate'],
    factory: 'concatenate',
    read: (c, cx) => {
      mustBe(c, cx, 'axis', [-1], 'RNN Studio joins branches along the last (features) axis');
      return { params: {} };
    },
    weights: () => [],
  },
  pytorch: (_p, cx) => ({ forward: [`${cx.out} = torch.cat([${cx.x.join(', ')}], dim=-1)`] }),
  mask: () => 'passes',
};

/**
 * An element-wise merge of same-shaped branches (Add, Multiply, Average, Maximum). Porting note: tfjs 4.22's merge
 * layers build with masked inputs but fail when the model runs (seen in export tests for Add); Concatenate handles
 * masks. A masked input is refused here rather than at predict time.
 */
function elementwise(kind: 'Add' | 'Subtract' | 'Multiply' | 'Average' | 'Maximum', factory: string, layer: (tf: TF, name: string) => TfLayer, description: string, brief: string, torch: (xs: string[]) => string): LayerSpec {
  return {
    kind,
    category: 'merge',
    description,
    arity: 'many',
    params: {},
    inferShape: (xs) =>
      checkMergeInputs(kind, xs, (a, b) => sameDims(a.dims, b.dims), 'identical shapes', kind === 'Subtract') ??
      (xs.some((x) => x.masked)
        ? fail({
            code: 'E_MASK_UNSUPPORTED',
            message: `${kind} in TF.js fails at run time when a padding mask reaches it.`,
            fix: 'Turn off maskZero on the Embedding, use Concatenate instead, or end the masked branch with a recurrent layer (returnSequences off).',
          })
        : ok(merged(xs, xs[0].dims[xs[0].dims.length - 1] as number))),
    paramCount: () => 0,
    brief: () => brief,
    tfjs: (tf, _p, ctx) => applyAll(layer(tf, ctx.name), ctx),
    keras: { classNames: [kind], factory, read: () => ({ params: {} }), weights: () => [] },
    pytorch: (_p, cx) => ({ forward: [`${cx.out} = ${torch(cx.x)}`] }),
    mask: () => 'passes',
  };
}

export const add = elementwise('Add', 'add', (tf, name) => tf.layers.add({ name }), 'Adds several branches element by element (all must have the same shape) — e.g. a residual connection.', 'element-wise', (xs) => xs.join(' + '));
/** Keras's Subtract: exactly two inputs, the first minus the second. TF.js 4.22 has no such layer (src/codegen/tfjs-attention.ts adds one). */
export const subtract = elementwise('Subtract', 'subtract', (tf, name) => (tf.layers as unknown as Record<'subtract', (a: object) => TfLayer>).subtract({ name }), 'Subtracts the second branch from the first element by element (both must have the same shape) — e.g. the difference of two encodings.', 'first − second', (xs) => `${xs[0]} - ${xs[1]}`);
export const multiply = elementwise('Multiply', 'multiply', (tf, name) => tf.layers.multiply({ name }), 'Multiplies several branches element by element (all must have the same shape) — e.g. a gate or attention weights.', 'element-wise ×', (xs) => xs.join(' * '));
export const average = elementwise('Average', 'average', (tf, name) => tf.layers.average({ name }), 'Averages several branches element by element (all must have the same shape).', 'element-wise mean', (xs) => `(${xs.join(' + ')}) / ${xs.length}`);
export const maximum = elementwise('Maximum', 'maximum', (tf, name) => tf.layers.maximum({ name }), 'Takes the element-wise maximum of several branches (all must have the same shape).', 'element-wise max', (xs) => `torch.stack([${xs.join(', ')}]).amax(dim=0)`);
