/**
 * Runs a compiled model's forward pass layer by layer, with our own cells (cells.ts) in place of every recurrent
 * layer and the model's own tfjs layers for everything else, so per-timestep states can carry probe tensors.
 * Each recurrent layer contributes one or two *directions* (Bidirectional: forward and backward, each separately).
 */
import * as tf from '@tensorflow/tfjs';
import { outputLosses, type IRLayer, type ModelIR } from '../../compiler/index.ts';
import { seq2seqRoles } from '../../datasets/fit.ts';
import { isRecurrentKind, LAYERS, portsOf, type RecurrentKind } from '../../layers/index.ts';
import { isAttentionKind, type Params } from '../../graph/types.ts';
import { runCell, type CellConfig, type CellRun, type CellWeights, type StateProbes } from './cells.ts';

/** One direction of one recurrent layer. */
export interface ProbeTarget {
  /** IR layer id (the graph node id; for Bidirectional, the wrapper's id). */
  id: string;
  /** Layer name as built (the inner layer's name for Bidirectional). */
  name: string;
  kind: RecurrentKind;
  direction: 'forward' | 'backward';
  units: number;
  cfg: CellConfig;
  /** The tfjs layer holding the weights. */
  layer: tf.layers.Layer;
}

interface Flow {
  value: tf.Tensor;
  /** [B, T] float 0/1, input order; null when no mask reaches this point. */
  mask: tf.Tensor2D | null;
}

const cellConfig = (kind: RecurrentKind, p: Params, goBackwards: boolean): CellConfig => ({
  kind,
  activation: p.activation as string,
  recurrentActivation: kind === 'SimpleRNN' ? undefined : (p.recurrentActivation as string),
  ...(kind === 'GRU' ? { resetAfter: p.resetAfter as boolean } : {}),
  goBackwards,
});

/**
 * Why the probes have nothing to look at in this model, or null: they read the states of recurrent layers, so a model
 * without one (e.g. Embedding → GlobalAveragePooling1D → Dense) still trains, but is neither recorded nor probed.
 */
export function probeBlocker(ir: ModelIR): string | null {
  const recurrent = ir.layers.filter((l) => isRecurrentKind(l.kind) || (l.inner && isRecurrentKind(l.inner.kind)));
  if (!recurrent.length) return 'This model has no recurrent layer (SimpleRNN, LSTM or GRU), so there are no hidden states or per-timestep gradients to look inside: nothing is recorded or probed.';
  const front = recurrent.map((l) => windowBefore(ir, l)).find(Boolean);
  return front ? `The probes read recurrent layers that see the input's own time steps; here a ${front.kind} (${front.name}) comes before ${recurrent[0].name}, so nothing is recorded or probed yet.` : null;
}

/** Layers that mix or move time steps (a window, a reshape): after one, step t of a recurrent layer is not input step t. */
const WINDOW_KINDS = new Set(['Conv1D', 'MaxPooling1D', 'AveragePooling1D', 'Flatten', 'Reshape', 'Permute', 'RepeatVector']);

/** The first such layer upstream of `layer`, if any. */
function windowBefore(ir: ModelIR, layer: IRLayer): IRLayer | undefined {
  const byId = new Map(ir.layers.map((l) => [l.id, l]));
  const seen = new Set<string>();
  const stack = [...layer.inputs];
  while (stack.length) {
    const l = byId.get(stack.pop()!);
    if (!l || seen.has(l.id)) continue;
    seen.add(l.id);
    if (WINDOW_KINDS.has(l.kind)) return l;
    stack.push(...l.inputs);
  }
  return undefined;
}

/** Lists every recurrent direction of a model in topological order. */
export function probeTargets(model: tf.LayersModel, ir: ModelIR): ProbeTarget[] {
  const out: ProbeTarget[] = [];
  for (const l of ir.layers) {
    if (isRecurrentKind(l.kind)) {
      const back = l.params.goBackwards as boolean;
      out.push({ id: l.id, name: l.name, kind: l.kind, direction: back ? 'backward' : 'forward', units: l.params.units as number,
        cfg: cellConfig(l.kind, l.params, back), layer: model.getLayer(l.name) });
    } else if (l.kind === 'Bidirectional' && l.inner && isRecurrentKind(l.inner.kind)) {
      // tfjs keeps the two copies in private fields; the backward copy has goBackwards flipped.
      const bi = model.getLayer(l.name) as unknown as { forwardLayer: tf.layers.Layer; backwardLayer: tf.layers.Layer };
      const back = l.inner.params.goBackwards as boolean;
      for (const [layer, gb] of [[bi.forwardLayer, back], [bi.backwardLayer, !back]] as const)
        out.push({ id: l.id, name: l.inner.name, kind: l.inner.kind, direction: gb ? 'backward' : 'forward',
          units: l.inner.params.units as number, cfg: cellConfig(l.inner.kind, l.inner.params, gb), layer });
    }
  }
  return out;
}

/**
 * Which model input each target reads its sequence from (an index into `ir.inputs`): an encoder and a decoder read
 * different inputs, of different lengths. Time-moving layers before a recurrent one are refused (`probeBlocker`), so
 * that input's steps are the layer's steps.
 */
export function targetInputs(ir: ModelIR, targets: ProbeTarget[]): number[] {
  const byId = new Map(ir.layers.map((l) => [l.id, l]));
  const sourceInput = (id: string): string | undefined => {
    const l = byId.get(id)!;
    if (l.kind === 'Input') return l.id;
    for (const u of l.inputs) {
      const found = sourceInput(u);
      if (found) return found;
    }
    return undefined;
  };
  return targets.map((t) => ir.inputs.indexOf(sourceInput(t.id)!));
}

/** The number of steps each target reads (see `targetInputs`). */
export const targetSteps = (ir: ModelIR, targets: ProbeTarget[], inputs: tf.Tensor[]): number[] =>
  targetInputs(ir, targets).map((i) => inputs[i].shape[1]!);

const weightsOf = (layer: tf.layers.Layer): CellWeights => {
  // Live variables (rnn-math.md §2): read, never dispose.
  const [K, R, b] = layer.getWeights() as [tf.Tensor2D, tf.Tensor2D, (tf.Tensor1D | tf.Tensor2D)?];
  return { K, R, b };
};

const andMasks = (ms: (tf.Tensor2D | null)[]): tf.Tensor2D | null => {
  const present = ms.filter((m): m is tf.Tensor2D => m !== null);
  return present.length === 0 ? null : present.reduce((a, b) => tf.mul(a, b) as tf.Tensor2D);
};

export interface WalkOptions {
  /** Probes per target index (see `probeTargets`); targets without an entry run without probes. */
  probes?: Map<number, StateProbes>;
  /** Stop as soon as this IR layer id has been computed. */
  stopAfter?: string;
  /**
   * Added to the model's input sequence x_t as the recurrent layers see it: the output of the Embedding that reads
   * token ids, or the float input itself (see `inputSequenceLayer`), so ∂f/∂ε = ∂f/∂x_t (panel P6).
   */
  inputProbe?: tf.Tensor;
  /**
   * Run recurrent layers with the model's own tfjs layers (fused when the model is) instead of our cells: faster,
   * but `runs` stays empty and probes on states are not possible. For gradients with respect to the input only.
   */
  ownLayers?: boolean;
  /** Return the head's logits: a Dense softmax/sigmoid head's value before its activation (see `logitHead`). */
  logits?: boolean;
  /** Which output (an index into `ir.outputs`) `output` and `logits` are about: a model with several has one per head. Default 0. */
  output?: number;
}

/**
 * The model Input whose steps connectivity differentiates by: the one Input, or an encoder–decoder's encoder Input
 * (its source), so the matrix is decoder step × source step. Throws for any other model with several Inputs.
 */
export function sequenceInput(ir: ModelIR): string {
  if (ir.inputs.length === 1) return ir.inputs[0];
  const roles = seq2seqRoles(ir);
  if (ir.inputs.length !== 2 || !roles.ok) throw new Error(`Connectivity needs one input, or an encoder's and a decoder's; this model has ${ir.inputs.length} inputs.`);
  return roles.encoder;
}

/**
 * The layer whose output is the input sequence x_t of connectivity (panel P6): the float Input, or the one Embedding
 * that reads a token Input. Throws when there is no single such layer.
 */
export function inputSequenceLayer(ir: ModelIR): IRLayer {
  const input = ir.layers.find((l) => l.id === sequenceInput(ir))!;
  if (input.params.inputType !== 'tokens') return input;
  const embeddings = ir.layers.filter((l) => l.kind === 'Embedding' && l.inputs[0] === input.id);
  if (embeddings.length !== 1 || ir.layers.some((l) => l.kind !== 'Embedding' && l.inputs.includes(input.id)))
    throw new Error('Connectivity needs the token input to feed exactly one Embedding (and nothing else).');
  return embeddings[0];
}

/**
 * True when output `k`'s logit is its value before the activation: a Dense softmax or sigmoid, i.e. a head trained
 * with (binary) cross-entropy (`outputLosses`); for any other head the logit is the output itself.
 */
export const logitHead = (ir: ModelIR, k = 0): boolean => outputLosses(ir)[k].kind !== 'mse';

/** A Dense layer's x·W + b over the last axis of x, without its activation. */
function denseLogits(layer: tf.layers.Layer, x: tf.Tensor): tf.Tensor {
  const [W, bias] = layer.getWeights();
  let z = tf.matMul(tf.reshape(x, [-1, x.shape[x.rank - 1]!]), W as tf.Tensor2D);
  if (bias) z = tf.add(z, bias);
  return tf.reshape(z, [...x.shape.slice(0, -1), W.shape[1]!]);
}

export interface WalkResult {
  /** Model output `WalkOptions.output` (or the value of `stopAfter`). */
  output: tf.Tensor;
  /** Every model output, in `ir.outputs` order (empty with `stopAfter`). */
  outputs: tf.Tensor[];
  /** Per target index, the cell run (states and gates in processing order). */
  runs: CellRun[];
  /** Per attention layer (topological order), its weights [B, Tq, Tv]: row i, query step i over the value steps. */
  attention: { id: string; name: string; scores: tf.Tensor3D }[];
}

/**
 * The forward pass with probes. Must run inside `tf.tidy` or a gradient function.
 * @param inputs one tensor per `ir.inputs` entry (int32 ids or float features)
 */
export function walk(model: tf.LayersModel, ir: ModelIR, targets: ProbeTarget[], inputs: tf.Tensor[], opts: WalkOptions = {}): WalkResult {
  const flows = new Map<string, Flow>();
  // Output ports other than `output`, by `${id}:${port}`: a recurrent layer's final h and c (returnState).
  const portValues = new Map<string, tf.Tensor>();
  const flowAt = (id: string, port = 'output'): Flow => (port === 'output' ? flows.get(id)! : { value: portValues.get(`${id}:${port}`)!, mask: null });
  const keepPorts = (l: IRLayer, values: tf.Tensor[]) => {
    const names = portsOf(LAYERS[l.kind], l.params).outputs;
    values.forEach((v, i) => i > 0 && i < names.length && portValues.set(`${l.id}:${names[i]}`, v));
  };
  const runs: CellRun[] = [];
  const attention: WalkResult['attention'] = [];
  // A layer's directions sit next to each other in `targets`, the tfjs forward copy first.
  const targetIndex = (id: string) => targets.findIndex((t) => t.id === id);
  const probed = opts.inputProbe ? inputSequenceLayer(ir).id : null;
  const head = opts.output ?? 0;
  if (!(head >= 0 && head < ir.outputs.length)) throw new Error(`Output ${head + 1} does not exist; the model has ${ir.outputs.length}.`);
  const logitsAt = opts.logits && logitHead(ir, head) ? ir.outputs[head] : null;
  const run = (k: number, x: Flow, init?: tf.Tensor2D[]) => {
    const t = targets[k];
    const r = runCell(x.value as tf.Tensor3D, x.mask, weightsOf(t.layer), t.cfg, opts.probes?.get(k), init);
    runs[k] = r;
    return r;
  };
  /** The layer output as tfjs shapes it: all steps (processing order) or the last state. */
  const outputOf = (r: CellRun, returnSequences: boolean): tf.Tensor => (returnSequences ? tf.stack(r.hs, 1) : r.h);

  let last: tf.Tensor | undefined;
  for (const l of ir.layers as IRLayer[]) {
    const ins = l.inputs.map((id, i) => flowAt(id, l.inputPorts?.[i]));
    // A recurrent layer's initial states (Initial state inputs), in port order: h, then c.
    const init = l.states?.map((st) => flowAt(st.from, st.fromPort).value as tf.Tensor2D);
    let flow: Flow;
    if (l.kind === 'Input') {
      flow = { value: inputs[ir.inputs.indexOf(l.id)], mask: null };
    } else if (opts.ownLayers && (isRecurrentKind(l.kind) || l.kind === 'Bidirectional')) {
      const seq = (l.inner ?? l).params.returnSequences as boolean;
      const out = model.getLayer(l.name).apply(ins[0].value, { ...(ins[0].mask ? { mask: ins[0].mask } : {}), ...(init ? { initialState: init } : {}) }) as tf.Tensor | tf.Tensor[];
      const values = Array.isArray(out) ? out : [out];
      keepPorts(l, values);
      flow = { value: values[0], mask: seq ? ins[0].mask : null };
    } else if (isRecurrentKind(l.kind)) {
      const seq = l.params.returnSequences as boolean;
      const r = run(targetIndex(l.id), ins[0], init);
      keepPorts(l, [r.h, r.h, ...(r.c ? [r.c] : [])]);
      flow = { value: outputOf(r, seq), mask: seq ? ins[0].mask : null };
    } else if (l.kind === 'Bidirectional') {
      const seq = l.inner!.params.returnSequences as boolean;
      const k = targetIndex(l.id);
      const fwd = outputOf(run(k, ins[0]), seq);
      // The second copy always reads the other way; with returnSequences tfjs flips its output back to input order.
      let bwd = outputOf(run(k + 1, ins[0]), seq);
      if (seq) bwd = tf.reverse(bwd, 1);
      const mode = l.params.mergeMode as string;
      const merged =
        mode === 'concat' ? tf.concat([fwd, bwd], -1)
        : mode === 'sum' ? tf.add(fwd, bwd)
        : mode === 'mul' ? tf.mul(fwd, bwd)
        : tf.mul(tf.add(fwd, bwd), 0.5);
      flow = { value: merged, mask: seq ? ins[0].mask : null };
    } else if (isAttentionKind(l.kind)) {
      // Inputs as the registry builds them (src/layers/attention.ts): [query, value, (key), value mask], the query's
      // mask as the call's mask; the value mask is 1 where no padding mask reaches the value.
      const [value, ...key] = l.states!.map((st) => flowAt(st.from, st.fromPort));
      const vMask = value.mask ?? tf.ones(value.value.shape.slice(0, 2) as [number, number]);
      const [out, scores] = model.getLayer(l.name).apply([ins[0].value, value.value, ...key.map((k) => k.value), vMask], ins[0].mask ? { mask: ins[0].mask } : {}) as tf.Tensor[];
      portValues.set(`${l.id}:scores`, scores);
      attention.push({ id: l.id, name: l.name, scores: scores as tf.Tensor3D });
      flow = { value: out, mask: ins[0].mask };
    } else {
      const layer = model.getLayer(l.name);
      const out = l.id === logitsAt ? denseLogits(layer, ins[0].value)
        : layer.apply(ins.length === 1 ? ins[0].value : ins.map((f) => f.value)) as tf.Tensor | tf.Tensor[];
      const values = Array.isArray(out) ? out : [out];
      keepPorts(l, values);
      // The kind's mask rule: an Embedding with maskZero creates one (id 0 is padding), Dense, Dropout (identity at
      // inference) and merges pass on the AND of their inputs' masks, pooling drops it.
      const rule = LAYERS[l.kind].mask(l.params, l.inner);
      const mask = rule === 'creates' ? (tf.cast(tf.notEqual(ins[0].value, 0), 'float32') as tf.Tensor2D) : rule === 'passes' ? andMasks(ins.map((f) => f.mask)) : null;
      flow = { value: values[0], mask };
    }
    if (l.id === probed) flow = { ...flow, value: tf.add(flow.value, opts.inputProbe!) };
    flows.set(l.id, flow);
    last = flow.value;
    if (opts.stopAfter === l.id) break;
  }
  const outputs = opts.stopAfter ? [] : ir.outputs.map((id) => flows.get(id)!.value);
  return { output: opts.stopAfter ? last! : outputs[head], outputs, runs, attention };
}
