/** IR → tfjs functional model (`tf.model`, so branches and merges work). The only step of compilation that touches tfjs. */
import * as tf from '@tensorflow/tfjs';
import type { ModelIR } from '../compiler/index.ts';
import { LAYERS, type SymbolicTensor } from '../layers/index.ts';

export function buildModel(ir: ModelIR, name = 'rnn_studio'): tf.LayersModel {
  const out = new Map<string, SymbolicTensor>();
  for (const l of ir.layers) {
    const ctx = { name: l.name, seed: l.seed, inputs: l.inputs.map((id) => out.get(id)!), inner: l.inner };
    out.set(l.id, LAYERS[l.kind].tfjs(tf, l.params, ctx));
  }
  return tf.model({ inputs: ir.inputs.map((id) => out.get(id)!), outputs: ir.outputs.map((id) => out.get(id)!), name });
}
