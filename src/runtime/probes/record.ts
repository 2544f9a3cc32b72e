/**
 * Recording during training: every N steps (and at step 0) the training loop hands its model to the recorder,
 * which probes a fixed, seeded batch and keeps the per-timestep gradient norms and gate statistics — the rows of
 * the gradient-flow panel (P4) and the snapshots of the gradient curve (P3). It runs between two training steps,
 * never inside one, and keeps only plain arrays.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelIR } from '../../compiler/index.ts';
import type { Batch, FitResult } from '../../datasets/index.ts';
import { batchTensors } from '../train.ts';
import { probeModel, type ProbeResult } from './probe.ts';
import { summarizeProbe, type LayerSummary } from './summary.ts';

/** A probe batch as tensors: one per model input, one target per model output, and whether the loss skips padded targets. */
export interface ProbeBatch {
  inputs: tf.Tensor[];
  targets: tf.Tensor[];
  /** A pair task: the loss leaves out padded target positions, as training does. */
  skipPad: boolean;
}

/**
 * A collated batch as the probes take it: each model input fed what training feeds it (`batchTensors`: for a pair
 * task the source ids and the decoder input of teacher forcing), and the training loss's padding rule.
 */
export function probeTensors(b: Batch, fit: Pick<FitResult, 'feeds' | 'aligned'>): ProbeBatch {
  const { x, y } = batchTensors(b, fit);
  return { inputs: x, targets: y, skipPad: fit.feeds !== undefined };
}

export interface Snapshot {
  step: number;
  /** Loss of the probe batch at this step. */
  loss: number;
  /** Per recurrent direction: gradNorm, gateMeans and retention per timestep (the CLI's summary form). */
  layers: LayerSummary[];
}

export interface Recorder {
  /** How many training steps between two snapshots (≥ 1). */
  every: number;
  snapshots: Snapshot[];
  /** The last full probe (gates per unit), for the heatmaps. */
  latest: ProbeResult | null;
  /** Call after training step `step` (0 before the first update); probes when `step % every === 0`. */
  after(step: number, model: tf.LayersModel): Promise<Snapshot | null>;
  /** Frees the probe batch. */
  dispose(): void;
}

/**
 * @param batch the probe batch (kept by the recorder until `dispose`)
 * @param onSnapshot called with each new snapshot and the full probe it came from
 */
export function createRecorder(ir: ModelIR, batch: ProbeBatch, every: number,
  onSnapshot?: (s: Snapshot, full: ProbeResult) => void): Recorder {
  if (!(every >= 1)) throw new Error(`record every N steps needs N ≥ 1 (got ${every})`);
  const rec: Recorder = {
    every,
    snapshots: [],
    latest: null,
    async after(step, model) {
      if (step % every !== 0) return null;
      // Between two training steps: the fused taps make this cost about one step (no ∂L/∂c_t needed here).
      const full = await probeModel(model, ir, batch.inputs, batch.targets, { fast: true, skipPad: batch.skipPad });
      const snap: Snapshot = { step, loss: full.loss, layers: summarizeProbe(full).layers };
      rec.snapshots.push(snap);
      rec.latest = full;
      onSnapshot?.(snap, full);
      return snap;
    },
    dispose() {
      tf.dispose([...batch.inputs, ...batch.targets]);
    },
  };
  return rec;
}
