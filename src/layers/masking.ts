import { isObj, num, refuse } from './keras-config.ts';
import type { FloatSpec } from './params.ts';
import { applyOne, fail, ok, type LayerSpec } from './spec.ts';
import { formatShape, isTokens } from './tensor-type.ts';

const maskValue: FloatSpec = {
  type: 'float', default: 0, label: 'Mask value', min: -1e9, max: 1e9,
  help: 'A timestep whose features all equal this value is padding: recurrent layers after it skip the step and carry their state.',
};

/**
 * Makes the padding mask of a float sequence: step t is real when any feature differs from maskValue
 * (Keras: any(x != mask_value, axis=-1)); padded steps are zeroed in the output (x · mask).
 */
export const masking: LayerSpec = {
  kind: 'Masking',
  category: 'inputs',
  description: 'Marks the timesteps whose features all equal the mask value as padding, so the recurrent layers after it skip them.',
  arity: 'one',
  params: { maskValue },
  inferShape: ([x]) =>
    isTokens(x) || x.dims.length !== 2
      ? fail({ code: 'E_NEEDS_SEQUENCE', message: `Masking needs a float sequence [batch, time, features]; it was given ${formatShape(x)}${isTokens(x) ? ' token ids' : ''}.`, fix: 'For token ids use the Embedding\'s maskZero instead; otherwise feed it a float Input.' })
      : ok({ ...x, masked: true }),
  paramCount: () => 0,
  brief: (p) => `value ${p.maskValue}`,
  tfjs: (tf, p, ctx) => applyOne(tf.layers.masking({ maskValue: p.maskValue as number, name: ctx.name }), ctx),
  keras: {
    classNames: ['Masking'],
    factory: 'masking',
    read: (c, cx) => {
      if (isObj(c.mask_value)) refuse(`Layer ${cx.layer} (Masking) has a tensor mask_value; RNN Studio takes one number.`);
      return { params: { maskValue: num(c, 'mask_value', cx.layer, 0) } };
    },
    weights: () => [],
  },
  pytorch: (p, cx) => ({
    forward: [
      `${cx.ownMask} = (${cx.x[0]} != ${cx.py(p.maskValue as number)}).any(-1)  # Masking: a step is real when any feature differs`,
      `${cx.out} = ${cx.x[0]} * ${cx.ownMask}.unsqueeze(-1).to(${cx.x[0]}.dtype)`,
    ],
  }),
  mask: () => 'creates',
};
