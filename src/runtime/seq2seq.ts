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
 * its step).
 */
import * as tf from '@tensorflow/tfjs';
import { statesMasked, type ModelIR } from '../compiler/index.ts';
import { beamSearch, END, errorRates, greedyDecode, START, withoutEnd, type ErrorRates, type Hypothesis, type PairDataset, type StepFn } from '../datasets/index.ts';
import { decoderWalk } from '../datasets/fit.ts';
import { isAttentionKind } from '../graph/types.ts';
import { isRecurrentKind, LAYERS, portsOf, stateNames } from '../layers/index.ts';

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
}

type RnnLayer = tf.layers.Layer & { cell: { call(inputs: tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor[] } };

/**
 * Builds encoder and one-step decoder from a trained model of `ir` (which must pass the pair-task fit check).
 * Throws a one-line reason when the decoder has a layer the step walk cannot run one step at a time.
 */
export function buildInference(model: tf.LayersModel, ir: ModelIR): Seq2seqInference {
  if (ir.inputs.length === 1) return alignedInference(model);
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

  const encode = (source: ArrayLike<number>): DecoderState => {
    const outs = encoder ? tf.tidy(() => [encoder.predict(tf.tensor2d(Array.from(source), [1, source.length], 'int32'))].flat() as tf.Tensor[]) : [];
    const values = outs.map((t) => ({ data: t.dataSync() as Float32Array, shape: t.shape.slice(1) }));
    tf.dispose(outs);
    let k = 0;
    const rnn = recurrent.map((l) => (l.states?.length ? l.states.map(() => values[k++].data) : stateNames(l.kind).map(() => new Float32Array(l.params.units as number))));
    return { rnn, memory: memoryOutputs.map((m) => m.map(() => values[k++])) };
  };

  const step: StepFn<DecoderState> = (state, prevToken) => {
    const next: DecoderState = { rnn: [], memory: state.memory };
    const logProbs = tf.tidy(() => {
      const vals = new Map<string, tf.Tensor>([[w.walk.decoder, tf.tensor2d([[prevToken]], [1, 1], 'int32')]]);
      for (const l of path) {
        const layer = model.getLayer(l.name);
        const ins = l.inputs.map((u) => vals.get(u)!);
        if (isRecurrentKind(l.kind)) {
          const r = recurrent.indexOf(l);
          const x = ins[0].rank === 3 ? tf.squeeze(ins[0], [1]) : ins[0];
          // A cell call: [x_t, h_{t−1}(, c_{t−1})] → [h_t, h_t(, c_t)] (tfjs-layers' RNNCell contract).
          const [h, ...states] = (layer as RnnLayer).cell.call([x, ...state.rnn[r].map((s) => tf.tensor2d(s, [1, s.length]))], { training: false });
          next.rnn[r] = states.map((s) => s.dataSync() as Float32Array);
          vals.set(l.id, l.params.returnSequences ? tf.expandDims(h, 1) : h);
        } else if (isAttentionKind(l.kind)) {
          // [query, value, (key), value mask] → [output, scores], as the layer was applied in training.
          const memory = state.memory[attention.indexOf(l)].map((m) => tf.tensor(m.data, [1, ...m.shape]));
          vals.set(l.id, (layer.apply([...ins, ...memory], { training: false }) as tf.Tensor[])[0]);
        } else vals.set(l.id, layer.apply(ins.length === 1 ? ins[0] : ins, { training: false }) as tf.Tensor);
      }
      const p = vals.get(ir.outputs[0])!;
      return tf.log(tf.clipByValue(tf.reshape(p, [-1]), 1e-30, 1));
    });
    const lp = logProbs.dataSync() as Float32Array;
    logProbs.dispose();
    return { logProbs: lp, state: next };
  };
  // The encoder sub-model owns no weights (its layers are the trained model's): disposing the model frees them.
  return { encode, step };
}

/**
 * Inference for a one-Input model that outputs the whole target at once (Keras's addition_rnn): `encode` runs the
 * model on the source and keeps log p of each output step; each decoding step hands out the next one, whatever the
 * previous token, and after the last step only END remains. Greedy decoding is then the argmax at every step.
 */
function alignedInference(model: tf.LayersModel): Seq2seqInference {
  const [, n, V] = model.outputs[0].shape as number[];
  const endOnly = Float32Array.from({ length: V }, (_, k) => (k === END ? 0 : -Infinity));
  return {
    encode(source) {
      const p = tf.tidy(() => tf.log(tf.clipByValue(model.predict(tf.tensor2d(Array.from(source), [1, source.length], 'int32')) as tf.Tensor, 1e-30, 1)));
      const data = p.dataSync() as Float32Array;
      p.dispose();
      return { rnn: [], memory: [], ahead: Array.from({ length: n }, (_, t) => data.slice(t * V, (t + 1) * V)) };
    },
    step: (state) => {
      const [next, ...rest] = state.ahead!;
      return { logProbs: next ?? endOnly, state: { ...state, ahead: rest } };
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
  const hyps = samples.map((i) => decodeOne(inf, ds.sample(i).x, ds.maxTargetLen, choice));
  return errorRates(hyps, samples.map((i) => ds.references(i)));
}
