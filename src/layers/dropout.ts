import { num, refuse } from './keras-config.ts';
import { rate, seed } from './params.ts';
import { fail, ok, oneLayer, type LayerSpec } from './spec.ts';
import { formatShape, isTokens } from './tensor-type.ts';

/** Zeroes a random fraction of values during training (scaled to keep the mean); identity at inference. */
export const dropout: LayerSpec = {
  kind: 'Dropout',
  category: 'dense',
  description: 'During training, zeroes a random fraction of the values to fight overfitting. Does nothing at prediction time.',
  arity: 'one',
  params: {
    rate: rate(0.5, 'Rate', 'Fraction of values dropped during training.'),
    seed: seed(),
  },
  // tfjs scales the kept values by 1/(1−rate), which needs floats: on token ids training fails at the first step.
  inferShape: ([x]) =>
    isTokens(x)
      ? fail({
          code: 'E_NEEDS_EMBEDDING',
          message: `Dropout needs float values; it was given token ids ${formatShape(x)}.`,
          fix: 'Put the Dropout after the Embedding, where the tokens are vectors.',
        })
      : ok(x),
  paramCount: () => 0,
  brief: (p) => `rate ${p.rate}`,
  ...oneLayer((tf, p, ctx) => tf.layers.dropout({ rate: p.rate as number, seed: ctx.seed, name: ctx.name })),
  keras: {
    classNames: ['Dropout'],
    factory: 'dropout',
    read: (c, cx) => {
      if (c.noise_shape != null) refuse(`Layer ${cx.layer} (Dropout) has noise_shape=${JSON.stringify(c.noise_shape)}; only plain dropout is supported.`);
      return { params: { rate: num(c, 'rate', cx.layer) } };
    },
    weights: () => [],
  },
  pytorch: (p, cx) => ({ init: [`${cx.self} = nn.Dropout(${p.rate})`], forward: [`${cx.out} = ${cx.self}(${cx.x[0]})`] }),
  mask: () => 'passes',
};
