/** IR → tfjs functional model (`tf.model`, so branches and merges work). The only step of compilation that touches tfjs. */
import * as tf from '@tensorflow/tfjs';
import type { ModelIR } from '../compiler/index.ts';
import { kerasShape, LAYERS, type SymbolicTensor } from '../layers/index.ts';
import { backwardSeed, makeRecurrentLayer } from '../layers/recurrent.ts';
import { fuseModel } from './fused/index.ts';
import { runtimeTf } from './gru-layer.ts';

/**
 * `simd` (default): recurrent layers compute with one WebAssembly SIMD kernel pair per direction (src/runtime/simd)
 * on the wasm backend, and with the fused op elsewhere. `fused`: RNN Studio's fused op of per-step tfjs kernels
 * (src/runtime/fused), on any backend. Both equal stock within 1e-5 and keep the stock saved format. `stock`:
 * tfjs-layers' own per-timestep loop.
 */
export type Engine = 'simd' | 'fused' | 'stock';
export const DEFAULT_ENGINE: Engine = 'simd';

export interface BuildOptions {
  name?: string;
  engine?: Engine;
}

export function buildModel(ir: ModelIR, { name = 'rnn_studio', engine = DEFAULT_ENGINE }: BuildOptions = {}): tf.LayersModel {
  const out = new Map<string, SymbolicTensor>();
  for (const l of ir.layers) {
    const ctx = { name: l.name, seed: l.seed, inputs: l.inputs.map((id) => out.get(id)!), inner: l.inner };
    out.set(l.id, LAYERS[l.kind].tfjs(runtimeTf, l.params, ctx));
  }
  const model = tf.model({ inputs: ir.inputs.map((id) => out.get(id)!), outputs: ir.outputs.map((id) => out.get(id)!), name });
  reseedBackward(model, ir);
  if (engine !== 'stock') fuseModel(model, engine);
  return model;
}

/**
 * tfjs `Bidirectional` makes its backward layer from the forward layer's config, initializer seeds included, so
 * both directions would start with identical weights. The backward direction gets its own initial weights from a
 * seed derived from the wrapped layer's, as two independently initialised layers would have in Keras or PyTorch.
 */
function reseedBackward(model: tf.LayersModel, ir: ModelIR) {
  for (const l of ir.layers) {
    if (l.kind !== 'Bidirectional' || !l.inner) continue;
    const backward = (model.getLayer(l.name) as unknown as { backwardLayer: tf.layers.Layer }).backwardLayer;
    const fresh = makeRecurrentLayer(runtimeTf, l.inner.kind, l.inner.params, `${l.inner.name}_backward_init`, backwardSeed(l.inner.seed));
    fresh.build(kerasShape(l.inputShapes[0]));
    // getWeights() hands back the fresh layer's own variables: disposing them frees the throwaway layer.
    const weights = fresh.getWeights();
    backward.setWeights(weights);
    tf.dispose(weights);
  }
}
