/** Applies an activation function to every value; the shape and the padding mask pass through unchanged. */
import { ACTIVATIONS, TORCH_ACTIVATION } from './dense.ts';
import { activation as readActivation } from './keras-config.ts';
import { oneOf } from './params.ts';
import { fail, ok, oneLayer, type LayerSpec } from './spec.ts';
import { formatShape, isTokens } from './tensor-type.ts';

export const activation: LayerSpec = {
  kind: 'Activation',
  category: 'dense',
  description: 'Applies a function such as relu, tanh or softmax to every value (softmax over the last axis); no weights.',
  arity: 'one',
  params: {
    activation: oneOf(ACTIVATIONS, 'relu', 'Activation', 'softmax turns the last axis into probabilities; relu, tanh and sigmoid act on each value.'),
  },
  inferShape: ([x]) =>
    isTokens(x) ? fail({ code: 'E_NEEDS_EMBEDDING', message: `Activation needs float values; it was given token ids ${formatShape(x)}.`, fix: 'Put it after the Embedding.' }) : ok(x),
  paramCount: () => 0,
  brief: (p) => String(p.activation),
  ...oneLayer((tf, p, ctx) => tf.layers.activation({ activation: p.activation as 'linear', name: ctx.name })),
  keras: {
    classNames: ['Activation'],
    factory: 'activation',
    read: (c, cx) => ({ params: { activation: readActivation(c, 'activation', cx, ACTIVATIONS) } }),
    weights: () => [],
  },
  pytorch: (p, cx) => ({ forward: [`${cx.out} = ${TORCH_ACTIVATION[p.activation as (typeof ACTIVATIONS)[number]](cx.x[0])}`] }),
  mask: () => 'passes',
};
