/**
 * What SimpleRNN, LSTM and GRU share: their params, shape rule, parameter count and tfjs builder.
 * Each kind's own file states only what differs (gates, block count, extra params).
 */
import { isRecurrentKind, RECURRENT_KINDS, type Params, type RecurrentKind } from '../graph/types.ts';
import { bool, int, oneOf, rate, seed, type ParamSpecs } from './params.ts';
import { applyOne, fail, ok, type LayerSpec, type ShapeCtx, type ShapeResult, type TF, type TfLayer } from './spec.ts';
import { formatShape, isTokens, type TensorType } from './tensor-type.ts';

export { isRecurrentKind, RECURRENT_KINDS, type RecurrentKind };

export const ACTIVATIONS = ['tanh', 'relu', 'sigmoid', 'linear'] as const;
export const KERNEL_INITIALIZERS = ['glorotUniform', 'glorotNormal', 'heUniform', 'heNormal', 'orthogonal', 'zeros'] as const;
/** identity needs a square matrix: only SimpleRNN's H×H recurrent kernel is (LSTM/GRU stack their gates, H×kH). */
export const RECURRENT_INITIALIZERS = ['orthogonal', 'glorotUniform', 'identity'] as const;
const GATED_RECURRENT_INITIALIZERS = RECURRENT_INITIALIZERS.filter((i) => i !== 'identity');

const gated = (p: Params) => 'recurrentActivation' in p;

/** The params of every recurrent kind, Keras defaults (not tfjs's) written out. */
export function recurrentParams(gates: boolean): ParamSpecs {
  return {
    units: int(32, 'Units', 'Size of the hidden state h (and of the cell state c for LSTM).'),
    activation: oneOf(ACTIVATIONS, 'tanh', 'Activation', 'φ: squashes the candidate state. tanh is standard.'),
    ...(gates
      ? {
          recurrentActivation: oneOf(['sigmoid', 'hardSigmoid'], 'sigmoid', 'Recurrent activation',
            'σ for the gates. sigmoid matches Keras and PyTorch; tfjs defaults to hardSigmoid, which we never rely on.'),
        }
      : {}),
    returnSequences: bool(false, 'Return sequences', 'Output h at every timestep [batch, T, units] instead of only the last [batch, units]. Needed before another recurrent layer.'),
    goBackwards: bool(false, 'Go backwards', 'Read the sequence from the end to the start.'),
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
  const H = p.units as number;
  return ok(p.returnSequences ? { dims: [x.dims[0], H], dtype: 'float32', masked: x.masked } : { dims: [H], dtype: 'float32', masked: false });
}

/**
 * blocks·(H·(D+H) + H): one kernel, one recurrent kernel and one bias per gate block; a reset-after GRU has a second
 * (recurrent) bias, blocks·(H·(D+H) + 2H), as Keras's bias [2, 3H].
 */
export function recurrentParamCount(blocks: number, x: TensorType, p: Params): number {
  const H = p.units as number;
  const D = x.dims[x.dims.length - 1] as number;
  return blocks * (H * (D + H) + (p.useBias ? (p.resetAfter ? 2 : 1) * H : 0));
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
      return tidyBuild(tf, tf.layers.lstm({ ...args, recurrentActivation: p.recurrentActivation as 'sigmoid', unitForgetBias: p.unitForgetBias as boolean }));
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
  return layer;
}

/** Builds a registry entry for one recurrent kind. */
export function defineRecurrent(o: {
  kind: RecurrentKind;
  description: string;
  gates: readonly string[];
  blocks: number;
  extraParams?: ParamSpecs;
}): LayerSpec {
  const params = { ...recurrentParams(o.blocks > 1), ...o.extraParams };
  return {
    kind: o.kind,
    category: 'recurrent',
    description: o.description,
    arity: 'one',
    params,
    recurrent: { gates: o.gates, blocks: o.blocks },
    inferShape: ([x], p, ctx) => recurrentShape(o.kind, x, p, ctx),
    paramCount: ([x], p) => recurrentParamCount(o.blocks, x, p),
    brief: (p) => `${p.units} units${p.returnSequences ? ', seq' : ''}${p.goBackwards ? ', backwards' : ''}${gated(p) && p.recurrentActivation !== 'sigmoid' ? `, σ=${p.recurrentActivation}` : ''}`,
    tfjs: (tf, p, ctx) => applyOne(makeRecurrentLayer(tf, o.kind, p, ctx.name, ctx.seed), ctx),
  };
}
