/** IR → tfjs functional model (`tf.model`, so branches and merges work). The only step of compilation that touches tfjs. */
import * as tf from '@tensorflow/tfjs';
import type { ModelIR } from '../compiler/index.ts';
import { LAYERS, type SymbolicTensor } from '../layers/index.ts';
import { fuseModel } from './fused/index.ts';

/**
 * `fused` (default): recurrent layers compute with RNN Studio's fused op (src/runtime/fused; equal to stock within
 * 1e-5, several times faster to train; same saved format). `stock`: tfjs-layers' own per-timestep loop.
 */
export type Engine = 'fused' | 'stock';
export const DEFAULT_ENGINE: Engine = 'fused';

export interface BuildOptions {
  name?: string;
  engine?: Engine;
}

export function buildModel(ir: ModelIR, { name = 'rnn_studio', engine = DEFAULT_ENGINE }: BuildOptions = {}): tf.LayersModel {
  const out = new Map<string, SymbolicTensor>();
  for (const l of ir.layers) {
    const ctx = { name: l.name, seed: l.seed, inputs: l.inputs.map((id) => out.get(id)!), inner: l.inner };
    out.set(l.id, LAYERS[l.kind].tfjs(tf, l.params, ctx));
  }
  const model = tf.model({ inputs: ir.inputs.map((id) => out.get(id)!), outputs: ir.outputs.map((id) => out.get(id)!), name });
  if (engine === 'fused') fuseModel(model);
  return model;
}
