/**
 * TimeDistributed: one Dense, Dropout or Activation applied to every time step with the same weights,
 * `[batch, T, F] → [batch, T, …inner output]`. The wrapped layer is a child node (`parentId`). A per-step Conv1D,
 * pooling or Flatten would need a second time axis ([batch, T, steps, F]), which no RNN Studio layer makes, so those
 * are refused on import with that reason.
 * Facts from Keras's source (shared/reference/keras-vocabulary.md §2.15): the inner layer sees `(B,) + input[2:]`;
 * the weights, their order and the parameter count are exactly the inner layer's; the padding mask is passed through
 * unchanged (Keras 1, Keras 3 up to 3.13, TF.js; Keras 3 master since 2026-07 drops it).
 */
import { WRAPPED_KINDS, type LayerKind } from '../graph/types.ts';
import { activation } from './activation.ts';
import { dense } from './dense.ts';
import { dropout } from './dropout.ts';
import { isObj, refuse, type Json, type KerasReadCtx } from './keras-config.ts';
import { applyOne, fail, ok, type LayerSpec, type ShapeCtx, type ShapeResult } from './spec.ts';
import { formatShape, isTokens, type TensorType } from './tensor-type.ts';

/** The kinds it holds, by kind. */
const INNER: Record<string, LayerSpec> = Object.fromEntries([dense, dropout, activation].map((s) => [s.kind, s]));
/** Keras classes that need a second time axis per step. */
const WINDOWED = ['Conv1D', 'Convolution1D', 'MaxPooling1D', 'MaxPool1D', 'AveragePooling1D', 'AvgPool1D', 'Flatten', 'GlobalMaxPooling1D', 'GlobalAveragePooling1D'];

/** What the inner layer is given at one time step: the input without its time axis (the wrapper handles the mask). */
const perStep = (x: TensorType): TensorType => ({ ...x, dims: x.dims.slice(1), masked: false });

function shape(x: TensorType, ctx: ShapeCtx): ShapeResult {
  const inner = ctx.inner;
  if (!inner)
    return fail({ code: 'E_BIDI_EMPTY', message: 'TimeDistributed has no layer inside.', fix: 'Drop a Dense (or a Dropout or Activation) into it.' });
  if (isTokens(x))
    return fail({ code: 'E_NEEDS_EMBEDDING', message: `TimeDistributed needs float features per step; it was given token ids ${formatShape(x)}.`, fix: 'Insert an Embedding before it.' });
  if (x.dims.length < 2)
    return fail({
      code: 'E_NEEDS_SEQUENCE',
      message: `TimeDistributed applies its ${inner.kind} at every time step and needs [batch, time, …]; it was given ${formatShape(x)}.`,
      fix: 'Feed it a sequence: a recurrent layer with returnSequences on.',
    });
  const r = INNER[inner.kind].inferShape([perStep(x)], inner.params, ctx);
  if (!r.ok) return { ...r, message: `At each time step of the TimeDistributed: ${r.message}` };
  return ok({ dims: [x.dims[0], ...r.out.dims], dtype: r.out.dtype, masked: x.masked });
}

/** The one layer of a nested Sequential (its InputLayer aside); more than one is refused. */
function onlyLayer(seq: Json, cx: KerasReadCtx): Json {
  const c = seq.config;
  const list = (Array.isArray(c) ? c : isObj(c) && Array.isArray(c.layers) ? c.layers : []).filter((l) => !(isObj(l) && l.class_name === 'InputLayer'));
  if (list.length !== 1) {
    const kinds = list.map((l) => (isObj(l) ? String(l.class_name) : '?')).join(', ');
    refuse(`TimeDistributed ${cx.layer} wraps a Sequential of ${list.length} layers (${kinds}); RNN Studio's TimeDistributed holds one layer.`);
  }
  return list[0] as Json;
}

export const timeDistributed: LayerSpec = {
  kind: 'TimeDistributed',
  category: 'wrappers',
  description: 'Wraps one Dense (or Dropout, Activation) and applies it at every time step with the same weights: a label per step.',
  arity: 'one',
  wraps: WRAPPED_KINDS.TimeDistributed,
  params: {},
  inferShape: ([x], _p, ctx) => shape(x, ctx),
  paramCount: ([x], _p, ctx) => INNER[ctx.inner!.kind].paramCount([perStep(x)], ctx.inner!.params, ctx),
  brief: () => 'every step',
  tfjs: (tf, _p, ctx) => {
    const inner = ctx.inner!;
    const layer = INNER[inner.kind].layer!(tf, inner.params, { name: inner.name, seed: inner.seed });
    return applyOne(tf.layers.timeDistributed({ layer, name: ctx.name }), ctx);
  },
  keras: {
    classNames: ['TimeDistributed'],
    factory: 'timeDistributed',
    read: (c, cx) => {
      let inner = c.layer;
      if (!isObj(inner) || typeof inner.class_name !== 'string') return refuse(`TimeDistributed ${cx.layer} has no wrapped layer.`);
      if (inner.class_name === 'Sequential') inner = onlyLayer(inner, cx);
      const cls = (inner as Json).class_name, config = (inner as Json).config;
      const spec = Object.values(INNER).find((s) => s.keras.classNames.includes(cls as string));
      if (WINDOWED.includes(cls as string))
        refuse(`TimeDistributed ${cx.layer} wraps a ${String(cls)}, which needs a second time axis per step ([batch, T, steps, features]); RNN Studio's tensors have one.`);
      if (!spec || !isObj(config))
        return refuse(`TimeDistributed ${cx.layer} wraps a ${String(cls)}; RNN Studio's TimeDistributed holds ${Object.keys(INNER).join(', ')}.`);
      const name = typeof config.name === 'string' ? config.name : `${cx.layer}_inner`;
      return { params: {}, inner: { name, kind: spec.kind as LayerKind, className: cls as string, config } };
    },
    // Exactly the inner layer's arrays; TF.js names them under the wrapper (`<td>/kernel`), as Keras keeps them.
    weights: (_p, d, inner) => INNER[inner!.kind].keras.weights(inner!.params, d),
  },
  // The inner module on [B·T, F], then back to [B, T, …] (what Keras does without a static batch size).
  pytorch: (_p, cx) => {
    const inner = cx.inner!;
    const [x, y] = [cx.x[0], cx.out];
    const code = INNER[inner.kind].pytorch(inner.params, { ...cx, x: [y], mask: undefined, ownMask: undefined, inputRank: cx.inputRank - 1 });
    return {
      ...code,
      forward: [`${y} = ${x}.reshape(-1, *${x}.shape[2:])`, ...code.forward, `${y} = ${y}.reshape(${x}.shape[0], ${x}.shape[1], *${y}.shape[1:])`],
    };
  },
  mask: () => 'passes',
};
