/**
 * The one place that decides a model's loss from its heads. Training, the fit check, probes, the recorder, the race,
 * the CLI and every exported train script ask `outputLosses(ir)` (or `modelLoss(ir)` for a one-output model), so a
 * head never trains with one loss and is probed or exported with another. Per output:
 *
 *  - Dense(softmax)  → sparse categorical cross-entropy ('ce'): −mean log p[label] (a TimeDistributed(Dense) too);
 *  - Dense(sigmoid)  → binary cross-entropy ('bce'): −mean [y log p + (1−y) log(1−p)] (one unit: a 2-class task);
 *  - anything else   → mean squared error ('mse');
 * averaged over samples, and over timesteps when the head runs at every step (`perStep`).
 *
 * A model with several outputs trains on the weighted sum  L = Σ_i w_i · L_i,  w_i the head's loss weight (a Dense's
 * `lossWeight`, default 1; 1 for any other kind), as Keras's `compile(loss=..., loss_weights=...)` sums them
 * (keras/src/trainers/compile_utils.py, `CompileLoss.call`: each loss times its weight, then added).
 */
import type { IRLayer, ModelIR } from './compile.ts';

export type LossKind = 'mse' | 'ce' | 'bce';

export interface ModelLoss {
  kind: LossKind;
  /** True when the head outputs a sequence, so the loss is averaged over every timestep too. */
  perStep: boolean;
}

/** One output's loss: which head, its name (the layer's), its loss and its weight in the total. */
export interface OutputLoss extends ModelLoss {
  id: string;
  name: string;
  weight: number;
}

/** Plain-words name of each loss (CLI output, exported comments). */
export const LOSS_NAMES: Record<LossKind, string> = {
  mse: 'mean squared error',
  ce: 'cross-entropy',
  bce: 'binary cross-entropy',
};

/** The activation of a Dense head, or of the Dense a TimeDistributed head applies at every step; none for other heads. */
export const headActivation = (head: Pick<IRLayer, 'kind' | 'params' | 'inner'>): string | undefined => {
  const dense = head.kind === 'Dense' ? head : head.kind === 'TimeDistributed' && head.inner?.kind === 'Dense' ? head.inner : undefined;
  return dense?.params.activation as string | undefined;
};

/** The loss of one head, from its activation and its output's rank. */
export function headLoss(head: IRLayer): ModelLoss {
  const activation = headActivation(head);
  const kind: LossKind = activation === 'softmax' ? 'ce' : activation === 'sigmoid' ? 'bce' : 'mse';
  return { kind, perStep: head.outputShape.dims.length === 2 };
}

/** Every output's loss and weight, in `ir.outputs` order. */
export function outputLosses(ir: ModelIR): OutputLoss[] {
  return ir.outputs.map((id) => {
    const head = ir.layers.find((l) => l.id === id)!;
    return { id, name: head.name, weight: typeof head.params.lossWeight === 'number' ? head.params.lossWeight : 1, ...headLoss(head) };
  });
}

/** The loss of a model with one output (single-target tasks); several outputs need `outputLosses`. */
export function modelLoss(ir: ModelIR): ModelLoss {
  if (ir.outputs.length !== 1) throw new Error(`A loss needs exactly one output; this model has ${ir.outputs.length}.`);
  const { kind, perStep } = outputLosses(ir)[0];
  return { kind, perStep };
}
