/**
 * Turns the registry's own tfjs builders into source text: each kind's `tfjs(tf, params, ctx)` runs against a
 * recording stand-in for `tf`, and every call it makes (`tf.layers.lstm({...})`, `tf.initializers.orthogonal({...})`,
 * `.apply(x)`) comes back as data, which the TF.js and Keras emitters render. So what each kind's arguments are
 * (activations, initializers, seeds, forget bias) is written once, in its registry file.
 */
import type { BuildCtx, SymbolicTensor, TF } from '../layers/index.ts';

/** A recorded call `tf.<ns>.<fn>(...args)`, or `tf.input(...)` (ns ''). */
export class Call {
  constructor(readonly ns: 'layers' | 'initializers' | '', readonly fn: string, readonly args: unknown[]) {}
  /** Layers: records `.apply(inputs)`, and its keyword arguments (a recurrent layer's `initialState`, an attention's flags). */
  apply(inputs: Value | Value[], kwargs?: Record<string, Value[] | boolean>): Applied {
    return new Applied(this, inputs, kwargs);
  }
  /** Builders may wrap `build` (see tidyBuild); nothing is built while recording. */
  build(): void {}
}

/** A variable of the generated module (a builder input). */
export class Var {
  constructor(readonly name: string) {}
}

/** `layer.apply(inputs, kwargs)`: what a builder returns. */
export class Applied {
  constructor(readonly layer: Call, readonly inputs: Value | Value[], readonly kwargs?: Record<string, Value[] | boolean>) {}
}

export type Value = Call | Var | Applied;

/** A stand-in for the tfjs namespace that records `tf.layers.*`, `tf.initializers.*` and `tf.input`. */
function recordingTf(): TF {
  const namespace = (ns: 'layers' | 'initializers') => new Proxy({}, { get: (_t, fn) => (...args: unknown[]) => new Call(ns, String(fn), args) });
  return { layers: namespace('layers'), initializers: namespace('initializers'), input: (args: unknown) => new Call('', 'input', [args]) } as unknown as TF;
}

/** Runs a registry builder with the given input (and initial-state) variables and returns what it built, as data. */
export function record(
  build: (tf: TF, ctx: BuildCtx) => SymbolicTensor | SymbolicTensor[], ctx: Omit<BuildCtx, 'inputs' | 'states'>, inputs: string[], states: string[] = [],
): Call | Applied {
  const vars = (names: string[]) => names.map((n) => new Var(n) as unknown as SymbolicTensor);
  const out = build(recordingTf(), { ...ctx, inputs: vars(inputs), ...(states.length ? { states: vars(states) } : {}) }) as unknown;
  if (!(out instanceof Call || out instanceof Applied)) throw new Error('the builder returned something the recorder did not make');
  return out;
}
