import { WRAPPED_KINDS, type LayerKind } from '../graph/types.ts';
import { isObj, refuse, type Json } from './keras-config.ts';
import { oneOf } from './params.ts';
import {
  backwardSeed, isRecurrentKind, makeRecurrentLayer, recurrentParamCount, recurrentShape, recurrentWeights, tidyBuild,
  torchRecurrentModule, torchRecurrentNotes, torchRecurrentReinit,
} from './recurrent.ts';
import { applyOne, fail, ok, type BuildCtx, type LayerSpec, type TF } from './spec.ts';
import { gru } from './gru.ts';
import { lstm } from './lstm.ts';
import { simpleRNN } from './simple-rnn.ts';
import type * as tfjs from '@tensorflow/tfjs';

/** What the wrapper needs to know about the kind it holds. */
const CELLS = Object.fromEntries([simpleRNN, lstm, gru].map((s) => [s.kind, s.recurrent!]));

const MERGE_MODES = ['concat', 'sum', 'mul', 'ave'];

/** tf.layers.bidirectional with the wrapped layer, and for the Keras export an explicit backward layer too. */
function build(tf: TF, mergeMode: string, ctx: BuildCtx, keras: boolean): tfjs.SymbolicTensor {
  const inner = ctx.inner!;
  const layer = makeRecurrentLayer(tf, inner.kind, inner.params, inner.name, inner.seed) as tfjs.RNN;
  // Keras's Bidirectional copies the wrapped layer's config, seeds included, so both directions would start equal.
  // The app reseeds the backward copy from backwardSeed (src/runtime/build.ts); Keras takes the same seed in an
  // explicit `backward_layer=` (go_backwards flipped, named as Keras names its own copy). TF.js has no such argument.
  const backwardLayer = keras
    ? { backwardLayer: makeRecurrentLayer(tf, inner.kind, { ...inner.params, goBackwards: !inner.params.goBackwards }, `backward_${inner.name}`, backwardSeed(inner.seed)) }
    : {};
  const args = { layer, ...backwardLayer, mergeMode: mergeMode as 'concat', name: ctx.name };
  return applyOne(tidyBuild(tf, tf.layers.bidirectional(args)), ctx);
}

/**
 * Runs the wrapped recurrent layer forwards and a copy backwards over the sequence and merges the two.
 * The wrapped layer is a child node (`parentId`); its returnSequences decides the output rank.
 */
export const bidirectional: LayerSpec = {
  kind: 'Bidirectional',
  category: 'wrappers',
  description: 'Wraps one SimpleRNN/LSTM/GRU: one copy reads forwards, one backwards, and their outputs are merged (concat doubles the width).',
  arity: 'one',
  wraps: WRAPPED_KINDS.Bidirectional,
  params: {
    mergeMode: oneOf(['concat', 'sum', 'mul', 'ave'], 'concat', 'Merge mode', 'How forward and backward outputs combine: concat gives 2×units, the others keep units.'),
  },
  inferShape: ([x], p, ctx) => {
    if (!ctx.inner)
      return fail({ code: 'E_BIDI_EMPTY', message: 'Bidirectional has no recurrent layer inside.', fix: 'Drop a SimpleRNN, LSTM or GRU into it.' });
    if (ctx.inner.params.returnState || ctx.inner.params.stateInputs)
      return fail({
        code: 'E_STATE_IN_WRAPPER',
        message: `The ${ctx.inner.kind} inside this Bidirectional has ${ctx.inner.params.returnState ? 'Return state' : 'Initial state inputs'} on; a wrapped layer has no ports of its own.`,
        fix: 'Turn off Return state and Initial state inputs on the wrapped layer.',
      });
    const r = recurrentShape(ctx.inner.kind, x, ctx.inner.params, ctx);
    if (!r.ok || p.mergeMode !== 'concat') return r;
    const dims = [...r.out.dims];
    dims[dims.length - 1] = 2 * (dims[dims.length - 1] as number);
    return ok({ ...r.out, dims });
  },
  paramCount: ([x], _p, ctx) => 2 * recurrentParamCount(CELLS[ctx.inner!.kind].blocks, x, ctx.inner!.params),
  brief: (p) => `merge ${p.mergeMode}`,
  tfjs: (tf, p, ctx) => build(tf, p.mergeMode as string, ctx, false),
  keras: {
    classNames: ['Bidirectional'],
    factory: 'bidirectional',
    read: (c, cx) => {
      const inner = c.layer;
      if (!isObj(inner) || typeof inner.class_name !== 'string' || !isObj(inner.config)) return refuse(`Bidirectional ${cx.layer} has no wrapped layer.`);
      if (!isRecurrentKind(inner.class_name)) refuse(`Bidirectional ${cx.layer} wraps a ${inner.class_name}; only SimpleRNN, LSTM and GRU are supported.`);
      if ((inner.config as Json).return_state === true) refuse(`Bidirectional ${cx.layer} returns its states (return_state=True); a Bidirectional in RNN Studio has no state ports.`);
      const mode = c.merge_mode ?? null;
      if (!MERGE_MODES.includes(mode as string)) refuse(`Bidirectional ${cx.layer} has merge_mode=${JSON.stringify(mode)}; supported: ${MERGE_MODES.join(', ')}.`);
      if (isObj(c.backward_layer) && isObj(c.backward_layer.config)) {
        const b = c.backward_layer as Json, bc = b.config as Json, fc = inner.config as Json;
        const differs = Object.keys(fc).filter((k) => !['name', 'go_backwards', 'trainable'].includes(k) && JSON.stringify(fc[k]) !== JSON.stringify(bc[k]) && !k.endsWith('initializer'));
        if (b.class_name !== inner.class_name || differs.length) refuse(`Bidirectional ${cx.layer} has a backward layer that differs from the forward one (${differs.join(', ') || b.class_name}); RNN Studio uses a mirrored copy.`);
      }
      const name = typeof (inner.config as Json).name === 'string' ? ((inner.config as Json).name as string) : `${cx.layer}_inner`;
      return { params: { mergeMode: mode as string }, inner: { name, kind: inner.class_name as LayerKind, className: inner.class_name as string, config: inner.config as Json } };
    },
    weights: (_p, d, inner) =>
      ['forward', 'backward'].flatMap((dir) => recurrentWeights(CELLS[inner!.kind].blocks, inner!.params, d).map((w) => ({ ...w, name: `${dir}_${inner!.name}/${w.name}` }))),
    build: (tf, p, ctx) => build(tf, p.mergeMode as string, ctx, true),
  },
  pytorch: (p, cx) => {
    const inner = cx.inner!;
    const q = inner.params;
    const cell = CELLS[inner.kind].torch;
    const direction = (back: boolean) => torchRecurrentModule(inner.kind, cell, q, back, cx);
    return {
      notes: torchRecurrentNotes(cell, q),
      init: [`${cx.self} = Bidirectional(`, `    ${direction(q.goBackwards as boolean)},`, `    ${direction(!q.goBackwards)},`, `    merge_mode=${cx.str(p.mergeMode as string)},`, `)`],
      forward: [`${cx.out} = ${cx.self}(${cx.x[0]}${cx.mask ? `, ${cx.mask}` : ''})`],
      load: ['forward', 'backward'].map((dir) => `load_recurrent(${cx.self}.${dir}_layer.rnn, weights, ${cx.str(`${cx.name}/${dir}_${inner.name}`)})`),
      reinit: ['forward', 'backward'].map((dir) => torchRecurrentReinit(`${cx.self}.${dir}_layer.rnn`, q, cx)),
    };
  },
  mask: (_p, inner) => (inner?.params.returnSequences ? 'passes' : 'drops'),
  notes: {
    keras: (l) => (l.inputShapes[0].masked && l.inner?.params.returnSequences
      ? ['Porting note: with a padding mask, Keras zero-fills the padded steps of a Bidirectional sequence output;', 'TF.js carries the last state there. Outputs at real (unpadded) steps are identical.']
      : []),
    tfjs: (l) => (l.inner ? CELLS[l.inner.kind].tfjsNotes?.(l.inner.params) ?? [] : []),
  },
};
