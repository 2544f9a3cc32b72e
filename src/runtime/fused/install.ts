/**
 * Puts the fused computation into STOCK tfjs-layers SimpleRNN/LSTM/GRU layers.
 *
 * Only the layer instance's `call` is replaced: the class name, config and weights ([kernel [D,kH],
 * recurrent_kernel [H,kH], bias [kH]]) stay the stock ones, so a saved model loads in plain `tf.loadLayersModel`
 * and the exporters see an ordinary LSTM. Nothing is registered with `tf.serialization`.
 * Initial states (Keras `initial_state`) and returnState run fused too. A call the fused path does not cover
 * (stateful, an activation without a known derivative) goes to the stock implementation unchanged.
 */
import * as tf from '@tensorflow/tfjs';
import { isFusable, type LayerActivation } from './activations.ts';
import { gruCell } from './gru.ts';
import { gruResetAfterCell } from './gru-reset-after.ts';
import { lstmCell } from './lstm.ts';
import { fusedSequence, type FusedCell, type SequenceTap } from './sequence.ts';
import { simpleRnnCell } from './simple-rnn.ts';
import { simdReady } from '../simd/kernels.ts';
import { simdActivations, simdSequence } from '../simd/sequence.ts';

const CELLS: Record<string, { cell: FusedCell; maskCount: number }> = {
  // maskCount: how many dropout masks tfjs's cell draws per call (it uses only the first; drawing the same number
  // keeps the random stream identical to stock).
  SimpleRNN: { cell: simpleRnnCell, maskCount: 1 },
  LSTM: { cell: lstmCell, maskCount: 4 },
  GRU: { cell: gruCell, maskCount: 3 },
  GRUResetAfter: { cell: gruResetAfterCell, maskCount: 3 },
};

/**
 * How a fused layer computes: `simd` runs one WebAssembly SIMD kernel pair per direction (src/runtime/simd) where
 * the wasm backend has them, and falls back to `fused` (per-step tfjs kernels, any backend) everywhere else.
 */
export type FusedEngine = 'simd' | 'fused';

interface Weight { read(): tf.Tensor }
/** The fields of tfjs-layers' RNN layer and its cell that the fused path reads. */
interface RnnInternals {
  getClassName(): string;
  call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[];
  returnSequences: boolean;
  returnState: boolean;
  goBackwards: boolean;
  stateful: boolean;
  cell: {
    units: number;
    dropout: number;
    recurrentDropout: number;
    activation: LayerActivation;
    recurrentActivation?: LayerActivation;
    /** True on RNN Studio's reset-after GRU cell (src/runtime/gru-layer.ts); its bias is [2, 3H]. */
    resetAfter?: boolean;
    /** True on RNN Studio's two-bias LSTM cell (src/codegen/tfjs-lstm.ts); its bias is [2, 4H], used as the rows' sum. */
    twoBiases?: boolean;
    kernel: Weight;
    recurrentKernel: Weight;
    bias: Weight | null;
  };
}

const fusedLayers = new WeakMap<object, FusedEngine>();
const taps = new WeakMap<object, SequenceTap>();

/** Attaches a probe tap to a fused layer (null removes it); see `SequenceTap`. */
export function setTap(layer: object, tap: SequenceTap | null): void {
  if (tap) taps.set(layer, tap);
  else taps.delete(layer);
}

/** Is this layer running the fused engine? (For the UI and the benchmark.) */
export const isFused = (layer: object): boolean => fusedLayers.has(layer);

/** The initial states a call passes ([h] or [h, c]), or null. */
const initialStates = (kwargs: Record<string, unknown> | undefined) => (kwargs?.initialState as tf.Tensor[] | null | undefined) ?? null;

/** The kernels read initial states as [B, H] rows: any other count or shape goes to stock tfjs (and its errors). */
const statesFit = (given: tf.Tensor[] | null, count: number, batch: number, units: number) =>
  !given || (given.length === count && given.every((s) => s.shape.length === 2 && s.shape[0] === batch && s.shape[1] === units));

const fusableCall = (l: RnnInternals, x: tf.Tensor, kwargs: Record<string, unknown> | undefined, states: number) =>
  !l.stateful && statesFit(initialStates(kwargs), states, x.shape[0], l.cell.units) &&
  isFusable(l.cell.activation) && (!l.cell.recurrentActivation || isFusable(l.cell.recurrentActivation));

/** tfjs `generateDropoutMask`: `count` masks drawn with `tf.dropout(ones, rate)`, only the first used. */
function dropoutMask(shape: [number, number], rate: number, count: number): tf.Tensor | null {
  if (!(rate > 0 && rate < 1)) return null;
  const masks = Array.from({ length: count }, () => tf.dropout(tf.ones(shape), rate));
  return masks[0];
}

/**
 * Makes one SimpleRNN/LSTM/GRU layer compute with the fused op. Returns false (and changes nothing) for any other layer.
 */
export function fuseRecurrentLayer(layer: tf.layers.Layer, engine: FusedEngine = 'simd'): boolean {
  const l = layer as unknown as RnnInternals;
  const kind = l.getClassName() as 'SimpleRNN' | 'LSTM' | 'GRU';
  const resetAfter = !!l.cell?.resetAfter;
  const spec = CELLS[`${kind}${resetAfter ? 'ResetAfter' : ''}`];
  if (!spec || fusedLayers.has(layer)) return !!spec;
  const stockCall = l.call.bind(l);
  l.call = (inputs, kwargs) => {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!fusableCall(l, x, kwargs, kind === 'LSTM' ? 2 : 1)) return stockCall(inputs, kwargs);
    return tf.tidy(() => {
      const [B, , D] = x.shape;
      const c = l.cell;
      const training = kwargs?.training === true;
      // Same draw order as the stock cell: input masks first, then recurrent masks; none outside training.
      const dp = training ? dropoutMask([B, D], c.dropout, spec.maskCount) : null;
      const rdp = training ? dropoutMask([B, c.units], c.recurrentDropout, spec.maskCount) : null;
      const args = {
        x,
        kernel: c.kernel.read(),
        recurrentKernel: c.recurrentKernel.read(),
        // b = b_x + b_h outside the op: the tape gives each row of a two-bias LSTM's bias the op's bias gradient.
        bias: c.bias ? (c.twoBiases ? tf.sum(c.bias.read(), 0) : c.bias.read()) : null,
        mask: (kwargs?.mask as tf.Tensor | null | undefined) ?? null,
        dropoutMask: dp,
        recurrentDropoutMask: rdp,
        goBackwards: l.goBackwards,
        returnSequences: l.returnSequences,
        act: c.activation,
        recAct: c.recurrentActivation ?? null,
        units: c.units,
        tap: taps.get(l) ?? null,
        initialState: initialStates(kwargs),
        returnState: l.returnState,
      };
      return engine === 'simd' && simdReady() && simdActivations(args) ? simdSequence(kind, args, resetAfter) : fusedSequence(spec.cell, args);
    });
  };
  fusedLayers.set(layer, engine);
  return true;
}

export const innerLayers = (layer: tf.layers.Layer): tf.layers.Layer[] => {
  const w = layer as unknown as { forwardLayer?: tf.layers.Layer; backwardLayer?: tf.layers.Layer };
  return w.forwardLayer && w.backwardLayer ? [w.forwardLayer, w.backwardLayer] : [layer];
};

/**
 * Switches a layer to the fused engine: a SimpleRNN/LSTM/GRU itself, or both directions inside a Bidirectional
 * (the wrapper keeps its stock class and merge; only its two inner layers change how they compute).
 * @returns how many recurrent layers now run fused
 */
export function fuseLayer(layer: tf.layers.Layer, engine: FusedEngine = 'simd'): number {
  return innerLayers(layer).filter((l) => fuseRecurrentLayer(l, engine)).length;
}

/** How many recurrent layers (each direction of a Bidirectional counts) of a model run the fused op — for the UI. */
export const fusedLayerCount = (model: tf.LayersModel): number =>
  model.layers.flatMap(innerLayers).filter(isFused).length;

/** Switches every recurrent layer of a model to the fused engine. @returns how many layers now run fused */
export const fuseModel = (model: tf.LayersModel, engine: FusedEngine = 'simd'): number =>
  model.layers.reduce((n, l) => n + fuseLayer(l, engine), 0);

/** The engine a model's recurrent layers compute with right now: `simd` only while its kernels can run. */
export function engineInUse(model: tf.LayersModel): FusedEngine | 'stock' {
  const engines = model.layers.flatMap(innerLayers).map((l) => fusedLayers.get(l)).filter((e) => e !== undefined);
  if (engines.length === 0) return 'stock';
  return engines.every((e) => e === 'simd') && simdReady() ? 'simd' : 'fused';
}
