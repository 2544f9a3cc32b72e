/**
 * A probe that costs about one training step: one forward and one backward pass through the fused layers, reading
 * the gates and ∂L/∂h_t that the fused op computes anyway (through `SequenceTap`), instead of re-running every cell
 * step by step with extra probe tensors. Results are typed arrays in processing order, like the probe panels use.
 */
import * as tf from '@tensorflow/tfjs';
import { innerLayers, isFused, setTap } from './install.ts';

export interface FusedDirectionProbe {
  /** The tfjs layer name (`forward_…`/`backward_…` inside a Bidirectional). */
  name: string;
  direction: 'forward' | 'backward';
  /** Gates and states by the probe panels' names (PROBE_GATES), each [T, B, H] row-major, processing order. */
  gates: Record<string, Float32Array>;
  /** Per-example ‖∂ℓ_b/∂h_t‖₂, [T, B]: B·‖∂L/∂h_t[b]‖ for a loss L that is the batch mean of ℓ_b. */
  dh: Float32Array;
  shape: [number, number, number];
}

/**
 * Probes every fused recurrent direction of `model` on one batch.
 * @param loss maps the model outputs (one tensor per output) to the batch-mean loss
 * @example const dirs = await probeFused(model, x, ([yHat]) => tf.losses.softmaxCrossEntropy(yOneHot, yHat));
 */
export async function probeFused(model: tf.LayersModel, x: tf.Tensor, loss: (outputs: tf.Tensor[]) => tf.Scalar): Promise<FusedDirectionProbe[]> {
  const B = x.shape[0];
  const found = model.layers.flatMap((outer) => {
    const inner = innerLayers(outer).filter(isFused);
    return inner.map((layer, i) => ({
      layer,
      direction: (inner.length === 2 ? (i === 0 ? 'forward' : 'backward') : (layer as unknown as { goBackwards: boolean }).goBackwards ? 'backward' : 'forward') as 'forward' | 'backward',
      gates: {} as Record<string, tf.Tensor>,
      dh: null as tf.Tensor | null,
    }));
  });
  for (const f of found)
    setTap(f.layer, {
      forward: (g) => { for (const [k, v] of Object.entries(g)) f.gates[k] = tf.keep(v.clone()); },
      // ‖∂L/∂h_t[b]‖ over units, times B to turn the batch-mean gradient into example b's own (ℓ_b) gradient.
      backward: (dH) => { f.dh = tf.keep(tf.mul(tf.norm(dH, 'euclidean', -1), B)); },
      skipWeightGrads: true,
    });
  try {
    // Gradients are asked only for the recurrent weights, so the backward pass runs through every fused layer but
    // skips the Embedding's scatter-add; the taps also skip the weight-gradient matMuls (they return zeros).
    const vars = found.flatMap((f) => f.layer.trainableWeights.map((w) => w.read() as tf.Variable));
    const { value, grads } = tf.variableGrads(() => {
      const out = model.apply(x, { training: false }) as tf.Tensor | tf.Tensor[];
      return loss(Array.isArray(out) ? out : [out]);
    }, vars);
    tf.dispose([value, ...Object.values(grads)]);
    const out: FusedDirectionProbe[] = [];
    for (const f of found) {
      const gates: Record<string, Float32Array> = {};
      for (const [k, v] of Object.entries(f.gates)) gates[k] = (await v.data()) as Float32Array;
      out.push({ name: f.layer.name, direction: f.direction, gates, dh: (await f.dh!.data()) as Float32Array, shape: f.gates.h.shape as [number, number, number] });
    }
    return out;
  } finally {
    for (const f of found) {
      setTap(f.layer, null);
      tf.dispose([...Object.values(f.gates), ...(f.dh ? [f.dh] : [])]);
    }
  }
}
