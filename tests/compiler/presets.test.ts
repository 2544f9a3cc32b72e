/**
 * Every preset compiles cleanly, and its parameter count equals three references that do not come from our
 * compiler: what stock tfjs-layers reports for the built model, the totals the lesson's Keras notebooks printed,
 * and hand-computed formulas (reference/rnn-math.md §6) for the presets the lesson has no number for.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { compile, summarize } from '../../src/compiler/index.ts';
import { loadPresets, REFERENCE_TOTALS } from '../fixtures/graphs.ts';
import { initCpu, ourView, tfView, withoutOrthogonal } from '../fixtures/tf-check.ts';

beforeAll(async () => {
  await initCpu();
});

/** The architecture the issue asks for, as `kind(output shape)` per layer in order. */
const ARCHITECTURE: Record<string, string> = {
  'lesson-rnn-titles.json': 'Input(None,None) Embedding(None,None,64) SimpleRNN(None,16) Dense(None,4)',
  'lesson-rnn-masked.json': 'Input(None,None) Embedding(None,None,64) SimpleRNN(None,16) Dense(None,4)',
  'lesson-lstm.json': 'Input(None,None) Embedding(None,None,64) LSTM(None,8) Dense(None,4)',
  'lesson-gru.json': 'Input(None,None) Embedding(None,None,64) GRU(None,32) Dense(None,4)',
  'lesson-bilstm-2layer.json': 'Input(None,None) Embedding(None,None,128) Bidirectional(None,None,128) Bidirectional(None,128) Dense(None,4)',
  'lesson-rnn-mean.json': 'Input(None,None) Embedding(None,None,64) SimpleRNN(None,None,32) GlobalAveragePooling1D(None,32) Dense(None,4)',
  'adding-simplernn.json': 'Input(None,None,2) SimpleRNN(None,64) Dense(None,1)',
  'adding-lstm.json': 'Input(None,None,2) LSTM(None,64) Dense(None,1)',
  'adding-gru.json': 'Input(None,None,2) GRU(None,64) Dense(None,1)',
  'copy-lstm.json': 'Input(None,None,10) LSTM(None,None,40) Dense(None,None,10)',
  'char-lstm.json': 'Input(None,None,84) LSTM(None,None,128) Dense(None,None,84)',
  'conv-bilstm-spam.json': 'Input(None,None) Embedding(None,None,64) Conv1D(None,None,64) MaxPooling1D(None,None,64) Bidirectional(None,64) Dense(None,2)',
  'conv-lstm-forecast.json': 'Input(None,None,1) Conv1D(None,None,32) MaxPooling1D(None,None,32) LSTM(None,64) Dense(None,1)',
  'addition-rnn.json': 'Input(None,None) Embedding(None,None,16) LSTM(None,128) RepeatVector(None,4,128) LSTM(None,4,128) TimeDistributed(None,4,14)',
  'lstm-tagger.json': 'Input(None,None,10) LSTM(None,None,64) LSTM(None,None,64) TimeDistributed(None,None,10)',
};

const MASKED = new Set(['lesson-rnn-masked.json', 'lesson-lstm.json', 'lesson-lstm-spam.json', 'lesson-gru.json', 'lesson-bilstm-2layer.json', 'seq2seq-addition.json', 'g2p-attention.json', 'reversal-attention.json']);

const presets = loadPresets();

it('ships every preset the issue names', () => {
  expect(presets.map((p) => p.file)).toEqual(expect.arrayContaining(Object.keys(ARCHITECTURE)));
});

describe.each(presets)('$file', ({ file, doc }) => {
  const r = compile(doc);

  it('compiles with no diagnostics into the named architecture', () => {
    expect(r.diagnostics).toEqual([]);
    if (!ARCHITECTURE[file]) return;
    const arch = summarize(r.ir!).layers.map((l) => `${l.kind}(${l.outputShape.map((d) => d ?? 'None').join(',')})`).join(' ');
    expect(arch).toBe(ARCHITECTURE[file]);
  });

  // A new preset needs its hand-computed total in tests/fixtures/graphs.ts (HAND_TOTALS).
  it('has the total the independent reference gives', () => {
    expect(r.ir!.totalParams).toBe(REFERENCE_TOTALS[file]);
  });

  it('matches stock tfjs countParams() and output shapes, layer by layer', () => {
    expect(tfView(withoutOrthogonal(r.ir!))).toEqual(ourView(r.ir!));
  });

  it('sets the numerics the issue asks for explicitly (sigmoid gates, forget bias, masking)', () => {
    for (const l of r.ir!.layers) {
      const cell = l.inner ?? l;
      if (cell.kind === 'LSTM' || cell.kind === 'GRU') expect(cell.params.recurrentActivation).toBe('sigmoid');
      if (cell.kind === 'LSTM') expect(cell.params.unitForgetBias).toBe(true);
      if (l.kind === 'Embedding') expect(l.params.maskZero).toBe(MASKED.has(file));
    }
  });
});
