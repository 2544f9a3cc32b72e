/**
 * Inference for an encoder–decoder, built from its training graph (docs/seq2seq.md): the encoder runs once on the
 * source (a sub-model of the trained model, up to the states that start the decoder); then the decoder runs one step
 * at a time from START, each step a walk over the decoder's own layers with the trained layer objects: an Embedding
 * or Dense applied to the one token, a recurrent layer advanced by one call of its trained cell from the states
 * carried over. That is a `StepFn`, so `greedyDecode` and `beamSearch` (src/datasets/decode.ts) run on it.
 *
 * An attention layer of the decoder reads the encoder's outputs: the encoder pass returns them too (its value, key
 * and value mask), and every step applies the trained attention layer to the step's query and them.
 *
 * States cross steps as plain Float32Arrays (a beam hands one state to several hypotheses, so no tensor outlives
 * its step). Greedy decoding of many sources (`greedyMany`, validation) runs the same walk on a batch of them instead,
 * its states kept as tensors from step to step.
 */
import * as tf from '@tensorflow/tfjs';
import { statesMasked, type IRLayer, type ModelIR } from '../compiler/index.ts';
import { argmax, beamSearch, END, errorRates, greedyDecode, PAD, START, withoutEnd, type ErrorRates, type Hypothesis, type PairDataset, type StepFn } from '../datasets/index.ts';
import { decoderWalk } from '../datasets/fit.ts';
import { isAttentionKind } from '../graph/types.ts';
import { isRecurrentKind, isSequence, LAYERS, portsOf, stateNames } from '../layers/index.ts';

/**
 * The decoder's recurrent states, per recurrent layer of the decoder (in walk order), each `[units]` per state; and
 * what its attention layers attend over, per attention layer: value [Tv, dv], (key [Tv, d],) (value mask [Tv]).
 */
export interface DecoderState {
  rnn: Float32Array[][];
  memory: { data: Float32Array; shape: number[] }[][];
  /** A one-Input model (`FitResult.aligned`) predicts every step at once: the log p of the steps still to come. */
  ahead?: Float32Array[];
}


export interface Seq2seqInference {
  /** Runs the encoder on one source (ids) and returns the decoder's initial states. */
  encode(source: ArrayLike<number>): DecoderState;
  /** One decoder step: the previous token in, log p over the target vocabulary and the next states out. */
  step: StepFn<DecoderState>;
  /**
   * Greedy decoding of many sources as batches: the tokens of each (without END), the same as `greedyDecode` on
   * `encode` and `step` gives for it alone.
   */
  greedyMany(sources: ArrayLike<number>[], maxLen: number): number[][];
}

type RnnLayer = tf.layers.Layer & { cell: { call(inputs: tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor[] } };

/** Sources decoded together at most (bounds the batch's memory: encoder outputs and states of every row). */
const DECODE_BATCH = 256;

/**
 * Whether padding a source with PAD leaves what the model computes for its real steps unchanged: every sequence the
 * `layers` make carries the padding mask (from an `Embedding(maskZero)`), so the recurrent layers carry their states
 * over padded steps and an attention's value mask hides them. Otherwise only sources of one length go together.
 */
const paddingMasked = (layers: IRLayer[]) => layers.every((l) => l.kind === 'Input' || !isSequence(l.outputShape) || l.outputShape.masked);

/**
 * The batches `greedyMany` decodes `sources` in (indices into them), each at most DECODE_BATCH long, and each as one
 * [N, T] int32 tensor of ids, post-padded with PAD as training batches are. Without `padded`, a batch holds sources of
 * one length only.
 */
function* sourceBatches(sources: ArrayLike<number>[], padded: boolean): Generator<{ rows: number[]; x: tf.Tensor2D }> {
  const groups = new Map<number, number[]>();
  sources.forEach((s, i) => {
    const key = padded ? 0 : s.length;
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(i);
  });
  for (const group of groups.values())
    for (let b = 0; b < group.length; b += DECODE_BATCH) {
      const rows = group.slice(b, b + DECODE_BATCH);
      const T = Math.max(...rows.map((i) => sources[i].length));
      const ids = new Int32Array(rows.length * T).fill(PAD);
      rows.forEach((i, r) => ids.set(Array.from(sources[i]), r * T));
      yield { rows, x: tf.tensor2d(ids, [rows.length, T], 'int32') };
    }
}

/**
 * Builds encoder and one-step decoder from a trained model of `ir` (which must pass the pair-task fit check).
 * Throws a one-line reason when the decoder has a layer the step walk cannot run one step at a time.
 */
export function buildInference(model: tf.LayersModel, ir: ModelIR): Seq2seqInference {
  if (ir.inputs.length === 1) return alignedInference(model, paddingMasked(ir.layers));
  const w = decoderWalk(ir);
  if (!w.ok) throw new Error(w.message);
  const { path, recurrent, stateSources } = w.walk;
  const attention = path.filter((l) => isAttentionKind(l.kind));
  const byId = new Map(ir.layers.map((l) => [l.id, l]));
  const portTensor = (layer: (typeof path)[number], port: string) => {
    const out = model.getLayer(layer.name).output;
    return Array.isArray(out) ? out[portsOf(LAYERS[layer.kind], layer.params).outputs.indexOf(port)] : out;
  };
  // The encoder's part of the trained model: its source Input to the tensors that start the decoder's recurrent
  // layers, then what each attention layer attends over (value, key, and the value mask its AttentionMask made when
  // the value is masked).
  const stateOutputs = stateSources.map(({ layer, port }) => portTensor(layer, port));
  const masked = (l: (typeof attention)[number]) => (statesMasked(ir, l)[0] ? [model.getLayer(`${l.name}_value_mask`).output as tf.SymbolicTensor] : []);
  const memoryOutputs = attention.map((l) => [...l.states!.map((s) => portTensor(byId.get(s.from)!, s.fromPort)), ...masked(l)]);
  const encoderOutputs = [...stateOutputs, ...memoryOutputs.flat()];
  const encoder = encoderOutputs.length ? tf.model({ inputs: model.inputs[ir.inputs.indexOf(w.walk.encoder)], outputs: encoderOutputs }) : null;
  const onPath = new Set(path.map((l) => l.id));
  const padded = paddingMasked(ir.layers.filter((l) => !onPath.has(l.id)));

  /**
   * The encoder's outputs for a batch of sources [N, T], as the decoder takes them (call in a tidy): per recurrent
   * layer its initial states (zeros for one the encoder does not start), per attention layer what it attends over.
   */
  const encodeBatch = (x: tf.Tensor2D) => {
    const values = encoder ? [encoder.predict(x)].flat() : [];
    let k = 0;
    const rnn = recurrent.map((l) => (l.states?.length ? l.states.map(() => values[k++]) : stateNames(l.kind).map(() => tf.zeros([x.shape[0], l.params.units as number]))));
    return { rnn, memory: memoryOutputs.map((m) => m.map(() => values[k++])) };
  };

  /** One decoder step for a batch: the previous tokens [N, 1] in; log p [N, V] and the next states out (in a tidy). */
  const walk = (prev: tf.Tensor2D, rnn: tf.Tensor[][], memory: tf.Tensor[][]) => {
    const states: tf.Tensor[][] = [];
    const vals = new Map<string, tf.Tensor>([[w.walk.decoder, prev]]);
    for (const l of path) {
      const layer = model.getLayer(l.name);
      const ins = l.inputs.map((u) => vals.get(u)!);
      if (isRecurrentKind(l.kind)) {
        const r = recurrent.indexOf(l);
        const x = ins[0].rank === 3 ? tf.squeeze(ins[0], [1]) : ins[0];
        // A cell call: [x_t, h_{t−1}(, c_{t−1})] → [h_t, h_t(, c_t)] (tfjs-layers' RNNCell contract).
        const [h, ...next] = (layer as RnnLayer).cell.call([x, ...rnn[r]], { training: false });
        states[r] = next;
        vals.set(l.id, l.params.returnSequences ? tf.expandDims(h, 1) : h);
      } else if (isAttentionKind(l.kind)) {
        // [query, value, (key), value mask] → [output, scores], as the layer was applied in training.
        vals.set(l.id, (layer.apply([...ins, ...memory[attention.indexOf(l)]], { training: false }) as tf.Tensor[])[0]);
      } else vals.set(l.id, layer.apply(ins.length === 1 ? ins[0] : ins, { training: false }) as tf.Tensor);
    }
    const p = vals.get(ir.outputs[0])!;
    return { logProbs: tf.log(tf.clipByValue(tf.reshape(p, [prev.shape[0], -1]), 1e-30, 1)), states };
  };

  const encode = (source: ArrayLike<number>): DecoderState => {
    const e = tf.tidy(() => encodeBatch(tf.tensor2d(Array.from(source), [1, source.length], 'int32')));
    const state = { rnn: e.rnn.map((ss) => ss.map((s) => s.dataSync() as Float32Array)), memory: e.memory.map((m) => m.map((t) => ({ data: t.dataSync() as Float32Array, shape: t.shape.slice(1) }))) };
    tf.dispose([e.rnn, e.memory]);
    return state;
  };

  const step: StepFn<DecoderState> = (state, prevToken) => {
    const next: DecoderState = { rnn: [], memory: state.memory };
    const logProbs = tf.tidy(() => {
      const r = walk(tf.tensor2d([[prevToken]], [1, 1], 'int32'), state.rnn.map((ss) => ss.map((s) => tf.tensor2d(s, [1, s.length]))),
        state.memory.map((m) => m.map((t) => tf.tensor(t.data, [1, ...t.shape]))));
      next.rnn = r.states.map((ss) => ss.map((s) => s.dataSync() as Float32Array));
      return r.logProbs;
    });
    const lp = logProbs.dataSync() as Float32Array;
    logProbs.dispose();
    return { logProbs: lp, state: next };
  };

  // Every row steps until all have produced END or the cap; a row that is done is carried (fed END) and ignored.
  const greedyMany = (sources: ArrayLike<number>[], maxLen: number): number[][] => {
    const out: number[][] = [];
    for (const { rows, x } of sourceBatches(sources, padded)) {
      const N = rows.length;
      let { rnn, memory } = tf.tidy(() => encodeBatch(x));
      x.dispose();
      const tokens: number[][] = rows.map(() => []);
      const prev = new Int32Array(N).fill(START);
      for (let t = 0; t < maxLen && prev.some((p) => p !== END); t++) {
        const r = tf.tidy(() => walk(tf.tensor2d(prev, [N, 1], 'int32'), rnn, memory));
        tf.dispose(rnn);
        rnn = r.states;
        const lp = r.logProbs.dataSync() as Float32Array;
        r.logProbs.dispose();
        const V = lp.length / N;
        for (let i = 0; i < N; i++)
          if (prev[i] !== END) {
            prev[i] = argmax(lp.subarray(i * V, (i + 1) * V));
            if (prev[i] !== END) tokens[i].push(prev[i]);
          }
      }
      tf.dispose([rnn, memory]);
      rows.forEach((i, r) => (out[i] = tokens[r]));
    }
    return out;
  };
  // The encoder sub-model owns no weights (its layers are the trained model's): disposing the model frees them.
  return { encode, step, greedyMany };
}

/**
 * Inference for a one-Input model that outputs the whole target at once (Keras's addition_rnn): `encode` runs the
 * model on the source and keeps log p of each output step; each decoding step hands out the next one, whatever the
 * previous token, and after the last step only END remains. Greedy decoding is then the argmax at every step; many
 * sources run through the model as batches (padded when `padded`), then decode row by row.
 */
function alignedInference(model: tf.LayersModel, padded: boolean): Seq2seqInference {
  const [, n, V] = model.outputs[0].shape as number[];
  const endOnly = Float32Array.from({ length: V }, (_, k) => (k === END ? 0 : -Infinity));
  // Each row's state: log p of its n output steps.
  const statesOf = (x: tf.Tensor2D): DecoderState[] => {
    const p = tf.tidy(() => tf.log(tf.clipByValue(model.predict(x) as tf.Tensor, 1e-30, 1)));
    const data = p.dataSync() as Float32Array;
    p.dispose();
    return Array.from({ length: x.shape[0] }, (_, r) => ({ rnn: [], memory: [], ahead: Array.from({ length: n }, (_, t) => data.slice((r * n + t) * V, (r * n + t + 1) * V)) }));
  };
  const step: StepFn<DecoderState> = (state) => {
    const [next, ...rest] = state.ahead!;
    return { logProbs: next ?? endOnly, state: { ...state, ahead: rest } };
  };
  return {
    encode(source) {
      const x = tf.tensor2d(Array.from(source), [1, source.length], 'int32');
      const [state] = statesOf(x);
      x.dispose();
      return state;
    },
    step,
    greedyMany(sources, maxLen) {
      const out: number[][] = [];
      for (const { rows, x } of sourceBatches(sources, padded)) {
        statesOf(x).forEach((s, r) => (out[rows[r]] = withoutEnd(greedyDecode(step, s, { start: START, end: END, maxLen }), END)));
        x.dispose();
      }
      return out;
    },
  };
}

export interface DecodeChoice {
  /** Beam width; 1 (default) is greedy. */
  beam?: number;
}

/** Decodes one source: the target ids without START and END. */
export function decodeOne(inf: Seq2seqInference, source: ArrayLike<number>, maxLen: number, { beam = 1 }: DecodeChoice = {}): number[] {
  const o = { start: START, end: END, maxLen };
  const best: Hypothesis = beam > 1 ? beamSearch(inf.step, inf.encode(source), { ...o, width: beam })[0] : greedyDecode(inf.step, inf.encode(source), o);
  return withoutEnd(best, END);
}

/**
 * Decodes samples of a pair dataset (their indices) and scores them against all their references: phoneme (token)
 * error rate and word (sequence) error rate; 1 − WER is the share decoded exactly (addition's sequence accuracy).
 */
export function decodeScore(inf: Seq2seqInference, ds: PairDataset, samples: number[], choice: DecodeChoice = {}): ErrorRates {
  const hyps = (choice.beam ?? 1) > 1
    ? samples.map((i) => decodeOne(inf, ds.sample(i).x, ds.maxTargetLen, choice))
    : inf.greedyMany(samples.map((i) => ds.sample(i).x), ds.maxTargetLen);
  return errorRates(hyps, samples.map((i) => ds.references(i)));
}
