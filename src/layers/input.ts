import { isObj, num, refuse, type Json, type KerasRead } from './keras-config.ts';
import { int, oneOf } from './params.ts';
import { ok, type LayerSpec } from './spec.ts';

const isTokens = (p: Record<string, unknown>) => p.inputType === 'tokens';

/** The model's input: token ids `[batch, T]` or float features `[batch, T, F]`. */
export const input: LayerSpec = {
  kind: 'Input',
  category: 'inputs',
  description: 'Where data enters: token ids (for text, feed an Embedding) or float features per timestep.',
  arity: 'none',
  params: {
    inputType: oneOf(['tokens', 'features'], 'tokens', 'Input type', 'Token ids (integers, for text) or float features at every timestep.'),
    vocabSize: int(20000, 'Vocabulary size', 'Ids are in [0, vocabSize). 0 is the padding id when masking.', { min: 2, when: isTokens }),
    features: int(1, 'Features', 'Float values per timestep (e.g. 2 for the adding problem, 84 for one-hot characters).', {
      when: (p) => !isTokens(p),
    }),
    length: int(0, 'Sequence length', 'Fixed number of timesteps, or 0 for any length (a symbolic time axis T).', { min: 0, max: 100000 }),
  },
  inferShape: (_in, p) => {
    const T = (p.length as number) > 0 ? (p.length as number) : null;
    return isTokens(p)
      ? ok({ dims: [T], dtype: 'int32', masked: false, vocab: p.vocabSize as number })
      : ok({ dims: [T, p.features as number], dtype: 'float32', masked: false });
  },
  paramCount: () => 0,
  brief: (p) => (isTokens(p) ? `tokens, vocab ${p.vocabSize}` : `${p.features} features`) + ((p.length as number) > 0 ? `, T=${p.length}` : ''),
  tfjs: (tf, p, ctx) =>
    tf.input({
      shape: isTokens(p) ? [(p.length as number) || null] : [(p.length as number) || null, p.features as number],
      dtype: isTokens(p) ? 'int32' : 'float32',
      name: ctx.name,
    }),
  keras: {
    classNames: ['InputLayer'],
    factory: 'input',
    read: (c, cx): KerasRead => {
      const shape = (c.batch_input_shape ?? c.batch_shape ?? (Array.isArray(c.shape) ? [null, ...(c.shape as unknown[])] : undefined)) as unknown[] | undefined;
      if (!Array.isArray(shape) || shape.length < 2 || shape.length > 3) refuse(`Input ${cx.layer} has shape ${JSON.stringify(shape)}; RNN Studio takes [batch, time] token ids or [batch, time, features] floats.`);
      const dtype = String(isObj(c.dtype) ? (c.dtype as Json).config && ((c.dtype as Json).config as Json).name : c.dtype ?? 'float32');
      const length = typeof shape![1] === 'number' ? (shape![1] as number) : 0;
      if (shape!.length === 2) {
        const emb = cx.consumers.find((k) => k.className === 'Embedding');
        if (!dtype.startsWith('int') && !emb) refuse(`Input ${cx.layer} is [batch, time] ${dtype}; RNN Studio reads a 2-D input as token ids for an Embedding.`);
        return { params: { inputType: 'tokens', vocabSize: emb ? num(emb.config, 'input_dim', emb.name) : 20000, length } };
      }
      if (typeof shape![2] !== 'number') refuse(`Input ${cx.layer} has no fixed feature size.`);
      return { params: { inputType: 'features', features: shape![2] as number, length } };
    },
    weights: () => [],
  },
  pytorch: () => ({ forward: [] }), // the model's forward() takes it as an argument
  mask: () => 'drops',
};
