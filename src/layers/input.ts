import { isObj, num, refuse, type Json, type KerasRead } from './keras-config.ts';
import { int, oneOf } from './params.ts';
import { ok, type LayerSpec } from './spec.ts';

const isTokens = (p: Record<string, unknown>) => p.inputType === 'tokens';
const isVector = (p: Record<string, unknown>) => p.inputType === 'vector';

/** The tfjs shape after the batch axis: `[T]` token ids, `[T, F]` a sequence of features, `[F]` one vector. */
function shapeOf(p: Record<string, unknown>): (number | null)[] {
  const T = (p.length as number) > 0 ? (p.length as number) : null;
  return isTokens(p) ? [T] : isVector(p) ? [p.features as number] : [T, p.features as number];
}

/** The model's input: token ids `[batch, T]`, float features `[batch, T, F]`, or one float vector `[batch, F]` (no time axis). */
export const input: LayerSpec = {
  kind: 'Input',
  category: 'inputs',
  description: 'Where data enters: token ids (for text, feed an Embedding), float features per timestep, or one float vector per example.',
  arity: 'none',
  params: {
    inputType: oneOf(['tokens', 'features', 'vector'], 'tokens', 'Input type', 'Token ids (integers, for text), float features at every timestep, or one float vector with no time axis (e.g. metadata joined to a recurrent branch).'),
    vocabSize: int(20000, 'Vocabulary size', 'Ids are in [0, vocabSize). 0 is the padding id when masking.', { min: 2, when: isTokens }),
    features: int(1, 'Features', 'Float values per timestep (e.g. 2 for the adding problem, 84 for one-hot characters), or the size of the vector.', {
      when: (p) => !isTokens(p),
    }),
    length: int(0, 'Sequence length', 'Fixed number of timesteps, or 0 for any length (a symbolic time axis T).', { min: 0, max: 100000, when: (p) => !isVector(p) }),
  },
  inferShape: (_in, p) =>
    isTokens(p) ? ok({ dims: shapeOf(p), dtype: 'int32', masked: false, vocab: p.vocabSize as number }) : ok({ dims: shapeOf(p), dtype: 'float32', masked: false }),
  paramCount: () => 0,
  brief: (p) =>
    isVector(p) ? `vector of ${p.features}` : (isTokens(p) ? `tokens, vocab ${p.vocabSize}` : `${p.features} features`) + ((p.length as number) > 0 ? `, T=${p.length}` : ''),
  tfjs: (tf, p, ctx) => tf.input({ shape: shapeOf(p), dtype: isTokens(p) ? 'int32' : 'float32', name: ctx.name }),
  keras: {
    classNames: ['InputLayer'],
    factory: 'input',
    read: (c, cx): KerasRead => {
      const shape = (c.batch_input_shape ?? c.batch_shape ?? (Array.isArray(c.shape) ? [null, ...(c.shape as unknown[])] : undefined)) as unknown[] | undefined;
      if (!Array.isArray(shape) || shape.length < 2 || shape.length > 3) refuse(`Input ${cx.layer} has shape ${JSON.stringify(shape)}; RNN Studio takes [batch, time] token ids, [batch, time, features] floats or a [batch, features] vector.`);
      const dtype = String(isObj(c.dtype) ? (c.dtype as Json).config && ((c.dtype as Json).config as Json).name : c.dtype ?? 'float32');
      const length = typeof shape![1] === 'number' ? (shape![1] as number) : 0;
      if (shape!.length === 2) {
        const emb = cx.consumers.find((k) => k.className === 'Embedding');
        // A float [batch, F] that feeds no Embedding is one vector per example (no time axis).
        if (!dtype.startsWith('int') && !emb) {
          if (typeof shape![1] !== 'number') refuse(`Input ${cx.layer} is a [batch, features] ${dtype} vector with no fixed size.`);
          return { params: { inputType: 'vector', features: shape![1] as number } };
        }
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
