/**
 * The benchmark models: the lesson presets' architectures (SimpleRNN, LSTM, GRU in both forms, BiLSTM, 2-layer LSTM) at the sizes
 * of issue 7 — vocabulary 5000, embedding 64, 64 units, 4 classes — as graph documents compiled by our compiler.
 * No masking (maskZero off): the random token ids have no padding, and PyTorch's nn.LSTM has no mask to compare with.
 * Recurrent kernels start glorotUniform instead of orthogonal: timing does not depend on initial values, and tfjs's
 * orthogonal initializer runs a slow QR decomposition at every build (platform.md trap 9).
 */
import { chainDoc, type ChainStep, type GraphDoc, type Params } from '../src/graph/index.ts';

/** GRU is the reset-before form (TF.js's); GRU-resetAfter the reset-after one (Keras's default, PyTorch's nn.GRU). */
export const BENCH_PRESETS = ['SimpleRNN', 'LSTM', 'GRU', 'GRU-resetAfter', 'BiLSTM', 'LSTM-2layer'] as const;
export type BenchPreset = (typeof BENCH_PRESETS)[number];

export const SIZES = { batch: 32, vocab: 5000, embedding: 64, units: 64, classes: 4 };

type Step = ChainStep;

/** The graph of one benchmark preset at sequence length T (and `units`, default 64). */
export function benchGraph(preset: BenchPreset, T: number, units = SIZES.units): GraphDoc {
  const { vocab, embedding, classes } = SIZES;
  const rec = (p: Params): Params => ({ units, recurrentInitializer: 'glorotUniform', ...p });
  const head: Step[] = [['Input', { inputType: 'tokens', vocabSize: vocab, length: T }], ['Embedding', { inputDim: vocab, outputDim: embedding, maskZero: false }]];
  const tail: Step = ['Dense', { units: classes, activation: 'softmax' }];
  const body: Record<BenchPreset, Step[]> = {
    SimpleRNN: [['SimpleRNN', rec({})]],
    LSTM: [['LSTM', rec({})]],
    GRU: [['GRU', rec({ resetAfter: false })]],
    'GRU-resetAfter': [['GRU', rec({ resetAfter: true })]],
    BiLSTM: [['Bidirectional', { mergeMode: 'concat' }, ['LSTM', rec({})]]],
    'LSTM-2layer': [['LSTM', rec({ returnSequences: true })], ['LSTM', rec({})]],
  };
  return chainDoc([...head, ...body[preset], tail]);
}

/** A graph of `n` nodes for the compile-time measurement: Input → Embedding → (n − 3) recurrent/Dense layers → Dense. */
export function largeGraph(n: number): GraphDoc {
  const steps: Step[] = [['Input', { inputType: 'tokens', vocabSize: 1000, length: 20 }], ['Embedding', { inputDim: 1000, outputDim: 16, maskZero: true }]];
  for (let i = 0; i < n - 3; i++) steps.push(i % 2 ? ['GRU', { units: 8, returnSequences: true }] : ['LSTM', { units: 8, returnSequences: true }]);
  steps.push(['Dense', { units: 4, activation: 'softmax' }]);
  return chainDoc(steps);
}
