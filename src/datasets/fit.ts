/**
 * Task ↔ model fit: does the compiled model's input and output match the chosen dataset? Pure; says what to
 * change. The loss is the model's own (`modelLoss`, src/compiler/loss.ts); the check says whether the task accepts
 * it: regression → MSE (linear head);  C classes → cross-entropy over a softmax of ≥ C units (per step when the
 * task is per-step), or binary cross-entropy over one sigmoid unit when C = 2.
 */
import { headActivation, modelLoss, outputLosses, seq2seqRoles, type IRLayer, type LossKind, type ModelIR } from '../compiler/index.ts';
import type { Head, TaskInfo } from './types.ts';

export { decoderWalk, seq2seqRoles, type DecoderWalk, type Seq2seqRoles } from '../compiler/index.ts';

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
  F_SEQ_INPUTS: 'An encoder–decoder needs an encoder Input and a decoder Input',
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
  /**
   * Pair tasks: what each of `ir.inputs` is fed, in order — the source ids (`x`) or the decoder input of teacher
   * forcing (`decoderIn`); the loss then skips target positions that are padding (y = 0).
   */
  feeds?: ('x' | 'decoderIn')[];
  /**
   * Pair tasks, a one-Input model that predicts the whole target at once (Keras's addition_rnn: encoder →
   * RepeatVector → decoder, no teacher forcing): its number of output steps. It is trained on the target without END,
   * post-padded with PAD to that many steps, and decoded by the argmax at each step.
   */
  aligned?: number;
  /**
   * A task with several targets (`TaskInfo.heads`): per model output, in `ir.outputs` order, the target it is trained
   * on (`head`, an index into the task's heads, and its name), its loss and loss weight, and its layer's name. The
   * training loss is Σ weight · loss over them; `loss` and `metric` are then those of the task's first target.
   */
  outputs?: { head: number; target: string; loss: LossKind; weight: number; name: string }[];
}

export function checkFit(ir: ModelIR, task: TaskInfo): FitResult {
  const issues: FitIssue[] = [];
  const err = (code: FitCode, message: string, fix: string, nodeId?: string) => issues.push({ code, severity: 'error', message, fix, nodeId });
  const byId = new Map(ir.layers.map((l) => [l.id, l]));
  const perStep = task.output.kind === 'classes' && task.output.perStep;
  let loss: LossKind = task.output.kind === 'regression' ? 'mse' : 'ce';
  let outputs: FitResult['outputs'];
  const result = (): FitResult => ({ ok: !issues.some((i) => i.severity === 'error'), issues, loss, perStep, metric: loss === 'mse' ? 'mse' : 'accuracy', ...(outputs ? { outputs } : {}) });

  if (task.output.kind === 'sequence') return checkSeq2seq(ir, task, issues, err);
  const heads = task.heads ?? [{ name: '', output: task.output, baseline: task.baseline.loss }];
  if (ir.inputs.length !== 1 || ir.outputs.length !== heads.length) {
    if (heads.length === 1) err('F_INPUTS', `The model has ${ir.inputs.length} inputs and ${ir.outputs.length} outputs; training needs one of each.`, 'Keep one Input and one final layer.');
    else err('F_INPUTS', `"${task.title}" has ${heads.length} targets (${heads.map((h) => h.name).join(', ')}); the model has ${ir.inputs.length} input(s) and ${ir.outputs.length} output(s).`,
      `Keep one Input and end the model with ${heads.length} heads, one per target (leave each final Dense unconnected).`);
    return result();
  }
  checkInput(byId.get(ir.inputs[0])!, task, err);
  const losses = outputLosses(ir);
  // Each target goes to the first output left whose loss suits it (a number → MSE, classes → cross-entropy).
  const suits = (h: (typeof heads)[number], k: LossKind) => (h.output.kind === 'regression') === (k === 'mse');
  const headOf: number[] = new Array(losses.length).fill(-1);
  heads.forEach((h, i) => {
    const k = losses.findIndex((o, j) => headOf[j] < 0 && suits(h, o.kind));
    headOf[k >= 0 ? k : headOf.indexOf(-1)] = i;
  });
  headOf.forEach((i, j) => checkHead(byId.get(ir.outputs[j])!, heads[i].output, losses[j].kind, heads.length > 1 ? `The "${heads[i].name}" output: ` : '', task, issues, err));
  loss = losses[headOf.indexOf(0)].kind;
  if (heads.length > 1) outputs = losses.map((o, j) => ({ head: headOf[j], loss: o.kind, weight: o.weight, name: o.name, target: heads[headOf[j]].name }));
  return result();
}

/** A task with several targets: the baseline of the total loss, each target's weighted as the model weighs its output (Σ w · baseline). */
export const headsBaseline = (heads: Head[], outputs: NonNullable<FitResult['outputs']>): number => outputs.reduce((a, o) => a + o.weight * heads[o.head].baseline, 0);

type Err = (code: FitCode, message: string, fix: string, nodeId?: string) => void;

/** The Input against the task's data: token ids or features, vocabulary, feature count, fixed length. */
function checkInput(inp: IRLayer, task: TaskInfo, err: Err) {
  const it = task.input;
  if (it.kind === 'tokens') {
    if (inp.params.inputType !== 'tokens')
      err('F_INPUT_KIND', `"${task.title}" gives token ids, but the Input expects float features.`, 'Set the Input type to tokens and put an Embedding after it.', inp.id);
    else if ((inp.outputShape.vocab ?? 0) < it.vocabSize)
      err('F_VOCAB', `The data uses ${it.vocabSize} token ids but the Input allows ${inp.outputShape.vocab}.`, `Set the Input's vocabulary size (and the Embedding's input dim) to at least ${it.vocabSize}.`, inp.id);
  } else if (inp.params.inputType !== 'features') {
    const expects = inp.params.inputType === 'vector' ? 'one vector with no time axis' : 'token ids';
    err('F_INPUT_KIND', `"${task.title}" gives ${it.features} float feature(s) per step, but the Input expects ${expects}.`, `Set the Input type to features with ${it.features} feature(s)${inp.params.inputType === 'tokens' ? ', and remove the Embedding' : ''}.`, inp.id);
  } else if (inp.params.features !== it.features) {
    err('F_FEATURES', `The data has ${it.features} feature(s) per step; the Input has ${inp.params.features}.`, `Set the Input's features to ${it.features}.`, inp.id);
  }
  const fixedLen = inp.params.length as number;
  if (fixedLen > 0 && task.length !== null && fixedLen !== task.length)
    err('F_LENGTH', `The Input is fixed to ${fixedLen} steps; the data has ${task.length}.`, `Set the Input's sequence length to ${task.length}, or to 0 (any length).`, inp.id);
  else if (fixedLen > 0 && task.length === null)
    err('F_LENGTH', `The Input is fixed to ${fixedLen} steps; this data has texts of varying length.`, "Set the Input's sequence length to 0 (any length).", inp.id);
}

/** One output head against the target it is trained on (`prefix` names the target when the task has several). */
function checkHead(out: IRLayer, target: TaskInfo['output'], loss: LossKind, prefix: string, task: TaskInfo, issues: FitIssue[], err: Err) {
  if (target.kind === 'sequence') return;
  const perStep = target.kind === 'classes' && target.perStep;
  const dims = out.outputShape.dims;
  const outPerStep = dims.length === 2;
  if (outPerStep !== perStep)
    err('F_PER_STEP', prefix + (perStep
      ? `"${task.title}" needs an output at every step, but the model ends with one vector.`
      : `"${task.title}" needs one output at the end, but the model outputs a sequence.`),
    perStep ? 'Turn on returnSequences in the last recurrent layer, so the final Dense runs at every step.'
      : 'Turn off returnSequences in the last recurrent layer (or add pooling) before the final Dense.', out.id);
  const units = dims[dims.length - 1] as number;
  const dense = headActivation(out) !== undefined;
  const activation = headActivation(out) ?? 'none';
  if (target.kind === 'regression') {
    if (units !== target.units)
      err('F_CLASSES', `${prefix}The model outputs ${units} number(s) per sample; the target has ${target.units}.`, `Set the final Dense to ${target.units} unit(s).`, out.id);
    if (activation !== 'linear')
      err('F_ACTIVATION', `${prefix}The target is a real number but the output is ${dense ? `${activation}` : `a ${out.kind}`}.`, 'End with a Dense with linear activation.', out.id);
    return;
  }
  const C = target.classes;
  if (loss === 'bce' && C === 2 && units === 1) return; // one sigmoid unit: P(class 1)
  if (loss !== 'ce')
    err('F_ACTIVATION', `${prefix}${C} classes need probabilities, but the model ends with ${out.kind === 'Dense' ? `a ${activation} Dense` : `a ${out.kind}`}.`, `End with Dense(${C}, softmax)${C === 2 ? ' or Dense(1, sigmoid)' : ''}.`, out.id);
  else if (units < C) err('F_CLASSES', `${prefix}The data has ${C} classes but the final Dense has ${units} units.`, `Set the final Dense to ${C} units.`, out.id);
  else if (units > C)
    issues.push({ code: 'F_EXTRA_CLASSES', severity: 'warning', nodeId: out.id,
      message: `${prefix}The final Dense has ${units} units for ${C} classes; the extra ${units - C} output(s) will learn to stay near zero.`, fix: `Set the final Dense to ${C} units to match the data.` });
}

/**
 * A pair task (docs/seq2seq.md): two token Inputs, the encoder's of the source vocabulary and the decoder's of the
 * target vocabulary, and a per-step softmax head as wide as the target vocabulary, trained with cross-entropy that
 * skips the padding.
 */
function checkSeq2seq(ir: ModelIR, task: TaskInfo, issues: FitIssue[], err: (code: FitCode, message: string, fix: string, nodeId?: string) => void): FitResult {
  const result = (feeds?: FitResult['feeds'], aligned?: number): FitResult => ({ ok: !issues.some((i) => i.severity === 'error'), issues, loss: 'ce', perStep: true, metric: 'accuracy', ...(feeds ? { feeds } : {}), ...(aligned ? { aligned } : {}) });
  if (ir.inputs.length === 1 && ir.outputs.length === 1) return checkAligned(ir, task, err, result);
  if (ir.inputs.length !== 2 || ir.outputs.length !== 1) {
    err('F_SEQ_INPUTS', `"${task.title}" trains an encoder–decoder (two Inputs: source, and the decoder's shifted target) or a one-Input model that outputs the whole target; the model has ${ir.inputs.length} input(s) and ${ir.outputs.length} output(s).`,
      "Add a second token Input for the decoder and start the decoder's recurrent layer from the encoder's final states, or keep one Input and one output.");
    return result();
  }
  const roles = seq2seqRoles(ir);
  if (!roles.ok) {
    err('F_SEQ_INPUTS', roles.message, roles.fix);
    return result();
  }
  const byId = new Map(ir.layers.map((l) => [l.id, l]));
  const V = task.output.kind === 'sequence' ? task.output.classes : 0;
  const vocab = { encoder: task.input.kind === 'tokens' ? task.input.vocabSize : 0, decoder: V };
  for (const role of ['encoder', 'decoder'] as const) {
    const inp = byId.get(roles[role])!;
    const what = role === 'encoder' ? 'source' : 'target';
    if (inp.params.inputType !== 'tokens')
      err('F_INPUT_KIND', `The ${role} Input "${inp.name}" expects float features; it is fed ${what} token ids.`, `Set its type to tokens and put an Embedding after it.`, inp.id);
    else if ((inp.outputShape.vocab ?? 0) < vocab[role])
      err('F_VOCAB', `The ${what} uses ${vocab[role]} token ids but the ${role} Input "${inp.name}" allows ${inp.outputShape.vocab}.`, `Set its vocabulary size (and its Embedding's input dim) to at least ${vocab[role]}.`, inp.id);
    else if ((inp.params.length as number) > 0 && !(role === 'encoder' && task.length === inp.params.length))
      err('F_LENGTH', `The ${role} Input "${inp.name}" is fixed to ${inp.params.length} steps; ${role === 'encoder' && task.length !== null ? `the source has ${task.length}` : `the ${what} lengths vary`}.`, `Set its sequence length to ${role === 'encoder' && task.length !== null ? task.length : 0}${role === 'encoder' && task.length !== null ? ', or to 0 (any length)' : ' (any length)'}.`, inp.id);
  }
  const out = byId.get(ir.outputs[0])!;
  const dims = out.outputShape.dims;
  if (dims.length !== 2)
    err('F_PER_STEP', `"${task.title}" predicts a token at every decoder step, but the model ends with one vector.`, 'Turn on returnSequences in the decoder\'s recurrent layer, so the final Dense runs at every step.', out.id);
  else if (modelLoss(ir).kind !== 'ce')
    err('F_ACTIVATION', `Each step predicts one of ${V} target tokens, but the model ends with ${out.kind === 'Dense' ? `a ${out.params.activation as string} Dense` : `a ${out.kind}`}.`, `End with Dense(${V}, softmax).`, out.id);
  else if (dims[1] !== V)
    err('F_CLASSES', `The target vocabulary has ${V} tokens but the final Dense has ${dims[1]} units.`, `Set the final Dense to ${V} units.`, out.id);
  return result(ir.inputs.map((id) => (id === roles.encoder ? 'x' : 'decoderIn')));
}

/**
 * A pair task on a one-Input model (Keras's addition_rnn: LSTM → RepeatVector(n) → LSTM(returnSequences) →
 * TimeDistributed(Dense(softmax))): the source ids in, a softmax over the target vocabulary at each of n steps out,
 * n = the longest target without END.
 */
function checkAligned(ir: ModelIR, task: TaskInfo, err: Err, result: (feeds?: FitResult['feeds'], aligned?: number) => FitResult): FitResult {
  if (task.output.kind !== 'sequence') return result();
  const { classes: V, length: n } = task.output;
  const out = ir.layers.find((l) => l.id === ir.outputs[0])!;
  checkInput(ir.layers.find((l) => l.id === ir.inputs[0])!, task, err);
  const dims = out.outputShape.dims;
  if (dims.length !== 2 || dims[0] !== n)
    err('F_PER_STEP', `With one Input, "${task.title}" needs the whole answer at once: ${n} steps of a softmax (the longest target); the model outputs ${dims.length === 2 ? `${dims[0] ?? 'as many steps as its input'}` : 'one vector'}.`,
      `Repeat the encoder's last state ${n} times (RepeatVector(${n})) into a recurrent layer with returnSequences, then a Dense(${V}, softmax) per step.`, out.id);
  else if (modelLoss(ir).kind !== 'ce')
    err('F_ACTIVATION', `Each step predicts one of ${V} target tokens, but the model does not end with a softmax.`, `End with Dense(${V}, softmax) at every step.`, out.id);
  else if (dims[1] !== V)
    err('F_CLASSES', `The target vocabulary has ${V} tokens but the final Dense has ${dims[1]} units.`, `Set the final Dense to ${V} units.`, out.id);
  return result(['x'], n);
}
