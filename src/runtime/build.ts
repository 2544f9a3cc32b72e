/** IR → tfjs functional model (`tf.model`, so branches and merges work). The only step of compilation that touches tfjs. */
import * as tf from '@tensorflow/tfjs';
import { statesMasked, type ModelIR } from '../compiler/index.ts';
import { kerasShape, LAYERS, portsOf, type SymbolicTensor } from '../layers/index.ts';
import { backwardSeed, makeRecurrentLayer } from '../layers/recurrent.ts';
import { fuseLayer } from './fused/index.ts';
import { runtimeTf } from './gru-layer.ts';
import { oncePerPass } from './once-per-pass.ts';

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
  /**
   * `false` when weights are loaded right after building: the initializers then fill zeros instead of computing
   * values nobody sees (tfjs's orthogonal QR takes seconds on a large matrix and warns about it).
   */
  initialize?: boolean;
}

/** An initializer that keeps its class and config (so a saved model.json still names it) but only fills zeros. */
const zeroFilled = <I extends object>(init: I): I => Object.assign(Object.create(init) as I, { apply: (shape: number[], dtype?: tf.DataType) => tf.zeros(shape, dtype) });

/**
 * `tf` for a model whose weights are loaded right after it is built: every initializer is zero-filled, including
 * those of the two copies that tfjs's Bidirectional makes from the wrapped layer's config.
 */
const zeroFilledTf: typeof runtimeTf = {
  ...runtimeTf,
  initializers: Object.fromEntries(
    Object.entries(tf.initializers).map(([k, make]) => [k, (...args: unknown[]) => zeroFilled((make as (...a: unknown[]) => object)(...args))]),
  ) as typeof tf.initializers,
  layers: {
    ...runtimeTf.layers,
    bidirectional: (args) => {
      const layer = runtimeTf.layers.bidirectional(args);
      type Copy = { cell: Record<string, unknown> };
      const { forwardLayer, backwardLayer } = layer as unknown as { forwardLayer: Copy; backwardLayer: Copy };
      for (const { cell } of [forwardLayer, backwardLayer])
        for (const k of Object.keys(cell)) if (k.endsWith('Initializer') && cell[k]) cell[k] = zeroFilled(cell[k] as object);
      return layer;
    },
  },
};

export function buildModel(ir: ModelIR, { name = 'rnn_studio', engine = DEFAULT_ENGINE, initialize = true }: BuildOptions = {}): tf.LayersModel {
  const builderTf = initialize ? runtimeTf : zeroFilledTf;
  // Each layer's output tensors by port (`output`, and h, c of a recurrent layer with returnState).
  const out = new Map<string, Map<string, SymbolicTensor>>();
  const at = (id: string, port = 'output') => out.get(id)!.get(port)!;
  for (const l of ir.layers) {
    const ctx = {
      name: l.name, seed: l.seed, inputs: l.inputs.map((id, i) => at(id, l.inputPorts?.[i])), inner: l.inner, inputShapes: l.inputShapes,
      ...(l.states ? { states: l.states.map((s) => at(s.from, s.fromPort)), statesMasked: statesMasked(ir, l) } : {}),
    };
    const built = LAYERS[l.kind].tfjs(builderTf, l.params, ctx);
    const ports = portsOf(LAYERS[l.kind], l.params).outputs;
    out.set(l.id, new Map(Array.isArray(built) ? built.map((t, i) => [ports[i], t]) : [[ports[0], built]]));
  }
  const model = tf.model({ inputs: ir.inputs.map((id) => at(id)), outputs: ir.outputs.map((id) => at(id)), name });
  if (initialize) reseedBackward(model, ir);
  // Every recurrent layer runs on the engine, state ports included: the kernels take initial states and return final ones.
  if (engine !== 'stock') for (const l of ir.layers) fuseLayer(model.getLayer(l.name), engine);
  // A layer with several outputs (returnState, attention scores) runs once per executor pass, not once per output used.
  if (engine !== 'stock') for (const l of model.layers) if (Array.isArray(l.output)) oncePerPass(l);
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
