/** The contract every layer kind's registry entry fulfils. */
import type * as tfjs from '@tensorflow/tfjs';
import type { LayerKind, Params } from '../graph/types.ts';
import type { ShapeError } from './diagnostics.ts';
import type { Json, KerasRead, KerasReadCtx } from './keras-config.ts';
import type { ParamSpecs } from './params.ts';
import type { TensorType } from './tensor-type.ts';

export type TF = typeof tfjs;
export type SymbolicTensor = tfjs.SymbolicTensor;
export type TfLayer = tfjs.layers.Layer;

export type Category = 'inputs' | 'embedding' | 'recurrent' | 'wrappers' | 'dense' | 'merge' | 'convolution' | 'pooling' | 'normalization' | 'reshaping';

/** The layer a wrapper holds, as the compiler resolved it. */
export interface InnerLayer {
  kind: LayerKind;
  params: Params;
  name: string;
  seed: number;
}

/** What a shape rule may know about its neighbourhood. */
export interface ShapeCtx {
  /** The kinds and params of the nodes feeding this one's data input(s), in input order. */
  sources: { kind: LayerKind; params: Params }[];
  inner?: InnerLayer;
  /** The shapes arriving at the layer's other input ports (a recurrent layer's `initial_h`, `initial_c`), by port. */
  states?: Record<string, TensorType>;
}

/** `out` is the `output` port's shape; `ports` the shapes of the other output ports (a recurrent layer's h and c). */
export type ShapeResult = { ok: true; out: TensorType; ports?: Record<string, TensorType> } | ({ ok: false } & ShapeError);

export interface BuildCtx {
  name: string;
  seed: number;
  inputs: SymbolicTensor[];
  inner?: InnerLayer;
  /** The tensors for the layer's other input ports, in port order (initial h, then c; an attention's value, then key). */
  states?: SymbolicTensor[];
}

/** A kind's ports: input ports (the data input first) and output ports (`output` first). */
export interface Ports {
  inputs: readonly string[];
  outputs: readonly string[];
}

/** A layer as an exporter sees it: its params, what it wraps, and its input shapes. */
export interface LayerUse {
  params: Params;
  inner?: InnerLayer;
  inputShapes: TensorType[];
}

/** One weight array of a layer: its TF.js name under the layer and its shape. */
export interface KerasWeight {
  name: string;
  shape: number[];
}

/** How a kind reads from and writes to Keras (Keras 2, Keras 3 and TF.js layers-model files share the configs). */
export interface KerasSpec {
  /** The Keras classes this kind is read from, its own first (the class the Keras export writes). */
  classNames: readonly string[];
  /** The `tf.layers` factory the kind's `tfjs` builder calls; the Keras export renders it as `classNames[0]`. */
  factory: string;
  /** A layer config → params (refuses what cannot be reproduced exactly, by name). */
  read(config: Json, cx: KerasReadCtx): KerasRead;
  /**
   * The layer's weights in Keras's `get_weights()` order, named as TF.js names them under the layer, with their
   * shapes for an input whose last axis is `inputDim` (a file's declared shapes are checked against these).
   */
  weights(p: Params, inputDim: number, inner?: InnerLayer): KerasWeight[];
  /** The Keras export's builder, when it differs from `tfjs` (Bidirectional names its backward layer). */
  build?(tf: TF, p: Params, ctx: BuildCtx): SymbolicTensor | SymbolicTensor[];
}

/** What a kind's PyTorch emitter is given: the names it writes with. */
export interface TorchCtx {
  /** The submodule, `self.<id>`. */
  self: string;
  /** The variable the layer's output goes to, and its input variables in order. */
  out: string;
  x: string[];
  /** The variables of the layer's state inputs (initial h, then c) and of its other output ports (final h, then c), when wired. */
  states?: string[];
  stateOuts?: string[];
  /** The padding masks arriving at the state inputs (an attention layer's value and key), null where none. */
  stateMasks?: (string | null)[];
  /** The padding mask arriving at the first input, and the one this layer makes (when `mask` is 'creates'). */
  mask?: string;
  ownMask?: string;
  /** The size of the first input's last axis, and its rank with the batch axis (3 for [batch, T, F]). */
  inputSize: number;
  inputRank: number;
  name: string;
  inner?: InnerLayer;
  /** `weights["<layer>/<w>"]`, the TF.js weight of this layer. */
  weight(w: string): string;
  /** Python literals: a string, and a number / boolean / None. */
  str(s: string): string;
  py(v: number | boolean | null): string;
}

/** The PyTorch lines of one layer, by section of model.py. `notes` become comments above its `__init__` lines. */
export interface TorchCode {
  notes?: string[];
  init?: string[];
  forward: string[];
  load?: string[];
  reinit?: string[];
}

/** How a recurrent kind is written in PyTorch: its nn.* module, and when that module computes it exactly. */
export interface TorchRecurrent {
  native: 'RNN' | 'LSTM' | 'GRU';
  exact(p: Params): boolean;
  /** Why the exact LoopRNN replaces nn.*, when the generic reason (an activation nn.* lacks) is not the one. */
  loopNote?(p: Params): string | undefined;
}

/**
 * What a layer does with a padding mask (rnn-math.md §7): `creates` one (Embedding with maskZero), `passes` on the
 * AND of its inputs' masks, or `drops` it.
 */
export type MaskRule = 'creates' | 'passes' | 'drops';

export interface LayerSpec {
  kind: LayerKind;
  category: Category;
  /** One sentence for the palette tooltip: what the layer does. */
  description: string;
  params: ParamSpecs;
  /** How many incoming connections the layer takes. */
  arity: 'none' | 'one' | 'many';
  /**
   * For recurrent cells: gate names in weight-block order (tfjs/Keras), the recurrent-weight multiplier, how PyTorch
   * writes the cell, and the TF.js export's notes on it (a wrapper holding the cell uses these too).
   */
  recurrent?: { gates: readonly string[]; blocks: number; torch: TorchRecurrent; tfjsNotes?(p: Params): string[] };
  /** True for a wrapper (Bidirectional) that holds exactly one recurrent layer as a child node. */
  wraps?: boolean;
  /** The ports, when the kind has more than its data input(s) `x` (none for an Input) and its one `output`. */
  ports?(p: Params): Ports;
  inferShape(inputs: TensorType[], p: Params, ctx: ShapeCtx): ShapeResult;
  /** Parameter count, Keras conventions (its Param #, non-trainable included); only called after `inferShape` succeeded. */
  paramCount(inputs: TensorType[], p: Params, ctx: ShapeCtx): number;
  /** How many of those parameters are not trained (BatchNormalization's moving statistics); none when absent. */
  nonTrainable?(inputs: TensorType[], p: Params): number;
  /** The key params in a few characters, for the node face ("64 units, seq"). */
  brief(p: Params): string;
  /**
   * Builds the layer's output in a tfjs functional graph, one tensor per output port. Uses `tf` as a parameter: no
   * tfjs import here. Recorded, it is also the TF.js export and (with Keras's class names) the Keras export.
   */
  tfjs(tf: TF, p: Params, ctx: BuildCtx): SymbolicTensor | SymbolicTensor[];
  keras: KerasSpec;
  pytorch(p: Params, cx: TorchCtx): TorchCode;
  mask(p: Params, inner?: InnerLayer): MaskRule;
  /** Porting notes the Keras and TF.js exports write above the layer. */
  notes?: { keras?(l: LayerUse): string[]; tfjs?(l: LayerUse): string[] };
}

export const ok = (out: TensorType): ShapeResult => ({ ok: true, out });
export const fail = (e: ShapeError): ShapeResult => ({ ok: false, ...e });

/** Applies a one-input layer to the single input in `ctx`. */
export const applyOne = (layer: TfLayer, ctx: BuildCtx): SymbolicTensor => layer.apply(ctx.inputs[0]) as SymbolicTensor;
export const applyAll = (layer: TfLayer, ctx: BuildCtx): SymbolicTensor => layer.apply(ctx.inputs) as SymbolicTensor;

/** A kind's ports with the defaults filled in. */
export const portsOf = (spec: Pick<LayerSpec, 'arity' | 'ports'>, p: Params): Ports =>
  spec.ports?.(p) ?? { inputs: spec.arity === 'none' ? [] : ['x'], outputs: ['output'] };
