/**
 * Trained Keras files open with their weights. The files are written by tests/fixtures/keras/make_keras_files.py
 * with h5py and zipfile in the layout Keras writes (no Keras can be installed here), Keras 3 `.keras` and Keras 2
 * `.h5`, Sequential and functional; their expected outputs come from its own float64 numpy forward pass of Keras's
 * equations. Checked through the CLI: `summary` gives Keras's parameter counts (the sizes of the saved arrays),
 * `predict` on the file and on the graph `import` wrote reproduce the reference within 1e-4, and bad files are
 * refused with a message that names the problem.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, maxAbsDiff, PYTHON, ROOT, scratchDir, type Out } from './helpers.ts';

const DIR = scratchDir('keras-files');
interface Expected {
  input: { dtype: string; shape: number[]; data: number[] };
  output: Out;
  params: Record<string, number>;
  totalParams: number;
}
let expected: Record<string, Expected>;

beforeAll(() => {
  execFileSync(PYTHON, [join(ROOT, 'tests/fixtures/keras/make_keras_files.py'), DIR]);
  expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8'));
});

const MODELS = ['seq_embedding_lstm', 'seq_bidirectional_pool', 'func_bigru_average', 'func_masked_merges', 'seq_gru_reset_after', 'seq_norm_pool', 'seq_conv_lstm', 'seq_lstm_time_distributed', 'seq_lstm_time_distributed_nested'];
const CASES = MODELS.flatMap((m) => ['keras', 'h5'].map((ext): [string, string] => [m, ext]));

describe.each(CASES)('%s.%s', (model, ext) => {
  const file = () => join(DIR, `${model}.${ext}`);

  it("summary gives Keras's parameter counts", async () => {
    const r = await cli(['summary', file(), '--json']);
    expect(r.code, r.err).toBe(0);
    const s = JSON.parse(r.out) as { layers: { name: string; params: number }[]; totalParams: number };
    const e = expected[model];
    expect(s.totalParams).toBe(e.totalParams);
    for (const [name, params] of Object.entries(e.params)) expect(s.layers.find((l) => l.name === name)?.params, name).toBe(params);
  });

  it('predict on the file, and on the graph import wrote, match the float64 reference within 1e-4', async () => {
    const e = expected[model];
    const x = join(DIR, `${model}.x.json`);
    writeFileSync(x, JSON.stringify(e.input));
    const direct = await cli(['predict', file(), '--input', x, '--json']);
    expect(direct.code, direct.err).toBe(0);
    const y: Out = JSON.parse(direct.out);
    expect(y.shape).toEqual(e.output.shape);
    expect(maxAbsDiff(y, e.output)).toBeLessThan(1e-4);
    // The reference is not degenerate: the rows differ.
    const w = e.output.shape[1];
    expect(Math.max(...e.output.data.slice(0, w).map((v, i) => Math.abs(v - e.output.data[w + i])))).toBeGreaterThan(1e-3);

    const graph = join(DIR, `${model}-${ext}.json`);
    const imp = await cli(['import', file(), '--out', graph]);
    expect(imp.code, imp.err).toBe(0);
    expect(imp.out).toMatch(new RegExp(`${e.totalParams.toLocaleString('en-US')} params \\(weights in `));
    expect(existsSync(join(DIR, `${model}-${ext}.weights`, 'model.json'))).toBe(true);
    const again = await cli(['predict', graph, '--input', x, '--json']);
    expect(again.code, again.err).toBe(0);
    expect(maxAbsDiff(JSON.parse(again.out), e.output)).toBeLessThan(1e-4);
  });
});

describe('probe reads the weights of a Keras file', () => {
  it.each(['keras', 'h5'])("probes Keras's default GRU (reset_after=True) from a .%s file on the adding task", async (ext) => {
    const r = await cli(['probe', join(DIR, `seq_gru_reset_after.${ext}`), '--task', 'adding', '--seq-len', '12', '--json']);
    expect(r.code, r.err).toBe(0);
    const p = JSON.parse(r.out) as { seqLen: number; layers: { kind: string; gradNorm: number[]; gateMeans: Record<string, number[]> }[] };
    expect(p.seqLen).toBe(12);
    expect(p.layers.map((l) => l.kind)).toEqual(['GRU']);
    expect(p.layers[0].gradNorm).toHaveLength(12);
    expect(Object.keys(p.layers[0].gateMeans).sort()).toEqual(['h', 'hTilde', 'r', 'z']);
  });
});

describe('race reads the architecture of a Keras file', () => {
  it('races SimpleRNN, LSTM and GRU versions of a .h5 model', async () => {
    const r = await cli(['race', join(DIR, 'seq_gru_reset_after.h5'), '--task', 'adding', '--steps', '2', '--seq-len', '5', '--units', '3', '--json']);
    expect(r.code, r.err).toBe(0);
    expect((JSON.parse(r.out) as { models: { kind: string }[] }).models.map((m) => m.kind)).toEqual(['SimpleRNN', 'LSTM', 'GRU']);
  });
});

/** Runs Python with h5py on a copy of a fixture, to make one broken file. */
function broken(src: string, name: string, code: string): string {
  const path = join(DIR, name);
  copyFileSync(join(DIR, src), path);
  execFileSync(PYTHON, ['-c', `import h5py, io, json, zipfile, numpy as np\npath = ${JSON.stringify(path)}\n${code}`]);
  return path;
}

describe('refusals name the problem, never a stack trace', () => {
  const refused = async (path: string, pattern: RegExp) => {
    const r = await cli(['summary', path]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(pattern);
    expect(r.err).not.toMatch(/\n\s+at /);
  };

  it('a file that is neither HDF5 nor a zip', async () => {
    const path = join(DIR, 'notes.keras');
    writeFileSync(path, 'just some text\n');
    await refused(path, /notes.keras: this is not a JSON file \(graph or model JSON\), a Keras model YAML, nor a Keras .keras zip or .h5 HDF5 file/);
    const bin = join(DIR, 'random.h5');
    writeFileSync(bin, new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    await refused(bin, /random.h5: this is not a JSON file \(graph or model JSON\), a Keras model YAML, nor a Keras .keras zip or .h5 HDF5 file/);
  });

  it('a weights-only HDF5 file', async () => {
    const path = broken('seq_embedding_lstm.h5', 'weights-only.h5', 'f = h5py.File(path, "a"); del f.attrs["model_config"]');
    await refused(path, /without a model_config attribute: a weights-only file/);
  });

  it('an unsupported layer, by name and class', async () => {
    const path = broken('seq_embedding_lstm.h5', 'conv.h5', `f = h5py.File(path, "a")
c = json.loads(f.attrs["model_config"])
c["config"]["layers"][2]["class_name"] = "Conv2D"
f.attrs["model_config"] = json.dumps(c).encode()`);
    await refused(path, /Layer lstm is a Conv2D, which RNN Studio cannot open: it is an image \(2-D\) or volume \(3-D\) layer/);
  });

  it('a missing weight and a left-over one', async () => {
    const missing = broken('seq_embedding_lstm.keras', 'missing.keras', `z = zipfile.ZipFile(path)
files = {n: z.read(n) for n in z.namelist()}
b = io.BytesIO(files["model.weights.h5"])
with h5py.File(b, "a") as f:
    del f["layers/lstm/cell/vars/2"]
files["model.weights.h5"] = b.getvalue()
with zipfile.ZipFile(path, "w") as out:
    [out.writestr(n, d) for n, d in files.items()]`);
    await refused(missing, /layer "lstm" \(LSTM\) needs 3 weight arrays \(kernel, recurrent_kernel, bias\) but the file holds 2/);
    const extra = broken('seq_embedding_lstm.h5', 'extra.h5', `f = h5py.File(path, "a")
g = f["model_weights/dense"]
g.attrs["weight_names"] = list(g.attrs["weight_names"]) + [b"dense/lora_a:0"]
g.create_dataset("dense/lora_a:0", data=np.zeros((5, 2), "f4"))`);
    await refused(extra, /layer "dense" \(Dense\) needs 2 weight arrays \(kernel, bias\) but the file holds 3/);
  });

  it('weights of another dtype', async () => {
    const path = broken('seq_embedding_lstm.h5', 'f64.h5', `f = h5py.File(path, "a")
d = f["model_weights/dense/dense/bias:0"][()]
del f["model_weights/dense/dense/bias:0"]
f["model_weights/dense/dense/bias:0"] = d.astype("f8")`);
    await refused(path, /bias:0 has dtype <f8; only float32 weights are supported/);
  });
});
