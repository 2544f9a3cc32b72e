/**
 * Real Keras files that do not open as they are: a `.keras` that is HDF5 (and an `.h5` that is a zip), a `.keras` saved
 * on Windows by tf.keras 2.13–2.15 (backslashes in its weights' group names), a Sequential
 * model whose file does not say its input shape, and models with layers RNN Studio does not have. The files are those
 * of tests/fixtures/keras/make_keras_files.py (h5py, Keras's layouts), edited here with h5py as such files come; the
 * expected outputs are that script's float64 numpy forward pass. Checked through the CLI: exit code, one-line
 * refusals on stderr, the flags that open them (`--input-shape`, `--drop-unsupported`) and `predict` against numpy.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADD_LAMBDA, editH5, editKeras, NO_INPUT_SHAPE, WINDOWS_PATHS } from '../fixtures/keras/edit-files.ts';
import { cli, maxAbsDiff, PYTHON, ROOT, scratchDir, type Out } from './helpers.ts';

const DIR = scratchDir('keras-open');
let expected: Record<string, { input: unknown; output: Out; totalParams: number }>;

beforeAll(() => {
  execFileSync(PYTHON, [join(ROOT, 'tests/fixtures/keras/make_keras_files.py'), DIR]);
  expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8'));
});

async function predictMatches(model: string, file: string, flags: string[] = []) {
  const x = join(DIR, `${model}.x.json`);
  writeFileSync(x, JSON.stringify(expected[model].input));
  const r = await cli(['predict', file, '--input', x, '--json', ...flags]);
  expect(r.code, r.err).toBe(0);
  expect(maxAbsDiff(JSON.parse(r.out), expected[model].output)).toBeLessThan(1e-4);
  return r;
}

/** A refusal: exit 2 and exactly one line on stderr, no stack trace. */
async function refused(args: string[]): Promise<string> {
  const r = await cli(args);
  expect(r.code).toBe(2);
  expect(r.out).toBe('');
  expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  expect(r.err).not.toMatch(/ at .*\.ts:\d+/);
  return r.err;
}

describe('the file type comes from the first bytes, not the name', () => {
  it('a .keras file that is really HDF5 (a legacy save under the new name) opens with its weights', async () => {
    copyFileSync(join(DIR, 'seq_conv_lstm.h5'), join(DIR, 'really-h5.keras'));
    await predictMatches('seq_conv_lstm', join(DIR, 'really-h5.keras'));
  });

  it('an .h5 file that is really a .keras zip opens with its weights', async () => {
    copyFileSync(join(DIR, 'func_bigru_average.keras'), join(DIR, 'really-zip.h5'));
    await predictMatches('func_bigru_average', join(DIR, 'really-zip.h5'));
  });
});

describe('a .keras saved by tf.keras 2.13–2.15 on Windows (backslashes in its group names)', () => {
  it.each(['func_bigru_average', 'seq_embedding_lstm', 'seq_lstm_time_distributed'])('%s opens with its weights', async (model) => {
    const file = editKeras(DIR, `${model}.keras`, `${model}-windows.keras`, WINDOWS_PATHS);
    const groups = execFileSync(PYTHON, ['-c', `import zipfile, io, h5py, sys
print(sorted(h5py.File(io.BytesIO(zipfile.ZipFile(sys.argv[1]).read('model.weights.h5')), 'r').keys()))`, file], { encoding: 'utf8' });
    expect(groups).toMatch(/'layers\\\\\w+/);
    expect(groups).not.toMatch(/'layers'/);
    await predictMatches(model, file);
  });
});

describe('a Sequential file without its input shape', () => {
  it('is refused in one line that says how to give it; --input-shape T,F opens it with its weights', async () => {
    const file = editH5(DIR, 'seq_bidirectional_pool.h5', 'no-shape.h5', NO_INPUT_SHAPE);
    const err = await refused(['summary', file]);
    expect(err).toContain("does not say the model's input shape: its first layer, bidirectional (Bidirectional), has no batch_input_shape");
    expect(err).toContain('--input-shape T,F (time steps, features');
    await predictMatches('seq_bidirectional_pool', file, ['--input-shape', '6,2']);
    expect(await refused(['summary', file, '--input-shape', '6'])).toContain('must be two whole numbers, time steps and features; got 6');
    expect(await refused(['summary', file, '--input-shape', '6,x'])).toContain('--input-shape must be time steps and features');
  });

  it('starting with an Embedding, asks for the time steps alone and opens with --input-shape T', async () => {
    const file = editH5(DIR, 'seq_embedding_lstm.h5', 'no-shape-tokens.h5', "c['config']['layers'] = c['config']['layers'][1:]");
    expect(await refused(['check', file])).toContain('--input-shape T (the number of time steps');
    await predictMatches('seq_embedding_lstm', file, ['--input-shape', '6']);
  });

  it("a Keras 3 .keras file without an InputLayer takes the shape from the first layer's build_config", async () => {
    const file = editKeras(DIR, 'seq_norm_pool.keras', 'no-input-layer.keras', "c['config']['layers'] = c['config']['layers'][1:]\ndel c['config']['build_input_shape']");
    await predictMatches('seq_norm_pool', file);
  });
});

describe('layers RNN Studio does not have', () => {

  it('a Lambda is refused in one line naming it, its class and why; --drop-unsupported opens the rest with its weights', async () => {
    const file = editH5(DIR, 'seq_conv_lstm.h5', 'lambda.h5', ADD_LAMBDA);
    const err = await refused(['summary', file]);
    expect(err).toBe(`rnn-studio summary: Layer lambda is a Lambda, which RNN Studio cannot open: it runs Python code saved in the file, which RNN Studio does not run. Add --drop-unsupported to open the rest without lambda.\n`);
    const r = await predictMatches('seq_conv_lstm', file, ['--drop-unsupported']);
    expect(r.err).toContain('note: Removed lambda (Lambda): max_pooling1d now feeds lstm.');
  });

  it('a custom class in a .keras file (with weights of its own) is dropped and the other weights still load', async () => {
    const file = editKeras(DIR, 'seq_conv_lstm.keras', 'custom.keras', `c['config']['layers'].insert(2, {'module': 'my_pkg.layers', 'class_name': 'Scale', 'config': {'name': 'scale', 'trainable': True}, 'registered_name': 'my_pkg>Scale'})
g = w.create_group('layers/scale/vars')
g.attrs['name'] = 'scale'
g['0'] = np.full(4, 2.0, np.float32)`);
    expect(await refused(['summary', file])).toContain('Layer scale is a Scale, which RNN Studio cannot open: it is a custom class defined in the Python code that saved the model');
    await predictMatches('seq_conv_lstm', file, ['--drop-unsupported']);
  });

  const seq = (layers: unknown[]) => JSON.stringify({ class_name: 'Sequential', config: { name: 'm', layers } });
  const lstm = (extra: object) => ({ class_name: 'LSTM', config: { name: 'lstm', units: 4, activation: 'tanh', recurrent_activation: 'sigmoid', return_sequences: true, ...extra } });

  it('a Conv2D is refused as an image layer; removing it leaves a valid graph', async () => {
    const file = join(DIR, 'conv2d.json');
    writeFileSync(file, seq([lstm({ batch_input_shape: [null, 5, 3] }), { class_name: 'Conv2D', config: { name: 'conv2d', filters: 8, kernel_size: [3, 3] } }, { class_name: 'Dense', config: { name: 'dense', units: 2, activation: 'linear' } }]));
    expect(await refused(['summary', file])).toContain('Layer conv2d is a Conv2D, which RNN Studio cannot open: it is an image (2-D) or volume (3-D) layer');
    const r = await cli(['summary', file, '--drop-unsupported', '--json']);
    expect(r.code, r.err).toBe(0);
    // LSTM(4) on 3 features: 4·4·(3 + 4 + 1) = 128; Dense(2) on 4: 10.
    expect(JSON.parse(r.out).totalParams).toBe(128 + 10);
  });

  it('is not offered when the rest would not be valid, and the flag then says why', async () => {
    const file = join(DIR, 'lambda-embedding.json');
    writeFileSync(file, seq([{ class_name: 'Lambda', config: { name: 'to_ids', batch_input_shape: [null, 5, 3] } }, { class_name: 'Embedding', config: { name: 'embedding', input_dim: 10, output_dim: 4 } }]));
    const err = await refused(['summary', file]);
    expect(err).toContain('Layer to_ids is a Lambda');
    expect(err).not.toContain('--drop-unsupported');
    expect(await refused(['summary', file, '--drop-unsupported'])).toContain('Without to_ids the rest is not a valid model');
  });

  it('a layer used twice (shared) is refused in one line naming it and its class', async () => {
    const file = join(DIR, 'shared.json');
    const node = (from: string) => [[from, 0, 0, {}]];
    writeFileSync(file, JSON.stringify({ class_name: 'Functional', config: { name: 'm', layers: [
      { class_name: 'InputLayer', name: 'a', config: { name: 'a', batch_input_shape: [null, 5, 3] }, inbound_nodes: [] },
      { class_name: 'InputLayer', name: 'b', config: { name: 'b', batch_input_shape: [null, 5, 3] }, inbound_nodes: [] },
      { class_name: 'LSTM', name: 'enc', config: { name: 'enc', units: 4, activation: 'tanh', recurrent_activation: 'sigmoid' }, inbound_nodes: [node('a'), node('b')] },
    ], input_layers: [['a', 0, 0], ['b', 0, 0]], output_layers: [['enc', 1, 0]] } }));
    expect(await refused(['summary', file])).toContain('Layer enc (LSTM) is used 2 times (a shared layer');
  });
});
