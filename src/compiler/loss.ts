/**
 * The one place that decides a model's loss from its head. Training, the fit check, probes, the recorder, the race,
 * the CLI and every exported train script ask `modelLoss(ir)`, so a head never trains with one loss and is probed
 * or exported with another.
 *
 *  - Dense(softmax)  → sparse categorical cross-entropy ('ce'): −mean log p[label] (a TimeDistributed(Dense) too);
 *  - Dense(sigmoid)  → binary cross-entropy ('bce'): −mean [y log p + (1−y) log(1−p)] (one unit: a 2-class task);
 *  - anything else   → mean squared error ('mse');
 * averaged over samples, and over timesteps when the head runs at every step (`perStep`).
 */
import type { IRLayer, ModelIR } from './compile.ts';

export type LossKind = 'mse' | 'ce' | 'bce';

export interface ModelLoss {
  kind: LossKind;
  /** True when the head outputs a sequence, so the loss is averaged over every timestep too. */
  perStep: boolean;
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

export function modelLoss(ir: ModelIR): ModelLoss {
  if (ir.outputs.length !== 1) throw new Error(`A loss needs exactly one output; this model has ${ir.outputs.length}.`);
  const head = ir.layers.find((l) => l.id === ir.outputs[0])!;
  const activation = headActivation(head);
  const kind: LossKind = activation === 'softmax' ? 'ce' : activation === 'sigmoid' ? 'bce' : 'mse';
  return { kind, perStep: head.outputShape.dims.length === 2 };
}
