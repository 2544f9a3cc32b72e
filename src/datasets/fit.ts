/**
 * Task ↔ model fit: does the compiled model's input and output match the chosen dataset? Pure; says what to
 * change. The loss is the model's own (`modelLoss`, src/compiler/loss.ts); the check says whether the task accepts
 * it: regression → MSE (linear head);  C classes → cross-entropy over a softmax of ≥ C units (per step when the
 * task is per-step), or binary cross-entropy over one sigmoid unit when C = 2.
 */
import { modelLoss, type LossKind, type ModelIR } from '../compiler/index.ts';
import type { TaskInfo } from './types.ts';

export const FIT_CODES = {
  F_INPUTS: 'The model must have exactly one Input',
  F_INPUT_KIND: 'Input type does not match the data',
  F_FEATURES: 'Feature count does not match the data',
  F_VOCAB: 'Vocabulary too small for the data',
  F_LENGTH: 'Fixed sequence length does not match the data',
  F_PER_STEP: 'Per-step vs final output mismatch',
  F_CLASSES: 'Output size does not match the classes',
  F_ACTIVATION: 'Output activation does not match the loss',
  F_EXTRA_CLASSES: 'More outputs than classes',
  F_SEQUENCE_TASK: 'The task maps a sequence to a sequence',
} as const;

export type FitCode = keyof typeof FIT_CODES;
export type { LossKind };

export interface FitIssue {
  code: FitCode;
  severity: 'error' | 'warning';
  message: string;
  fix: string;
  nodeId?: string;
}

export interface FitResult {
  ok: boolean;
  issues: FitIssue[];
  loss: LossKind;
  /** True when the loss is computed at every timestep. */
  perStep: boolean;
  metric: 'mse' | 'accuracy';
}

export function checkFit(ir: ModelIR, task: TaskInfo): FitResult {
  const issues: FitIssue[] = [];
  const err = (code: FitCode, message: string, fix: string, nodeId?: string) => issues.push({ code, severity: 'error', message, fix, nodeId });
  const byId = new Map(ir.layers.map((l) => [l.id, l]));
  const perStep = task.output.kind === 'classes' && task.output.perStep;
  let loss: LossKind = task.output.kind === 'regression' ? 'mse' : 'ce';
  const result = () => ({ ok: !issues.some((i) => i.severity === 'error'), issues, loss, perStep, metric: (loss === 'mse' ? 'mse' : 'accuracy') as FitResult['metric'] });

  if (task.output.kind === 'sequence') {
    // Porting note: pair tasks train an encoder–decoder with teacher forcing (docs/seq2seq.md); the training loop
    // feeds one input tensor, so they are refused here until it feeds the decoder input too (issue 20).
    err('F_SEQUENCE_TASK', `"${task.title}" turns a sequence into another sequence of its own length: it needs an encoder–decoder trained with teacher forcing, which training here does not run yet.`,
      'Pick a classification or per-step task for this model.');
    return result();
  }
  if (ir.inputs.length !== 1 || ir.outputs.length !== 1) {
    err('F_INPUTS', `The model has ${ir.inputs.length} inputs and ${ir.outputs.length} outputs; training needs one of each.`, 'Keep one Input and one final layer.');
    return result();
  }
  const inp = byId.get(ir.inputs[0])!;
  const out = byId.get(ir.outputs[0])!;
  loss = modelLoss(ir).kind;
  const it = task.input;
  if (it.kind === 'tokens') {
    if (inp.params.inputType !== 'tokens')
      err('F_INPUT_KIND', `"${task.title}" gives token ids, but the Input expects float features.`, 'Set the Input type to tokens and put an Embedding after it.', inp.id);
    else if ((inp.outputShape.vocab ?? 0) < it.vocabSize)
      err('F_VOCAB', `The data uses ${it.vocabSize} token ids but the Input allows ${inp.outputShape.vocab}.`, `Set the Input's vocabulary size (and the Embedding's input dim) to at least ${it.vocabSize}.`, inp.id);
  } else if (inp.params.inputType !== 'features') {
    err('F_INPUT_KIND', `"${task.title}" gives ${it.features} float feature(s) per step, but the Input expects token ids.`, `Set the Input type to features with ${it.features} feature(s), and remove the Embedding.`, inp.id);
  } else if (inp.params.features !== it.features) {
    err('F_FEATURES', `The data has ${it.features} feature(s) per step; the Input has ${inp.params.features}.`, `Set the Input's features to ${it.features}.`, inp.id);
  }
  const fixedLen = inp.params.length as number;
  if (fixedLen > 0 && task.length !== null && fixedLen !== task.length)
    err('F_LENGTH', `The Input is fixed to ${fixedLen} steps; the data has ${task.length}.`, `Set the Input's sequence length to ${task.length}, or to 0 (any length).`, inp.id);
  else if (fixedLen > 0 && task.length === null)
    err('F_LENGTH', `The Input is fixed to ${fixedLen} steps; this data has texts of varying length.`, "Set the Input's sequence length to 0 (any length).", inp.id);

  const dims = out.outputShape.dims;
  const outPerStep = dims.length === 2;
  if (outPerStep !== perStep)
    err('F_PER_STEP', perStep
      ? `"${task.title}" needs an output at every step, but the model ends with one vector.`
      : `"${task.title}" needs one output at the end, but the model outputs a sequence.`,
    perStep ? 'Turn on returnSequences in the last recurrent layer, so the final Dense runs at every step.'
      : 'Turn off returnSequences in the last recurrent layer (or add pooling) before the final Dense.', out.id);
  const units = dims[dims.length - 1] as number;
  const activation = out.kind === 'Dense' ? (out.params.activation as string) : 'none';
  if (task.output.kind === 'regression') {
    if (units !== task.output.units)
      err('F_CLASSES', `The model outputs ${units} number(s) per sample; the target has ${task.output.units}.`, `Set the final Dense to ${task.output.units} unit(s).`, out.id);
    if (activation !== 'linear')
      err('F_ACTIVATION', `The target is a real number but the output is ${out.kind === 'Dense' ? `${activation}` : `a ${out.kind}`}.`, 'End with a Dense with linear activation.', out.id);
  } else {
    const C = task.output.classes;
    if (loss === 'bce' && C === 2 && units === 1) return result(); // one sigmoid unit: P(class 1)
    if (loss !== 'ce')
      err('F_ACTIVATION', `${C} classes need probabilities, but the model ends with ${out.kind === 'Dense' ? `a ${activation} Dense` : `a ${out.kind}`}.`, `End with Dense(${C}, softmax)${C === 2 ? ' or Dense(1, sigmoid)' : ''}.`, out.id);
    else if (units < C) err('F_CLASSES', `The data has ${C} classes but the final Dense has ${units} units.`, `Set the final Dense to ${C} units.`, out.id);
    else if (units > C)
      issues.push({ code: 'F_EXTRA_CLASSES', severity: 'warning', nodeId: out.id,
        message: `The final Dense has ${units} units for ${C} classes; the extra ${units - C} output(s) will learn to stay near zero.`, fix: `Set the final Dense to ${C} units to match the data.` });
  }
  return result();
}
