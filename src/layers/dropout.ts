import { rate, seed } from './params.ts';
import { applyOne, ok, type LayerSpec } from './spec.ts';

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
  inferShape: ([x]) => ok(x),
  paramCount: () => 0,
  brief: (p) => `rate ${p.rate}`,
  tfjs: (tf, p, ctx) => applyOne(tf.layers.dropout({ rate: p.rate as number, seed: ctx.seed, name: ctx.name }), ctx),
};
