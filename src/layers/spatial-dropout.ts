import { num } from './keras-config.ts';
import { rate, seed } from './params.ts';
import { applyOne, fail, ok, type LayerSpec } from './spec.ts';
import { formatShape, isTokens } from './tensor-type.ts';

/** Dropout of whole feature channels: during training one draw per (sequence, feature) zeroes it at every timestep. */
export const spatialDropout1D: LayerSpec = {
  kind: 'SpatialDropout1D',
  category: 'dense',
  description: 'During training, zeroes whole features of a sequence (at every timestep at once) to fight overfitting. Does nothing at prediction time.',
  arity: 'one',
  params: {
    rate: rate(0.5, 'Rate', 'Fraction of features dropped during training (each for the whole sequence).'),
    seed: seed(),
  },
  inferShape: ([x]) =>
    isTokens(x) || x.dims.length !== 2
      ? fail({ code: 'E_NEEDS_SEQUENCE', message: `SpatialDropout1D drops features of a sequence [batch, time, features]; it was given ${formatShape(x)}${isTokens(x) ? ' token ids' : ''}.`, fix: 'Put it after an Embedding or a recurrent layer with returnSequences; on a vector use Dropout.' })
      : ok(x),
  paramCount: () => 0,
  brief: (p) => `rate ${p.rate}`,
  tfjs: (tf, p, ctx) => applyOne(tf.layers.spatialDropout1d({ rate: p.rate as number, seed: ctx.seed, name: ctx.name }), ctx),
  keras: {
    classNames: ['SpatialDropout1D'],
    factory: 'spatialDropout1d',
    // Keras 1 calls the rate p.
    read: (c, cx) => ({ params: { rate: num(c, 'rate', cx.layer) } }), // Keras 1's p arrives renamed (codegen/keras-dialect.ts)
    weights: () => [],
  },
  pytorch: (p, cx) => ({
    // nn.Dropout1d zeroes whole channels of [N, C, L]: the features of [B, T, F] are moved to dim 1 and back.
    init: [`${cx.self} = nn.Dropout1d(${p.rate})`],
    forward: [`${cx.out} = ${cx.self}(${cx.x[0]}.transpose(1, 2)).transpose(1, 2)`],
  }),
  mask: () => 'passes',
};
