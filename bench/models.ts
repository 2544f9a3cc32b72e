/**
 * The benchmark models: the lesson presets' architectures (SimpleRNN, LSTM, GRU in both forms, BiLSTM, 2-layer LSTM) at the sizes
 * of issue 7 — vocabulary 5000, embedding 64, 64 units, 4 classes — as graph documents compiled by our compiler; and
 * two of issue 19's shapes: a Conv1D(64, 5) → MaxPooling1D → LSTM classifier, and an LSTM encoder whose final states
 * start an LSTM decoder (teacher-forced, T decoder steps, a softmax over the vocabulary at every step).
 * No masking (maskZero off): the random token ids have no padding, and PyTorch's nn.LSTM has no mask to compare with.
 * Recurrent kernels start glorotUniform instead of orthogonal: timing does not depend on initial values, and tfjs's
 * orthogonal initializer runs a slow QR decomposition at every build (platform.md trap 9).
 */
import { chainDoc, type ChainStep, type GraphDoc, type Params } from '../src/graph/index.ts';
import g2pAttention from '../presets/g2p-attention.json';

export const SIZES = { batch: 32, vocab: 5000, embedding: 64, units: 64, classes: 4 };
/**
 * The decoder's vocabulary (its input tokens and its per-step softmax) in the encoder–decoder row: character- or
 * phoneme-sized, as in Keras's lstm_seq2seq (93 target characters). With 5000 the row would time tfjs's
 * softmax–cross-entropy over [32, 50, 5000] (about nine tenths of the step, profiled), not the recurrent layers.
 */
export const DECODER_VOCAB = 100;

type Step = ChainStep;
const rec = (units: number, p: Params = {}): Params => ({ units, recurrentInitializer: 'glorotUniform', ...p });
const tokens = (T: number): Params => ({ inputType: 'tokens', vocabSize: SIZES.vocab, length: T });
const embedding: Params = { inputDim: SIZES.vocab, outputDim: SIZES.embedding, maskZero: false };

/** Input → Embedding → `body` → Dense softmax over the classes. */
const classifier = (T: number, body: Step[]): GraphDoc =>
  chainDoc([['Input', tokens(T)], ['Embedding', embedding], ...body, ['Dense', { units: SIZES.classes, activation: 'softmax' }]]);

/**
 * Keras `lstm_seq2seq`'s shape: the encoder LSTM's final h and c (returnState ports) are the decoder LSTM's initial
 * states (stateInputs ports); the decoder reads the target shifted by one (its own Input of `decoderT` tokens) and a
 * Dense softmax over the decoder's vocabulary predicts every step. Inputs in order: source, decoder input.
 */
export function encoderDecoderGraph(encoderT: number, decoderT: number, units: number): GraphDoc {
  const node = (id: string, kind: string, params: Params) => ({ id, position: { x: 0, y: 0 }, data: { kind, params } });
  const edge = (source: string, target: string, sourceHandle?: string, targetHandle?: string) =>
    ({ id: `${source}-${target}${targetHandle ?? ''}`, source, target, ...(sourceHandle && { sourceHandle, targetHandle }) });
  return {
    nodes: [
      node('src', 'Input', tokens(encoderT)), node('tgt', 'Input', { ...tokens(decoderT), vocabSize: DECODER_VOCAB }),
      node('srcEmb', 'Embedding', embedding), node('tgtEmb', 'Embedding', { ...embedding, inputDim: DECODER_VOCAB }),
      node('enc', 'LSTM', rec(units, { returnState: true })),
      node('dec', 'LSTM', rec(units, { stateInputs: true, returnSequences: true })),
      node('out', 'Dense', { units: DECODER_VOCAB, activation: 'softmax' }),
    ],
    edges: [
      edge('src', 'srcEmb'), edge('srcEmb', 'enc'), edge('tgt', 'tgtEmb'), edge('tgtEmb', 'dec'), edge('dec', 'out'),
      edge('enc', 'dec', 'h', 'initial_h'), edge('enc', 'dec', 'c', 'initial_c'),
    ],
  } as GraphDoc;
}

/**
 * The spelling-to-sound attention preset (presets/g2p-attention.json) as it stands — Embedding(28, 32) →
 * BiLSTM(64 + 64) → LSTM(128, sequence + h, c) → [decoder: Embedding(72, 32) → LSTM(128) started from those states]
 * → AdditiveAttention(useScale; query = decoder, value = encoder) → Concatenate[context, decoder] → Dense(72,
 * softmax) — with fixed lengths (encoder `encoderT`, decoder `decoderT`) and the bench's changes above: no masking,
 * glorotUniform recurrent kernels.
 */
export function g2pAttentionGraph(encoderT: number, decoderT: number): GraphDoc {
  const length: Record<string, number> = { letters: encoderT, decoder_input: decoderT };
  const nodes = (g2pAttention.graph.nodes as GraphDoc['nodes']).map((n) => {
    const p = n.data.params;
    const params = n.data.kind === 'Input' ? { ...p, length: length[n.id] } : n.data.kind === 'Embedding' ? { ...p, maskZero: false }
      : n.data.kind === 'LSTM' ? { ...p, recurrentInitializer: 'glorotUniform' } : p;
    return { ...n, data: { ...n.data, params } };
  });
  return { ...g2pAttention.graph, nodes } as GraphDoc;
}
/** The G2P-attention row's decoder length (issue 20: encoder T 16, decoder T 12, H 128). */
export const G2P_DECODER_T = 12;

/**
 * The bench models by name: the graph at sequence length T with `units` recurrent units. Every Input takes token ids
 * in [1, vocab) and the target is a class per example, or per step where the output is a sequence
 * (bench/node-step.ts `modelBatch` reads both from the built model).
 *
 * Adding a row is one entry here and one in bench/pytorch_step.py's MODELS (the same model in PyTorch, same name).
 * A model with lengths and sizes of its own ignores T and units or derives them from them, as G2P-attention does
 * (its encoder length is its OWN_SEQ entry).
 * GRU is the reset-before form (TF.js's); GRU-resetAfter the reset-after one (Keras's default, PyTorch's nn.GRU).
 */
export const BENCH_MODELS = {
  SimpleRNN: (T: number, units: number) => classifier(T, [['SimpleRNN', rec(units)]]),
  LSTM: (T: number, units: number) => classifier(T, [['LSTM', rec(units)]]),
  GRU: (T: number, units: number) => classifier(T, [['GRU', rec(units, { resetAfter: false })]]),
  'GRU-resetAfter': (T: number, units: number) => classifier(T, [['GRU', rec(units, { resetAfter: true })]]),
  BiLSTM: (T: number, units: number) => classifier(T, [['Bidirectional', { mergeMode: 'concat' }, ['LSTM', rec(units)]]]),
  'LSTM-2layer': (T: number, units: number) => classifier(T, [['LSTM', rec(units, { returnSequences: true })], ['LSTM', rec(units)]]),
  /** Conv1D(64, 5) (relu, valid) → MaxPooling1D(2) → LSTM: T − 4 conv steps, (T − 4) / 2 recurrent steps. */
  'Conv1D-LSTM': (T: number, units: number) => classifier(T, [
    ['Conv1D', { filters: 64, kernelSize: 5, activation: 'relu' }], ['MaxPooling1D', { poolSize: 2 }], ['LSTM', rec(units)]]),
  /** Encoder and decoder both T steps. */
  'Seq2seq-LSTM': (T: number, units: number) => encoderDecoderGraph(T, T, units),
  /** The spelling-to-sound attention preset at its own sizes (H 128): encoder T steps, decoder 12; one cell, T = 16 (OWN_SEQ). */
  'G2P-attention': (T: number) => g2pAttentionGraph(T, G2P_DECODER_T),
} satisfies Record<string, (T: number, units: number) => GraphDoc>;

export type BenchPreset = keyof typeof BENCH_MODELS;
export const BENCH_PRESETS = Object.keys(BENCH_MODELS) as BenchPreset[];

/** Presets with a sequence length of their own: one cell at that T in every run, whatever `--seq` says. */
export const OWN_SEQ: Partial<Record<BenchPreset, number>> = { 'G2P-attention': 16 };

/** The (preset, T) cells of a run: every other preset at every T of `seqs`, T-major, then each OWN_SEQ preset once. */
export const benchCells = (presets: BenchPreset[], seqs: number[]): [BenchPreset, number][] => [
  ...seqs.flatMap((T) => presets.filter((p) => OWN_SEQ[p] === undefined).map((p): [BenchPreset, number] => [p, T])),
  ...presets.flatMap((p): [BenchPreset, number][] => (OWN_SEQ[p] === undefined ? [] : [[p, OWN_SEQ[p]!]])),
];

/** The graph of one benchmark preset at sequence length T (and `units`, default 64). */
export const benchGraph = (preset: BenchPreset, T: number, units = SIZES.units): GraphDoc => BENCH_MODELS[preset](T, units);

/** A graph of `n` nodes for the compile-time measurement: Input → Embedding → (n − 3) recurrent/Dense layers → Dense. */
export function largeGraph(n: number): GraphDoc {
  const steps: Step[] = [['Input', { inputType: 'tokens', vocabSize: 1000, length: 20 }], ['Embedding', { inputDim: 1000, outputDim: 16, maskZero: true }]];
  for (let i = 0; i < n - 3; i++) steps.push(i % 2 ? ['GRU', { units: 8, returnSequences: true }] : ['LSTM', { units: 8, returnSequences: true }]);
  steps.push(['Dense', { units: 4, activation: 'softmax' }]);
  return chainDoc(steps);
}
