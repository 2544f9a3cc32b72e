/**
 * Keras 1 `.h5` weight layouts load as Keras 2 converts them (`preprocess_weights_for_loading`, keras/engine/saving.py
 * 2.2.4; src/codegen/keras-weights-convert.ts): the LSTM's 12 and the GRU's 9 per-gate arrays, Convolution1D's 4-D
 * kernels in both Keras 1 formats, a Bidirectional LSTM's per-gate arrays on each side, and Embedding, SimpleRNN,
 * BatchNormalization and Dense as saved; and CuDNNLSTM / CuDNNGRU arrays (`_convert_rnn_weights`: per-gate Fortran-order
 * input kernels, transposed recurrent kernels, two LSTM biases that add up, the GRU's flat (6u) bias); and a file whose
 * configs name CuDNNLSTM (alone and in a Bidirectional) and CuDNNGRU, which opens with both bias halves kept (the
 * two-bias LSTM) and Keras's totals: all values saved. The files are written by tests/fixtures/keras/make_keras1_files.py with
 * h5py (Keras 1's layouts, split with numpy from Keras 2 arrays); `rnn-studio predict` must give its float64 numpy
 * forward pass of Keras's equations within 1e-5, and `summary` the parameter totals of the saved arrays.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { weightsDirFor } from '../../src/cli/io.ts';
import { parseDocument } from '../../src/graph/index.ts';
import { cli, maxAbsDiff, PYTHON, ROOT, scratchDir, type Out } from './helpers.ts';

const DIR = scratchDir('keras1-weights');
let expected: Record<string, { input: unknown; output: Out; totalParams: number }>;

beforeAll(() => {
  execFileSync(PYTHON, [join(ROOT, 'tests/fixtures/keras/make_keras1_files.py'), DIR]);
  expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8'));
});

describe.each(['k1_conv_lstm_gru', 'k1_embedding_simple_bn', 'k1_legacy_conv_bilstm', 'cudnn_lstm_gru', 'cudnn_classes'])('%s.h5', (model) => {
  it('opens with its weights converted: summary gives the saved totals, predict the float64 reference within 1e-5', async () => {
    const file = join(DIR, `${model}.h5`);
    const s = await cli(['summary', file, '--json']);
    expect(s.code, s.err).toBe(0);
    expect(JSON.parse(s.out).totalParams).toBe(expected[model].totalParams);
    const x = join(DIR, `${model}.x.json`);
    writeFileSync(x, JSON.stringify(expected[model].input));
    const r = await cli(['predict', file, '--input', x, '--json']);
    expect(r.code, r.err).toBe(0);
    const y: Out = JSON.parse(r.out);
    expect(maxAbsDiff(y, expected[model].output)).toBeLessThan(1e-5);
    // Not degenerate: the rows differ.
    const w = y.shape[1];
    expect(Math.max(...y.data.slice(0, w).map((v, i) => Math.abs(v - y.data[w + i])))).toBeGreaterThan(1e-3);
  });
});

describe('cudnn_classes.h5 imported to a graph file', () => {
  it('keeps the two-bias LSTMs and their weights: graph.json + graph.weights/ predict what the .h5 predicts', async () => {
    const graph = join(DIR, 'cudnn_classes.graph.json');
    const r = await cli(['import', join(DIR, 'cudnn_classes.h5'), '--out', graph]);
    expect(r.code, r.err).toBe(0);
    const doc = parseDocument(readFileSync(graph, 'utf8'));
    if (!doc.ok) throw new Error(doc.error);
    expect(doc.doc.nodes.filter((n) => n.data.kind === 'LSTM').map((n) => n.data.params.twoBiases)).toEqual([true, true]);
    const x = join(DIR, 'cudnn_classes.x.json');
    writeFileSync(x, JSON.stringify(expected.cudnn_classes.input));
    const p = await cli(['predict', graph, '--weights', weightsDirFor(graph), '--input', x, '--json']);
    expect(p.code, p.err).toBe(0);
    expect(maxAbsDiff(JSON.parse(p.out), expected.cudnn_classes.output)).toBeLessThan(1e-5);
  });
});
