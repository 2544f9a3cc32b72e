/** Max pooling over time windows: `[batch, T, F] → [batch, T', F]` (Keras MaxPooling1D, channels last). */
import { mustBe } from './keras-config.ts';
import { int, oneOf } from './params.ts';
import { readPadding, size1, torchChannelsFirst, windowShape } from './conv1d.ts';
import { applyOne, type LayerSpec } from './spec.ts';

/** Keras's strides=None: the window moves by its own size. */
const stride = (p: Record<string, unknown>) => ((p.strides as number) || (p.poolSize as number));

export const maxPooling1D: LayerSpec = {
  kind: 'MaxPooling1D',
  category: 'pooling',
  description: 'Keeps the largest value of each feature in every window of steps, shortening the sequence (often after a Conv1D).',
  arity: 'one',
  params: {
    poolSize: int(2, 'Pool size', 'How many consecutive steps each maximum is taken over.'),
    strides: int(0, 'Strides', 'How many steps the window moves; 0 moves it by the pool size (Keras\'s default).', { min: 0 }),
    padding: oneOf(['valid', 'same'], 'valid', 'Padding', 'valid: only full windows; same: partial windows at the ends too, so the length is divided by strides.'),
  },
  inferShape: ([x], p) => windowShape('MaxPooling1D', x, p.poolSize as number, stride(p), p.padding as string, x.dims[1] as number),
  paramCount: () => 0,
  brief: (p) => `size ${p.poolSize}${p.strides ? `, stride ${p.strides}` : ''}`,
  tfjs: (tf, p, ctx) =>
    applyOne(tf.layers.maxPooling1d({ poolSize: p.poolSize as number, strides: (p.strides as number) || undefined, padding: p.padding as 'valid', name: ctx.name }), ctx),
  keras: {
    classNames: ['MaxPooling1D', 'MaxPool1D'],
    factory: 'maxPooling1d',
    // Keras 1 names them pool_length, stride and border_mode.
    read: (c, cx) => {
      mustBe(c, cx, 'data_format', ['channels_last']);
      const k1 = 'pool_length' in c;
      return { params: { poolSize: size1(c, k1 ? 'pool_length' : 'pool_size', cx, 2), strides: size1(c, k1 ? 'stride' : 'strides', cx, 0), padding: readPadding(c, cx) } };
    },
    weights: () => [],
  },
  // nn.MaxPool1d works on [B, F, T]; Keras's same padding never wins a maximum, so it pads with −inf.
  pytorch: (p, cx) => ({
    init: [`${cx.self} = nn.MaxPool1d(${p.poolSize}, stride=${stride(p)})`],
    forward: [...torchChannelsFirst(cx, p.poolSize as number, stride(p), p.padding as string, ', value=float("-inf")'), `${cx.out} = ${cx.self}(${cx.out}).transpose(1, 2)`],
  }),
  mask: () => 'drops',
};
