/**
 * Writes presets/*.json from compact descriptions (run: npx tsx scripts/make-presets.ts). The JSON files are
 * what ships and what the tests read; this script only saves typing positions by hand.
 */
import { writeFileSync } from 'node:fs';
import { chainDoc, serializeDocument, type ChainStep, type GraphDoc } from '../src/graph/index.ts';

type Step = ChainStep;

function chain(name: string, description: string, steps: Step[], training: GraphDoc['training']): GraphDoc {
  return { ...chainDoc(steps), viewport: { x: 0, y: 0, zoom: 1 }, training, meta: { name, description } };
}

const tokens = (vocabSize: number): Step => ['Input', { inputType: 'tokens', vocabSize, length: 0 }];
const features = (features: number): Step => ['Input', { inputType: 'features', features, length: 0 }];
const emb = (inputDim: number, outputDim: number, maskZero: boolean): Step => ['Embedding', { inputDim, outputDim, maskZero }];
const softmax4: Step = ['Dense', { units: 4, activation: 'softmax' }];
const text = { seed: 42, task: 'spam-subjects', optimizer: 'adam' as const, learningRate: 0.001, batchSize: 16, epochs: 1 };
// Adam at 0.01 learns T = 100 within ~1,000 steps here; the paper's RMSProp 1e-3 sat on the baseline for 3,000 (docs/training.md).
const adding = { seed: 42, task: 'adding', seqLen: 100, optimizer: 'adam' as const, learningRate: 0.01, batchSize: 50, epochs: 1, clipNorm: 1 };

/**
 * Keras's `lstm_seq2seq` shape on token ids: Input → Embedding → LSTM(return state) is the encoder; its final h and c
 * start the decoder Input → Embedding → LSTM(initial state, returnSequences) → Dense(softmax) at every step.
 */
/** A node of an encoder–decoder preset, laid out on a grid (x columns of 320 px, y rows of 130 px). */
const n = (id: string, x: number, y: number, kind: GraphDoc['nodes'][number]['data']['kind'], params: GraphDoc['nodes'][number]['data']['params']) => ({ id, position: { x: x * 320, y: y * 130 }, data: { kind, params } });

function seq2seq(name: string, description: string, o: { source: number; target: number; embed: number; units: number; attention?: 'Attention' | 'AdditiveAttention' }, training: GraphDoc['training']): GraphDoc {
  // With attention: the encoder also returns every step; attention(query = decoder outputs, value = encoder outputs) → Concatenate(context, decoder output) → Dense.
  const att = o.attention;
  return {
    nodes: [
      n('source', 0, 0, 'Input', { inputType: 'tokens', vocabSize: o.source, length: 0 }),
      n('source_embedding', 0, 1, 'Embedding', { inputDim: o.source, outputDim: o.embed, maskZero: true }),
      n('encoder', 0, 2, 'LSTM', { units: o.units, returnState: true, ...(att ? { returnSequences: true } : {}) }),
      n('decoder_input', 1, 0, 'Input', { inputType: 'tokens', vocabSize: o.target, length: 0 }),
      n('target_embedding', 1, 1, 'Embedding', { inputDim: o.target, outputDim: o.embed, maskZero: true }),
      n('decoder', 1, 3, 'LSTM', { units: o.units, stateInputs: true, returnSequences: true }),
      ...(att ? [n('attention', 0.5, 4, att, att === 'AdditiveAttention' ? { useScale: true } : {}), n('context_and_decoder', 1, 5, 'Concatenate', {})] : []),
      n('next_token', 1, att ? 6 : 4, 'Dense', { units: o.target, activation: 'softmax' }),
    ],
    edges: [
      { id: 'e1', source: 'source', target: 'source_embedding' },
      { id: 'e2', source: 'source_embedding', target: 'encoder' },
      { id: 'e3', source: 'decoder_input', target: 'target_embedding' },
      { id: 'e4', source: 'target_embedding', target: 'decoder' },
      { id: 'e5', source: 'encoder', target: 'decoder', sourceHandle: 'h', targetHandle: 'initial_h' },
      { id: 'e6', source: 'encoder', target: 'decoder', sourceHandle: 'c', targetHandle: 'initial_c' },
      ...(att
        ? [{ id: 'e7', source: 'decoder', target: 'attention' }, { id: 'e8', source: 'encoder', target: 'attention', targetHandle: 'value' },
          { id: 'e9', source: 'attention', target: 'context_and_decoder' }, { id: 'e10', source: 'decoder', target: 'context_and_decoder' },
          { id: 'e11', source: 'context_and_decoder', target: 'next_token' }]
        : [{ id: 'e7', source: 'decoder', target: 'next_token' }]),
    ],
    viewport: { x: 0, y: 0, zoom: 1 }, training, meta: { name, description },
  };
}

/**
 * Spelling to sound with Bahdanau attention: letters → Embedding → BiLSTM (every step) → LSTM (every step, and its
 * final h and c start the decoder); phonemes so far → Embedding → decoder LSTM; AdditiveAttention(query = decoder
 * outputs, value = encoder outputs) → Concatenate(context, decoder output) → Dense(softmax). A Bidirectional has no
 * state ports, so the LSTM on top of it is the bridge that hands the decoder its initial states.
 */
function g2pAttention(o: { source: number; target: number; embed: number; units: number }, training: GraphDoc['training']): GraphDoc {
  return {
    nodes: [
      n('letters', 0, 0, 'Input', { inputType: 'tokens', vocabSize: o.source, length: 0 }),
      n('letter_embedding', 0, 1, 'Embedding', { inputDim: o.source, outputDim: o.embed, maskZero: true }),
      n('bi_encoder', 0, 2, 'Bidirectional', { mergeMode: 'concat' }),
      { ...n('bi_encoder_lstm', 0.06, 0.3, 'LSTM', { units: o.units / 2, returnSequences: true }), parentId: 'bi_encoder' },
      n('encoder', 0, 3, 'LSTM', { units: o.units, returnSequences: true, returnState: true }),
      n('decoder_input', 1, 0, 'Input', { inputType: 'tokens', vocabSize: o.target, length: 0 }),
      n('phoneme_embedding', 1, 1, 'Embedding', { inputDim: o.target, outputDim: o.embed, maskZero: true }),
      n('decoder', 1, 4, 'LSTM', { units: o.units, stateInputs: true, returnSequences: true }),
      n('attention', 0.5, 5, 'AdditiveAttention', { useScale: true }),
      n('context_and_decoder', 1, 6, 'Concatenate', {}),
      n('next_phoneme', 1, 7, 'Dense', { units: o.target, activation: 'softmax' }),
    ],
    edges: [
      { id: 'e1', source: 'letters', target: 'letter_embedding' },
      { id: 'e2', source: 'letter_embedding', target: 'bi_encoder' },
      { id: 'e3', source: 'bi_encoder', target: 'encoder' },
      { id: 'e4', source: 'decoder_input', target: 'phoneme_embedding' },
      { id: 'e5', source: 'phoneme_embedding', target: 'decoder' },
      { id: 'e6', source: 'encoder', target: 'decoder', sourceHandle: 'h', targetHandle: 'initial_h' },
      { id: 'e7', source: 'encoder', target: 'decoder', sourceHandle: 'c', targetHandle: 'initial_c' },
      { id: 'e8', source: 'decoder', target: 'attention' },
      { id: 'e9', source: 'encoder', target: 'attention', targetHandle: 'value' },
      { id: 'e10', source: 'attention', target: 'context_and_decoder' },
      { id: 'e11', source: 'decoder', target: 'context_and_decoder' },
      { id: 'e12', source: 'context_and_decoder', target: 'next_phoneme' },
    ],
    viewport: { x: 0, y: 0, zoom: 1 }, training,
    meta: { name: 'Spelling to sound with attention', description: 'Words → ARPAbet phonemes (CMUdict, stress kept): a BiLSTM encoder, an LSTM decoder started from the encoder\'s states, and Bahdanau (additive) attention over the encoder\'s steps, trained with teacher forcing and decoded one phoneme at a time.' },
  };
}

const presets: Record<string, GraphDoc> = {
  'lesson-rnn-titles': chain('Lesson: SimpleRNN on titles', "The lesson's first Keras model: Embedding(20000, 64) → SimpleRNN(16) → Dense(4, softmax); Keras prints 1,281,364 params.",
    [tokens(20000), emb(20000, 64, false), ['SimpleRNN', { units: 16 }], softmax4], text),
  'lesson-rnn-masked': chain('Lesson: SimpleRNN with masking', 'The same SimpleRNN classifier with maskZero on, so padding is skipped.',
    [tokens(20000), emb(20000, 64, true), ['SimpleRNN', { units: 16 }], softmax4], text),
  'lesson-lstm': chain('Lesson: LSTM classifier', "The lesson's LSTM: Embedding(20000, 64, masked) → LSTM(8) → Dense(4, softmax).",
    [tokens(20000), emb(20000, 64, true), ['LSTM', { units: 8 }], softmax4], text),
  // The guided lesson's classifier: the lesson's LSTM with one output per class of its two-class task, so no output goes unused.
  'lesson-lstm-spam': chain('Lesson: LSTM spam classifier', 'The lesson\'s LSTM with a head for its two classes: Embedding(20000, 64, masked) → LSTM(8) → Dense(2, softmax), trained on mail subjects (spam or ham).',
    [tokens(20000), emb(20000, 64, true), ['LSTM', { units: 8 }], ['Dense', { units: 2, activation: 'softmax' }]], text),
  'lesson-gru': chain('Lesson: GRU classifier', 'Embedding(20000, 64, masked) → GRU(32, reset gate before the recurrent matmul, as TF.js computes it) → Dense(4, softmax).',
    [tokens(20000), emb(20000, 64, true), ['GRU', { units: 32, resetAfter: false }], softmax4], text),
  'lesson-bilstm-2layer': chain('Lesson: two-layer bidirectional LSTM', 'Embedding(20000, 128, masked) → Bidirectional(LSTM(64), returnSequences) → Bidirectional(LSTM(64)) → Dense(4, softmax).',
    [tokens(20000), emb(20000, 128, true), ['Bidirectional', { mergeMode: 'concat' }, ['LSTM', { units: 64, returnSequences: true }]],
      ['Bidirectional', { mergeMode: 'concat' }, ['LSTM', { units: 64 }]], softmax4], text),
  'lesson-rnn-mean': chain("Lesson: PyTorch notebook's RNN with mean pooling", 'Embedding(95812, 64) → SimpleRNN(32, returnSequences) → mean over time → Dense(4, softmax).',
    [tokens(95812), emb(95812, 64, false), ['SimpleRNN', { units: 32, returnSequences: true }], ['GlobalAveragePooling1D', {}], softmax4], text),
  'adding-simplernn': chain('Adding problem: SimpleRNN', 'Sum the two marked values of a long sequence (baseline MSE 0.167). The tanh RNN fails at T=100.',
    [features(2), ['SimpleRNN', { units: 64, activation: 'tanh' }], ['Dense', { units: 1, activation: 'linear' }]], adding),
  'adding-lstm': chain('Adding problem: LSTM', 'The adding problem with an LSTM(64): its cell state carries the marked values across the sequence.',
    [features(2), ['LSTM', { units: 64, activation: 'tanh' }], ['Dense', { units: 1, activation: 'linear' }]], adding),
  // Reset-before, the form docs/vanishing-gradients.md measured.
  'adding-gru': chain('Adding problem: GRU', 'The adding problem with a GRU(64), reset gate before the recurrent matmul (as TF.js computes it).',
    [features(2), ['GRU', { units: 64, activation: 'tanh', resetAfter: false }], ['Dense', { units: 1, activation: 'linear' }]], adding),
  // Opens the Inside tab (src/ui/inside/InsideTab.tsx matches the name's prefix "The race").
  'race-adding': chain('The race: SimpleRNN vs LSTM vs GRU on the adding problem',
    'Run the race in the Inside tab: SimpleRNN, LSTM and GRU versions of this graph train one after the other on the same adding-problem data and seed, with the race\'s own settings (the same as the command-line race). Drag T or units to re-run it.',
    // The race's own settings (T, steps, optimizer…) live in RACE_DEFAULTS only; the graph keeps its task.
    [features(2), ['LSTM', { units: 16, activation: 'tanh' }], ['Dense', { units: 1, activation: 'linear' }]], { seed: 42, task: 'adding' }),
  'copy-lstm': chain('Copy memory: LSTM', 'Remember 10 symbols across T blanks and replay them (baseline 10·ln8/(T+20)); per-timestep softmax.',
    [features(10), ['LSTM', { units: 40, returnSequences: true }], ['Dense', { units: 10, activation: 'softmax' }]],
    { seed: 42, task: 'copy', seqLen: 100, optimizer: 'rmsprop', learningRate: 0.001, batchSize: 50, epochs: 1, clipNorm: 1 }),
  // Temporal order (Hochreiter & Schmidhuber 1997, 2a): one-hot symbols, the class decided by two early markers.
  'order-lstm': chain('Temporal order: LSTM', 'Which of X/Y came first and second among distractors (4 classes, baseline ln 4): an LSTM(32) must hold two early markers to the end.',
    [features(8), ['LSTM', { units: 32 }], softmax4], { ...adding, task: 'temporal-order', seqLen: 50 }),
  // The CNN+LSTM hybrid of many public Keras text classifiers; same padding, so a subject of any length fits.
  'conv-bilstm-spam': chain('Conv1D + BiLSTM on spam', 'Embedding(20000, 64) → Conv1D(64, 5, relu) → MaxPooling1D(2) → Bidirectional(LSTM(32)) → Dense(2, softmax): local n-gram filters, then a recurrent reader.',
    [tokens(20000), emb(20000, 64, false), ['Conv1D', { filters: 64, kernelSize: 5, padding: 'same' }], ['MaxPooling1D', { poolSize: 2, padding: 'same' }],
      ['Bidirectional', { mergeMode: 'concat' }, ['LSTM', { units: 32 }]], ['Dense', { units: 2, activation: 'softmax' }]], text),
  'char-lstm': chain('Character LSTM', "The lesson's generative model: one-hot characters (84) → LSTM(128, returnSequences) → Dense(84, softmax) at every step; Keras prints 119,892 params.",
    [features(84), ['LSTM', { units: 128, returnSequences: true }], ['Dense', { units: 84, activation: 'softmax' }]],
    { seed: 42, task: 'chars', optimizer: 'adam', learningRate: 0.001, batchSize: 8, epochs: 1 }),
  // A label per step that needs memory: the copy task's output at step t is the symbol seen 10 + T steps earlier.
  'lstm-tagger': chain('Stacked LSTM tagger: copy memory', 'A label for every time step: LSTM(64, returnSequences) → LSTM(64, returnSequences) → TimeDistributed(Dense(10, softmax)) replays 10 symbols after T blanks (baseline 10·ln8/(T+20)).',
    [features(10), ['LSTM', { units: 64, returnSequences: true }], ['LSTM', { units: 64, returnSequences: true }], ['TimeDistributed', {}, ['Dense', { units: 10, activation: 'softmax' }]]],
    // T = 5: leaves the baseline within ~700 steps at Adam 0.01 (rnn-studio train presets/lstm-tagger.json --stop-when-left).
    { seed: 42, task: 'copy', seqLen: 5, optimizer: 'adam', learningRate: 0.01, batchSize: 50, epochs: 1, clipNorm: 1 }),
  // The CNN+LSTM forecaster of many public Keras models; causal padding, so no filter reads a step after its own.
  'conv-lstm-forecast': chain('Conv1D + LSTM forecaster', 'A noisy sum of two sines, 4 steps ahead: Conv1D(32, 5, causal, relu) → MaxPooling1D(2) → LSTM(64) → Dense(1, linear); the baseline repeats the last value.',
    [features(1), ['Conv1D', { filters: 32, kernelSize: 5, padding: 'causal', activation: 'relu' }], ['MaxPooling1D', { poolSize: 2 }],
      ['LSTM', { units: 64 }], ['Dense', { units: 1, activation: 'linear' }]],
    { seed: 42, task: 'sine-forecast', seqLen: 48, optimizer: 'adam', learningRate: 0.003, batchSize: 32, epochs: 1, clipNorm: 1 }),
  // Source: <pad> <unk> 0–9 + space (14 ids); target: <pad> <start> <end> 0–9 space (14 ids).
  'seq2seq-addition': seq2seq('Encoder–decoder: addition as text',
    "Keras's lstm_seq2seq shape on addition_rnn's data (\"535+61\" → \"596\"): the encoder LSTM's final h and c start the decoder LSTM, trained with teacher forcing and decoded one step at a time.",
    { source: 14, target: 14, embed: 16, units: 128 },
    { seed: 42, task: 'addition-text', seqLen: 3, optimizer: 'adam', learningRate: 0.005, batchSize: 64, epochs: 1, clipNorm: 1 }),
  // Keras's addition_rnn with an Embedding for its one-hot input: one Input, the answer's 4 characters at once.
  'addition-rnn': chain('addition_rnn: LSTM → RepeatVector → LSTM', "Keras's addition_rnn on its own data (\"535+61\" → \"596 \"): LSTM(128) reads the question, RepeatVector(4) hands its last state to every answer position, LSTM(128, returnSequences) → TimeDistributed(Dense(14, softmax)) writes the 4 characters at once.",
    [tokens(14), emb(14, 16, false), ['LSTM', { units: 128 }], ['RepeatVector', { n: 4 }], ['LSTM', { units: 128, returnSequences: true }],
      ['TimeDistributed', {}, ['Dense', { units: 14, activation: 'softmax' }]]],
    { seed: 42, task: 'addition-text', seqLen: 3, optimizer: 'adam', learningRate: 0.005, batchSize: 64, epochs: 1, clipNorm: 1 }),
  'g2p-attention': g2pAttention({ source: 28, target: 72, embed: 32, units: 128 },
    { seed: 42, task: 'cmudict', optimizer: 'adam', learningRate: 0.003, batchSize: 64, epochs: 1, clipNorm: 1 }),
  // The guided lesson's step 8 trains this graph with and without its attention (src/runtime/probes/attention-pair.ts).
  // Source: <pad> <unk> a–j (12 ids); target: <pad> <start> <end> a–j (13 ids).
  'reversal-attention': seq2seq('Encoder–decoder with attention: reversal',
    'Reverse a sequence of letters: an LSTM encoder, an LSTM decoder started from its final states, and dot-product (Luong) attention of every decoder step over every encoder step, so the first input symbol (the last one out) has a short path to the loss.',
    { source: 12, target: 13, embed: 16, units: 32, attention: 'Attention' },
    { seed: 1, task: 'reversal', seqLen: 20, optimizer: 'adam', learningRate: 0.01, batchSize: 32, epochs: 1, clipNorm: 1 }),
};

for (const [file, doc] of Object.entries(presets)) writeFileSync(new URL(`../presets/${file}.json`, import.meta.url), serializeDocument(doc));
console.log(`wrote ${Object.keys(presets).length} presets`);
