/** The contract every layer kind's registry entry fulfils. */
import type * as tfjs from '@tensorflow/tfjs';
import type { LayerKind, Params } from '../graph/types.ts';
import type { ShapeError } from './diagnostics.ts';
import type { ParamSpecs } from './params.ts';
import type { TensorType } from './tensor-type.ts';

export type TF = typeof tfjs;
export type SymbolicTensor = tfjs.SymbolicTensor;
export type TfLayer = tfjs.layers.Layer;

export type Category = 'inputs' | 'embedding' | 'recurrent' | 'wrappers' | 'dense' | 'merge' | 'pooling';

/** The layer a wrapper holds, as the compiler resolved it. */
export interface InnerLayer {
  kind: LayerKind;
  params: Params;
  name: string;
  seed: number;
}

/** What a shape rule may know about its neighbourhood. */
export interface ShapeCtx {
  /** The kinds and params of the nodes feeding this one, in input order. */
  sources: { kind: LayerKind; params: Params }[];
  inner?: InnerLayer;
}

export type ShapeResult = { ok: true; out: TensorType } | ({ ok: false } & ShapeError);

export interface BuildCtx {
  name: string;
  seed: number;
  inputs: SymbolicTensor[];
  inner?: InnerLayer;
}

export interface LayerSpec {
  kind: LayerKind;
  category: Category;
  /** One sentence for the palette tooltip: what the layer does. */
  description: string;
  params: ParamSpecs;
  /** How many incoming connections the layer takes. */
  arity: 'none' | 'one' | 'many';
  /** For recurrent cells: gate names in weight-block order (tfjs/Keras), and the recurrent-weight multiplier. */
  recurrent?: { gates: readonly string[]; blocks: number };
  /** True for a wrapper (Bidirectional) that holds exactly one recurrent layer as a child node. */
  wraps?: boolean;
  inferShape(inputs: TensorType[], p: Params, ctx: ShapeCtx): ShapeResult;
  /** Trainable parameter count, Keras conventions; only called after `inferShape` succeeded. */
  paramCount(inputs: TensorType[], p: Params, ctx: ShapeCtx): number;
  /** The key params in a few characters, for the node face ("64 units, seq"). */
  brief(p: Params): string;
  /** Builds the layer's output in a tfjs functional graph. Uses `tf` as a parameter: no tfjs import here. */
  tfjs(tf: TF, p: Params, ctx: BuildCtx): SymbolicTensor;
}

export const ok = (out: TensorType): ShapeResult => ({ ok: true, out });
export const fail = (e: ShapeError): ShapeResult => ({ ok: false, ...e });

/** Applies a one-input layer to the single input in `ctx`. */
export const applyOne = (layer: TfLayer, ctx: BuildCtx): SymbolicTensor => layer.apply(ctx.inputs[0]) as SymbolicTensor;
export const applyAll = (layer: TfLayer, ctx: BuildCtx): SymbolicTensor => layer.apply(ctx.inputs) as SymbolicTensor;
