import { mustBe, num, refuse, type Json } from './keras-config.ts';
import { int } from './params.ts';
import { applyOne, fail, ok, type LayerSpec } from './spec.ts';
import { formatShape, isTokens } from './tensor-type.ts';

/** A size written as n or [n] (Keras 2+ stores pool_size and strides as 1-tuples). */
const size = (c: Json, k: string, layer: string): number | null => {
  const v = Array.isArray(c[k]) && (c[k] as unknown[]).length === 1 ? (c[k] as unknown[])[0] : c[k];
  return v == null ? null : num({ [k]: v }, k, layer);
};

/**
 * Averages windows of poolSize timesteps, moving by strides ('valid' padding): [batch, T, F] → [batch, ⌊(T − p)/s⌋ + 1, F].
 */
export const averagePooling1D: LayerSpec = {
  kind: 'AveragePooling1D',
  category: 'pooling',
  description: 'Averages each window of a few timesteps, shortening the sequence (window 2, stride 2 halves it).',
  arity: 'one',
  params: {
    poolSize: int(2, 'Pool size', 'Timesteps per window.'),
    strides: int(2, 'Strides', 'How many timesteps the window moves each time (Keras: the pool size unless set).'),
  },
  inferShape: ([x], p) => {
    const k = p.poolSize as number, s = p.strides as number;
    if (isTokens(x) || x.dims.length !== 2)
      return fail({ code: 'E_NEEDS_SEQUENCE', message: `AveragePooling1D needs [batch, time, features]; it was given ${formatShape(x)}${isTokens(x) ? ' token ids' : ''}.`, fix: 'Feed it a sequence: an Embedding, a float Input, or a recurrent layer with returnSequences.' });
    // Porting note: Keras's pooling layers do not support masking, and tfjs 4.22's throw when a mask reaches them.
    if (x.masked)
      return fail({ code: 'E_MASK_UNSUPPORTED', message: 'AveragePooling1D cannot take a padding mask: it would average padded steps too.', fix: 'Turn off maskZero on the Embedding (or remove the Masking).' });
    const T = x.dims[0];
    if (T !== null && T < k)
      return fail({ code: 'E_SHAPE_MISMATCH', message: `AveragePooling1D's window of ${k} steps is longer than the sequence ${formatShape(x)}.`, fix: `Set Pool size to at most ${T}.` });
    return ok({ ...x, dims: [T === null ? null : Math.floor((T - k) / s) + 1, x.dims[1]] });
  },
  paramCount: () => 0,
  brief: (p) => `${p.poolSize}, stride ${p.strides}`,
  tfjs: (tf, p, ctx) => applyOne(tf.layers.averagePooling1d({ poolSize: p.poolSize as number, strides: p.strides as number, padding: 'valid', name: ctx.name }), ctx),
  keras: {
    classNames: ['AveragePooling1D', 'AvgPool1D'],
    factory: 'averagePooling1d',
    read: (c, cx) => {
      // Keras 1: pool_length, stride, border_mode.
      const k = size(c, 'pool_size', cx.layer) ?? size(c, 'pool_length', cx.layer) ?? 2;
      for (const pad of ['padding', 'border_mode']) mustBe(c, cx, pad, ['valid'], "'same' padding is not supported yet");
      mustBe(c, cx, 'data_format', ['channels_last']);
      if (c.pool_size === undefined && c.pool_length === undefined && cx.format === 'keras3') refuse(`Layer ${cx.layer} (AveragePooling1D) has no pool_size.`);
      return { params: { poolSize: k, strides: size(c, 'strides', cx.layer) ?? size(c, 'stride', cx.layer) ?? k } };
    },
    weights: () => [],
  },
  pytorch: (p, cx) => ({
    forward: [`${cx.out} = nn.functional.avg_pool1d(${cx.x[0]}.transpose(1, 2), ${p.poolSize}, ${p.strides}).transpose(1, 2)`],
  }),
  mask: () => 'drops',
};
