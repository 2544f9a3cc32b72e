/** Global average / max pooling over time: `[batch, T, F] → [batch, F]`. */
import { mustBe } from './keras-config.ts';
import { applyOne, fail, ok, type LayerSpec, type ShapeResult } from './spec.ts';
import { formatShape, isSequence, type TensorType } from './tensor-type.ts';

/** Refuses what a layer over the time axis cannot take in TF.js: anything but a float sequence, or a padding mask. */
export function sequenceOnly(kind: string, x: TensorType, does: string): ShapeResult | null {
  if (!isSequence(x))
    return fail({
      code: 'E_NEEDS_SEQUENCE',
      message: `${kind} ${does} and needs [batch, time, features]; it was given ${formatShape(x)}.`,
      fix: 'Feed it a sequence: a recurrent layer with returnSequences, or an Embedding.',
    });
  // Porting note: tfjs 4.22 pooling and convolution layers do not support masks (rnn-math.md §7).
  if (x.masked)
    return fail({
      code: 'E_MASK_UNSUPPORTED',
      message: `${kind} in TF.js cannot take a padding mask: it would treat padded steps as data.`,
      fix: 'Turn off maskZero on the Embedding, or end the recurrent layer with returnSequences off instead.',
    });
  return null;
}

const poolShape = (kind: string, x: TensorType): ShapeResult => sequenceOnly(kind, x, 'pools over time') ?? ok({ dims: [x.dims[1]], dtype: 'float32', masked: false });

function definePooling(kind: 'GlobalAveragePooling1D' | 'GlobalMaxPooling1D', description: string, torchReduce: 'mean' | 'amax'): LayerSpec {
  const factory = kind === 'GlobalAveragePooling1D' ? 'globalAveragePooling1d' : 'globalMaxPooling1d';
  return {
    kind,
    category: 'pooling',
    description,
    arity: 'one',
    params: {},
    inferShape: ([x]) => poolShape(kind, x),
    paramCount: () => 0,
    brief: () => 'over time',
    tfjs: (tf, _p, ctx) => applyOne(tf.layers[factory]({ name: ctx.name }), ctx),
    keras: {
      classNames: [kind],
      factory,
      read: (c, cx) => {
        mustBe(c, cx, 'data_format', ['channels_last']);
        mustBe(c, cx, 'keepdims', [false]);
        return { params: {} };
      },
      weights: () => [],
    },
    pytorch: (_p, cx) => ({ forward: [`${cx.out} = ${cx.x[0]}.${torchReduce}(dim=1)`] }),
    mask: () => 'drops',
  };
}

export const globalAveragePooling1D = definePooling('GlobalAveragePooling1D', 'Averages the sequence over time into one vector (the PyTorch notebook\'s "mean over steps").', 'mean');
export const globalMaxPooling1D = definePooling('GlobalMaxPooling1D', 'Takes the maximum of each feature over time into one vector.', 'amax');
