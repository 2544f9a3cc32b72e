import { flag, notKept, num } from './keras-config.ts';
import { bool, int, seed } from './params.ts';
import { applyOne, fail, ok, type LayerSpec } from './spec.ts';
import { formatShape, isTokens } from './tensor-type.ts';

/** Maps token ids to learned vectors; with maskZero, id 0 is padding and a mask travels downstream. */
export const embedding: LayerSpec = {
  kind: 'Embedding',
  category: 'embedding',
  description: 'Turns each token id into a learned vector of outputDim numbers. With maskZero, id 0 is padding and is skipped.',
  arity: 'one',
  params: {
    inputDim: int(20000, 'Input dim (vocabulary)', 'Number of rows: ids must be below this.', { min: 1 }),
    outputDim: int(64, 'Output dim', 'Length of each token vector.'),
    maskZero: bool(false, 'Mask zero', 'Treat id 0 as padding: recurrent layers carry their state over padded steps.'),
    seed: seed(),
  },
  inferShape: ([x], p) => {
    if (!isTokens(x) || x.dims.length !== 1)
      return fail({
        code: 'E_EMBEDDING_NEEDS_IDS',
        message: `Embedding needs token ids [batch, T]; it was given ${formatShape(x)} floats.`,
        fix: 'Feed it from an Input of type "tokens", or remove the Embedding and feed the features to the recurrent layer directly.',
      });
    if (x.vocab !== undefined && x.vocab > (p.inputDim as number))
      return fail({
        code: 'E_VOCAB_MISMATCH',
        message: `Ids go up to ${x.vocab - 1} but the Embedding has only ${p.inputDim} rows.`,
        fix: `Set inputDim to at least ${x.vocab} (the Input's vocabulary size).`,
      });
    return ok({ dims: [x.dims[0], p.outputDim as number], dtype: 'float32', masked: p.maskZero as boolean });
  },
  paramCount: (_in, p) => (p.inputDim as number) * (p.outputDim as number),
  brief: (p) => `${p.inputDim}→${p.outputDim}${p.maskZero ? ', masked' : ''}`,
  tfjs: (tf, p, ctx) =>
    applyOne(
      tf.layers.embedding({
        inputDim: p.inputDim as number,
        outputDim: p.outputDim as number,
        maskZero: p.maskZero as boolean,
        // Keras and tfjs both use U(-0.05, 0.05); written out so a default change cannot move us.
        embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: ctx.seed }),
        name: ctx.name,
      }),
      ctx,
    ),
  keras: {
    classNames: ['Embedding'],
    factory: 'embedding',
    read: (c, cx) => {
      notKept(c, ['embeddings_regularizer', 'embeddings_constraint', 'activity_regularizer'], cx);
      return { params: { inputDim: num(c, 'input_dim', cx.layer), outputDim: num(c, 'output_dim', cx.layer), maskZero: flag(c, 'mask_zero', false) } };
    },
    weights: (p) => [{ name: 'embeddings', shape: [p.inputDim as number, p.outputDim as number] }],
  },
  pytorch: (p, cx) => ({
    init: [`${cx.self} = nn.Embedding(${p.inputDim}, ${p.outputDim}${p.maskZero ? ', padding_idx=0' : ''})`],
    forward: [...(p.maskZero ? [`${cx.ownMask} = ${cx.x[0]} != 0  # mask_zero: id 0 is padding`] : []), `${cx.out} = ${cx.self}(${cx.x[0]})`],
    load: [`load_param(${cx.self}.weight, ${cx.weight('embeddings')})`],
    reinit: [`nn.init.uniform_(${cx.self}.weight, -0.05, 0.05)`],
  }),
  mask: (p) => (p.maskZero ? 'creates' : 'drops'),
};
