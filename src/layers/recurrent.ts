/**
 * What SimpleRNN, LSTM and GRU share: their params, shape rule, parameter count and tfjs builder.
 * Each kind's own file states only what differs (gates, block count, extra params).
 */
import { isRecurrentKind, RECURRENT_KINDS, type Params, type RecurrentKind } from '../graph/types.ts';
import { activation, flag, initializer as kerasInitializer, mustBe, num, type Json, type KerasReadCtx } from './keras-config.ts';
import { bool, int, oneOf, rate, seed, type ParamSpecs } from './params.ts';
import {
  fail, ok, type KerasWeight, type LayerSpec, type LayerUse, type Ports, type ShapeCtx, type ShapeResult, type SymbolicTensor, type TF, type TfLayer, type TorchCtx, type TorchRecurrent,
} from './spec.ts';
import { formatShape, isTokens, type TensorType } from './tensor-type.ts';

export { isRecurrentKind, RECURRENT_KINDS, type RecurrentKind };

/**
 * φ; hardSigmoid is Keras 1/2's and TF.js's hard_sigmoid, clip(0.2x + 0.5, 0, 1), and elu is x for x > 0, eˣ − 1
 * otherwise (alpha 1, Keras's and TF.js's default): real models use both for φ.
 */
export const ACTIVATIONS = ['tanh', 'relu', 'sigmoid', 'linear', 'hardSigmoid', 'elu'] as const;
/** The gates' σ: sigmoid, the two hard sigmoids, or any of φ's activations (Keras takes any; real files carry relu and elu). */
const GATE_ACTIVATIONS = ['sigmoid', 'hardSigmoid', 'hardSigmoidKeras3', ...ACTIVATIONS.filter((a) => a !== 'sigmoid' && a !== 'hardSigmoid')] as const;
export const KERNEL_INITIALIZERS = ['glorotUniform', 'glorotNormal', 'heUniform', 'heNormal', 'orthogonal', 'zeros'] as const;
/** identity needs a square matrix: only SimpleRNN's H×H recurrent kernel is (LSTM/GRU stack their gates, H×kH). */
export const RECURRENT_INITIALIZERS = ['orthogonal', 'glorotUniform', 'identity'] as const;
const GATED_RECURRENT_INITIALIZERS = RECURRENT_INITIALIZERS.filter((i) => i !== 'identity');

const gated = (p: Params) => 'recurrentActivation' in p;

/** The params of every recurrent kind, Keras defaults (not tfjs's) written out. */
export function recurrentParams(gates: boolean): ParamSpecs {
  return {
    units: int(32, 'Units', 'Size of the hidden state h (and of the cell state c for LSTM).'),
    activation: oneOf(ACTIVATIONS, 'tanh', 'Activation', 'φ: squashes the candidate state. tanh is standard. hardSigmoid is clip(0.2x + 0.5, 0, 1) (Keras 1 and 2, TF.js); elu is x above 0, eˣ − 1 below.'),
    ...(gates
      ? {
          recurrentActivation: oneOf(GATE_ACTIVATIONS, 'sigmoid', 'Recurrent activation',
            'σ for the gates. sigmoid matches Keras and PyTorch. hardSigmoid is clip(0.2x + 0.5, 0, 1) (TF.js, Keras 1 and 2); hardSigmoidKeras3 is clip(x/6 + 0.5, 0, 1), what Keras 3 calls hard_sigmoid. tanh, relu, linear and elu gates are rare but some saved models use them.'),
        }
      : {}),
    returnSequences: bool(false, 'Return sequences', 'Output h at every timestep [batch, T, units] instead of only the last [batch, units]. Needed before another recurrent layer.'),
    goBackwards: bool(false, 'Go backwards', 'Read the sequence from the end to the start.'),
    returnState: bool(false, 'Return state', `Also output the final state${gates ? 's' : ''} on ${gates ? 'ports of their own (h, and c for an LSTM)' : 'a port of its own (h)'}, e.g. to start a decoder.`),
    stateInputs: bool(false, 'Initial state inputs', `Add input port${gates ? 's' : ''} for the state before the first step (initial_h${gates ? ', and initial_c for an LSTM' : ''}), e.g. an encoder's final state; unconnected, it starts at zero.`),
    useBias: bool(true, 'Use bias', 'Add the bias vector b.'),
    dropout: rate(0, 'Dropout', 'Fraction of the input x dropped during training (same mask at every step).'),
    recurrentDropout: rate(0, 'Recurrent dropout', 'Fraction of the recurrent state h dropped during training.'),
    kernelInitializer: oneOf(KERNEL_INITIALIZERS, 'glorotUniform', 'Kernel init', 'Initial input weights W (Keras default glorotUniform).'),
    recurrentInitializer: gates
      ? oneOf(GATED_RECURRENT_INITIALIZERS, 'orthogonal', 'Recurrent init', 'Initial recurrent weights H (Keras default orthogonal).')
      : oneOf(RECURRENT_INITIALIZERS, 'orthogonal', 'Recurrent init', 'Initial recurrent weights H. identity with relu gives the IRNN.'),
    seed: seed(),
  };
}

/** The states a kind carries from step to step: h, and c for an LSTM. */
export const stateNames = (kind: string): string[] => (kind === 'LSTM' ? ['h', 'c'] : ['h']);

/** A recurrent kind's ports: `x` and (with stateInputs) its initial states in; `output` and (with returnState) its final states out. */
export const recurrentPorts = (kind: string, p: Params): Ports => ({
  inputs: ['x', ...(p.stateInputs ? stateNames(kind).map((s) => `initial_${s}`) : [])],
  outputs: ['output', ...(p.returnState ? stateNames(kind) : [])],
});

/** The initial states must be [batch, units] floats, all of them or none (tfjs and Keras take the full list). */
function checkStates(kind: string, p: Params, states: Record<string, TensorType>): ShapeResult | null {
  const wanted = stateNames(kind).map((s) => `initial_${s}`);
  const given = wanted.filter((w) => states[w]);
  const H = p.units as number;
  for (const port of given) {
    const s = states[port];
    if (isTokens(s) || s.dims.length !== 1 || s.dims[0] !== H)
      return fail({
        code: 'E_STATE_MISMATCH',
        message: `${kind}'s ${port} needs its state shape [batch, ${H}] (its units); it was given ${formatShape(s)}${isTokens(s) ? ' token ids' : ''}.`,
        fix: s.dims.length === 1 && !isTokens(s) ? `Give both layers the same units (${H} here, ${s.dims[0]} there).` : "Connect a layer's final state (h or c of a recurrent layer with Return state).",
      });
  }
  if (given.length > 0 && given.length < wanted.length)
    return fail({
      code: 'E_STATE_INCOMPLETE',
      message: `${kind} has ${given[0]} connected but not ${wanted.filter((w) => !states[w]).join(', ')}; it starts from all its states or from none.`,
      fix: `Connect ${wanted.filter((w) => !states[w]).join(', ')} too (an LSTM encoder's c), or disconnect ${given[0]}.`,
    });
  return null;
}

/** Recurrent cells consume `[batch, T, F]` floats; they say exactly what to change otherwise. */
export function recurrentShape(kind: string, x: TensorType, p: Params, ctx: ShapeCtx): ShapeResult {
  if (isTokens(x))
    return fail({
      code: 'E_NEEDS_EMBEDDING',
      message: `${kind} needs [batch, time, features] floats; it was given token ids ${formatShape(x)}.`,
      fix: 'Insert an Embedding between the Input and this layer.',
    });
  if (x.dims.length !== 2) {
    const src = ctx.sources[0];
    if (src && (isRecurrentKind(src.kind) || src.kind === 'Bidirectional'))
      return fail({
        code: 'E_NEEDS_RETURN_SEQUENCES',
        message: `${kind} needs [batch, time, features]; the ${src.kind} before it outputs only its last state ${formatShape(x)}.`,
        fix: `Set returnSequences on the previous ${src.kind} so it outputs every timestep.`,
      });
    return fail({
      code: 'E_NEEDS_SEQUENCE',
      message: `${kind} needs [batch, time, features]; ${src?.kind ?? 'its input'} outputs ${formatShape(x)}.`,
      fix: 'Connect a sequence: an Embedding, a float Input, or a recurrent layer with returnSequences.',
    });
  }
  const states = ctx.states && checkStates(kind, p, ctx.states);
  if (states) return states;
  const H = p.units as number;
  const state: TensorType = { dims: [H], dtype: 'float32', masked: false };
  const out = p.returnSequences ? { dims: [x.dims[0], H], dtype: 'float32' as const, masked: x.masked } : state;
  return p.returnState ? { ok: true, out, ports: Object.fromEntries(stateNames(kind).map((s) => [s, state])) } : ok(out);
}

/**
 * Bias vectors per layer: 2 (an input and a recurrent bias, the rows of a [2, kH] bias) for a reset-after GRU and for
 * an LSTM with twoBiases (Keras CuDNNLSTM, PyTorch bias_ih / bias_hh), else 1.
 */
const biasRows = (p: Params): number => (p.resetAfter || p.twoBiases ? 2 : 1);

/** Is this (kind, params) an LSTM holding two bias vectors, which TF.js builds with RNN Studio's class and Keras sums? */
export const isTwoBiasLstm = (l: { kind: string; params: Params } | undefined): boolean =>
  l?.kind === 'LSTM' && !!l.params.twoBiases && l.params.useBias !== false;

/**
 * blocks·(H·(D+H) + H): one kernel, one recurrent kernel and one bias per gate block; with a second (recurrent) bias,
 * blocks·(H·(D+H) + 2H), as Keras's reset-after GRU bias [2, 3H] and CuDNNLSTM bias [8H].
 */
export function recurrentParamCount(blocks: number, x: TensorType, p: Params): number {
  const H = p.units as number;
  const D = x.dims[x.dims.length - 1] as number;
  return blocks * (H * (D + H) + (p.useBias ? biasRows(p) * H : 0));
}

function initializer(tf: TF, name: string, seedValue: number) {
  switch (name) {
    case 'glorotUniform': return tf.initializers.glorotUniform({ seed: seedValue });
    case 'glorotNormal': return tf.initializers.glorotNormal({ seed: seedValue });
    case 'heUniform': return tf.initializers.heUniform({ seed: seedValue });
    case 'heNormal': return tf.initializers.heNormal({ seed: seedValue });
    case 'orthogonal': return tf.initializers.orthogonal({ seed: seedValue, gain: 1 });
    case 'identity': return tf.initializers.identity({ gain: 1 });
    case 'zeros': return tf.initializers.zeros();
    default: throw new Error(`unknown initializer ${name}`);
  }
}
export { initializer as tfInitializer };

/**
 * The seed of a Bidirectional's backward direction. tfjs's Bidirectional copies the wrapped layer's config, seeds
 * included, so both directions would start with equal weights; the app (src/runtime/build.ts) and the TF.js export
 * give the backward copy fresh initial weights from this seed, derived from the wrapped layer's.
 */
export const backwardSeed = (innerSeed: number): number => ((innerSeed * 48271) % 2147483647) || 1;

/** A tfjs recurrent layer with every numerically relevant argument explicit (reference/rnn-math.md §3). */
export function makeRecurrentLayer(tf: TF, kind: string, p: Params, name: string, seedValue: number): TfLayer {
  const args = {
    units: p.units as number,
    activation: p.activation as 'tanh',
    useBias: p.useBias as boolean,
    returnSequences: p.returnSequences as boolean,
    ...(p.returnState ? { returnState: true } : {}),
    goBackwards: p.goBackwards as boolean,
    dropout: p.dropout as number,
    recurrentDropout: p.recurrentDropout as number,
    kernelInitializer: initializer(tf, p.kernelInitializer as string, seedValue),
    recurrentInitializer: initializer(tf, p.recurrentInitializer as string, seedValue + 1),
    biasInitializer: tf.initializers.zeros(),
    name,
  };
  switch (kind) {
    case 'SimpleRNN':
      return tidyBuild(tf, tf.layers.simpleRNN(args));
    case 'LSTM':
      // twoBiases: RNN Studio's LSTM class (src/codegen/tfjs-lstm.ts) in the runtime and the TF.js export; the Keras
      // export drops the argument and loads the rows' sum.
      return tidyBuild(tf, tf.layers.lstm({
        ...args, recurrentActivation: p.recurrentActivation as 'sigmoid', unitForgetBias: p.unitForgetBias as boolean, ...(isTwoBiasLstm({ kind, params: p }) ? { twoBiases: true } : {}),
      }));
    case 'GRU': {
      // Porting note: stock tfjs's GRUCell throws on resetAfter: true (rnn-math.md §2). The runtime passes a `tf` whose
      // layers.gru builds RNN Studio's GRU class for it (src/runtime/gru-layer.ts); the emitters write it explicitly.
      const gruArgs = { ...args, recurrentActivation: p.recurrentActivation as 'sigmoid', resetAfter: p.resetAfter as boolean };
      return tidyBuild(tf, tf.layers.gru(gruArgs));
    }
    default:
      throw new Error(`not a recurrent kind: ${kind}`);
  }
}

/**
 * Porting note: tfjs 4.22's LSTM bias initializer for unitForgetBias (`CustomInit` in tfjs-layers recurrent.js)
 * leaves four temporaries undisposed every time an LSTM creates its weights. So every recurrent layer we make, and
 * every Bidirectional (whose backward copy tfjs creates itself), builds inside `tf.tidy`: the weights are variables
 * and survive it, the temporaries do not. This covers `apply` and explicit `layer.build(shape)` calls alike.
 */
export function tidyBuild<L extends TfLayer>(tf: TF, layer: L): L {
  const build = layer.build.bind(layer);
  layer.build = (shape) => {
    tf.tidy(() => build(shape));
  };
  // Porting note: tfjs 4.22's RNN.apply writes `initialState` into the kwargs it is given, and the fit/predict
  // executor (engine/executor.ts) hands every layer the same kwargs object: a recurrent layer run after a decoder
  // that took initial states (an encoder whose sequence output an attention layer reads) then fails with "When
  // inputs is an array, neither initialState or constants should be provided". Each call gets its own copy.
  const apply = layer.apply.bind(layer);
  layer.apply = (inputs, kwargs) => apply(inputs, kwargs && { ...kwargs });
  return layer;
}

// ── Keras configs ────────────────────────────────────────────────────────────────────────────────────────────

/** The params every recurrent kind reads from a Keras config, Keras's defaults where a key is missing. */
function readRecurrent(c: Json, cx: KerasReadCtx, gates: boolean): Params {
  mustBe(c, cx, 'time_major', [false]);
  mustBe(c, cx, 'stateful', [false, true]);
  // Same weights and the same outputs for one batch from zero states; only the carrying between batches is lost.
  if (c.stateful === true)
    cx.warn(`Layer ${cx.layer} is stateful in Keras (each batch starts from the last one's final states); RNN Studio starts every batch from zero states, as Keras does after reset_states().`);
  const p: Params = {
    units: num(c, 'units', cx.layer),
    activation: candidateActivation(c, cx),
    returnSequences: flag(c, 'return_sequences', false),
    goBackwards: flag(c, 'go_backwards', false),
    useBias: flag(c, 'use_bias', true),
    dropout: num(c, 'dropout', cx.layer, 0),
    recurrentDropout: num(c, 'recurrent_dropout', cx.layer, 0),
    kernelInitializer: kerasInitializer(c, 'kernel_initializer', 'glorotUniform', cx, KERNEL_INITIALIZERS),
    recurrentInitializer: kerasInitializer(c, 'recurrent_initializer', 'orthogonal', cx, gates ? GATED_RECURRENT_INITIALIZERS : RECURRENT_INITIALIZERS),
  };
  if (flag(c, 'return_state', false)) p.returnState = true;
  if (gates) {
    const ra = activation(c, 'recurrent_activation', cx, ['hard_sigmoid', ...ACTIVATIONS.filter((a) => a !== 'hardSigmoid')]);
    // The same name, two functions: Keras 3's hard_sigmoid is clip(x/6 + 0.5, 0, 1), Keras 1/2's clip(0.2x + 0.5, 0, 1).
    p.recurrentActivation = ra !== 'hard_sigmoid' ? ra : cx.format === 'keras3' ? 'hardSigmoidKeras3' : 'hardSigmoid';
  }
  return p;
}

/**
 * φ by its Keras name. hard_sigmoid is clip(0.2x + 0.5, 0, 1) in Keras 1/2 and TF.js; Keras 3's, clip(x/6 + 0.5, 0, 1),
 * is a gate activation only here, so a Keras 3 file with it as φ is refused by the list of what is supported.
 */
function candidateActivation(c: Json, cx: KerasReadCtx): string {
  const plain = ACTIVATIONS.filter((a) => a !== 'hardSigmoid');
  const a = activation(c, 'activation', cx, cx.format === 'keras3' ? plain : [...plain, 'hard_sigmoid']);
  return a === 'hard_sigmoid' ? 'hardSigmoid' : a;
}

/**
 * A recurrent layer's TF.js weights: kernel [D, kH], recurrent_kernel [H, kH] and (with useBias) bias [kH], or
 * [2, kH] for a reset-after GRU or a two-bias LSTM (its input and recurrent biases), with k its number of gate blocks.
 */
export function recurrentWeights(blocks: number, p: Params, d: number): KerasWeight[] {
  const h = p.units as number;
  const k = blocks * h;
  return [
    { name: 'kernel', shape: [d, k] },
    { name: 'recurrent_kernel', shape: [h, k] },
    ...(p.useBias !== false ? [{ name: 'bias', shape: biasRows(p) === 2 ? [2, k] : [k] }] : []),
  ];
}

// ── PyTorch ──────────────────────────────────────────────────────────────────────────────────────────────────

function cellModule(kind: string, t: TorchRecurrent, p: Params, inputSize: number, cx: TorchCtx): string {
  const H = p.units as number;
  if (t.exact(p)) {
    const nonlinearity = t.native === 'RNN' ? `, nonlinearity=${cx.str(p.activation as string)}` : '';
    return `nn.${t.native}(${inputSize}, ${H}${nonlinearity}, bias=${cx.py(p.useBias as boolean)}, batch_first=True)`;
  }
  const gates = 'recurrentActivation' in p ? `, recurrent_activation=${cx.str(p.recurrentActivation as string)}` : '';
  const resetAfter = p.resetAfter ? ', reset_after=True' : '';
  const twoBiases = p.twoBiases ? ', two_biases=True' : '';
  return `LoopRNN(${cx.str(kind)}, ${inputSize}, ${H}, bias=${cx.py(p.useBias as boolean)}, activation=${cx.str(p.activation as string)}${gates}${resetAfter}${twoBiases})`;
}

/** `Recurrent(<cell>, return_sequences=…, go_backwards=…[, return_state=True])` of rnn_layers.py. */
export function torchRecurrentModule(kind: string, t: TorchRecurrent, p: Params, goBackwards: boolean, cx: TorchCtx): string {
  const state = p.returnState ? ', return_state=True' : '';
  return `Recurrent(${cellModule(kind, t, p, cx.inputSize, cx)}, return_sequences=${cx.py(p.returnSequences as boolean)}, go_backwards=${cx.py(goBackwards)}${state})`;
}

/** `out[, h, c] = self.<layer>(x[, mask][, initial_state=[h, c]])`: the final states as [B, H] each, as Keras returns them. */
function torchRecurrentForward(cx: TorchCtx): string {
  const args = [cx.x[0], ...(cx.mask ? [cx.mask] : []), ...(cx.states ? [`initial_state=[${cx.states.join(', ')}]`] : [])];
  return `${[cx.out, ...(cx.stateOuts ?? [])].join(', ')} = ${cx.self}(${args.join(', ')})`;
}

/** Comments that say where the PyTorch module differs from a plain nn.* port, and what training-time parts are missing. */
export function torchRecurrentNotes(t: TorchRecurrent, p: Params): string[] {
  const notes: string[] = [];
  const loop = t.loopNote?.(p);
  if (loop) notes.push(loop);
  else if (!t.exact(p))
    notes.push(`nn.${t.native} cannot use activation=${p.activation}${'recurrentActivation' in p ? `, recurrent_activation=${p.recurrentActivation}` : ''}; LoopRNN computes it exactly.`);
  if ((p.dropout as number) > 0 || (p.recurrentDropout as number) > 0)
    notes.push(`Porting note: dropout=${p.dropout}, recurrent_dropout=${p.recurrentDropout} act only during training in TF.js (one mask per sequence) and are not reproduced here; inference is exact.`);
  return notes;
}

export function torchRecurrentReinit(rnn: string, p: Params, cx: TorchCtx): string {
  const twoBiases = p.twoBiases ? ', two_biases=True' : '';
  return `init_recurrent(${rnn}, ${cx.str(p.kernelInitializer as string)}, ${cx.str(p.recurrentInitializer as string)}, unit_forget_bias=${cx.py(Boolean(p.unitForgetBias))}${twoBiases})`;
}

/** Builds a registry entry for one recurrent kind. */
export function defineRecurrent(o: {
  kind: RecurrentKind;
  description: string;
  gates: readonly string[];
  blocks: number;
  extraParams?: ParamSpecs;
  /** The `tf.layers` factory (`lstm`). */
  factory: string;
  torch: TorchRecurrent;
  /** Params of this kind's own Keras options, read after the shared ones. */
  readExtra?(c: Json, cx: KerasReadCtx): Params;
  /** Porting notes above the layer in the TF.js export (a wrapper holding it writes them too). */
  tfjsNotes?(p: Params): string[];
}): LayerSpec {
  const params = { ...recurrentParams(o.blocks > 1), ...o.extraParams };
  return {
    kind: o.kind,
    category: 'recurrent',
    description: o.description,
    arity: 'one',
    params,
    recurrent: { gates: o.gates, blocks: o.blocks, torch: o.torch, ...(o.tfjsNotes ? { tfjsNotes: o.tfjsNotes } : {}) },
    inferShape: ([x], p, ctx) => recurrentShape(o.kind, x, p, ctx),
    paramCount: ([x], p) => recurrentParamCount(o.blocks, x, p),
    brief: (p) => `${p.units} units${p.returnSequences ? ', seq' : ''}${p.goBackwards ? ', backwards' : ''}${gated(p) && p.recurrentActivation !== 'sigmoid' ? `, σ=${p.recurrentActivation}` : ''}${isTwoBiasLstm({ kind: o.kind, params: p }) ? ', 2 biases' : ''}`,
    ports: (p) => recurrentPorts(o.kind, p),
    tfjs: (tf, p, ctx) => {
      const layer = makeRecurrentLayer(tf, o.kind, p, ctx.name, ctx.seed);
      // With returnState tfjs returns [output, h, (c)], the order of the output ports.
      const out = ctx.states?.length ? layer.apply(ctx.inputs[0], { initialState: ctx.states }) : layer.apply(ctx.inputs[0]);
      return out as SymbolicTensor | SymbolicTensor[];
    },
    keras: {
      classNames: [o.kind],
      factory: o.factory,
      read: (c, cx) => {
        const p = { ...readRecurrent(c, cx, o.blocks > 1), ...o.readExtra?.(c, cx) };
        if (c.zero_output_for_mask === true && p.returnSequences)
          cx.warn(`Layer ${cx.layer}: Keras zero-fills the padded steps of its sequence output; RNN Studio (as TF.js) repeats the last state there. Real steps are identical.`);
        return { params: p };
      },
      weights: (p, d) => recurrentWeights(o.blocks, p, d),
    },
    pytorch: (p, cx) => ({
      notes: torchRecurrentNotes(o.torch, p),
      init: [`${cx.self} = ${torchRecurrentModule(o.kind, o.torch, p, p.goBackwards as boolean, cx)}`],
      forward: [torchRecurrentForward(cx)],
      load: [`load_recurrent(${cx.self}.rnn, weights, ${cx.str(cx.name)})`],
      reinit: [torchRecurrentReinit(`${cx.self}.rnn`, p, cx)],
    }),
    mask: (p) => (p.returnSequences ? 'passes' : 'drops'),
    ...(o.tfjsNotes ? { notes: { tfjs: (l: LayerUse) => o.tfjsNotes!(l.params) } } : {}),
  };
}
