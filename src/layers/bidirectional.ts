import { oneOf } from './params.ts';
import { makeRecurrentLayer, recurrentParamCount, recurrentShape, tidyBuild } from './recurrent.ts';
import { applyOne, fail, ok, type LayerSpec } from './spec.ts';
import { gru } from './gru.ts';
import { lstm } from './lstm.ts';
import { simpleRNN } from './simple-rnn.ts';
import type * as tfjs from '@tensorflow/tfjs';

const BLOCKS: Record<string, number> = Object.fromEntries([simpleRNN, lstm, gru].map((s) => [s.kind, s.recurrent!.blocks]));

/**
 * Runs the wrapped recurrent layer forwards and a copy backwards over the sequence and merges the two.
 * The wrapped layer is a child node (`parentId`); its returnSequences decides the output rank.
 */
export const bidirectional: LayerSpec = {
  kind: 'Bidirectional',
  category: 'wrappers',
  description: 'Wraps one SimpleRNN/LSTM/GRU: one copy reads forwards, one backwards, and their outputs are merged (concat doubles the width).',
  arity: 'one',
  wraps: true,
  params: {
    mergeMode: oneOf(['concat', 'sum', 'mul', 'ave'], 'concat', 'Merge mode', 'How forward and backward outputs combine: concat gives 2×units, the others keep units.'),
  },
  inferShape: ([x], p, ctx) => {
    if (!ctx.inner)
      return fail({ code: 'E_BIDI_EMPTY', message: 'Bidirectional has no recurrent layer inside.', fix: 'Drop a SimpleRNN, LSTM or GRU into it.' });
    const r = recurrentShape(ctx.inner.kind, x, ctx.inner.params, ctx);
    if (!r.ok || p.mergeMode !== 'concat') return r;
    const dims = [...r.out.dims];
    dims[dims.length - 1] = 2 * (dims[dims.length - 1] as number);
    return ok({ ...r.out, dims });
  },
  paramCount: ([x], _p, ctx) => 2 * recurrentParamCount(BLOCKS[ctx.inner!.kind], x, ctx.inner!.params),
  brief: (p) => `merge ${p.mergeMode}`,
  tfjs: (tf, p, ctx) => {
    const inner = ctx.inner!;
    const layer = makeRecurrentLayer(tf, inner.kind, inner.params, inner.name, inner.seed) as tfjs.RNN;
    return applyOne(tidyBuild(tf, tf.layers.bidirectional({ layer, mergeMode: p.mergeMode as 'concat', name: ctx.name })), ctx);
  },
};
