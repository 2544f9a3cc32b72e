/**
 * The exported Keras `load_tfjs_weights` fails on a missing weight and on a weight that belongs to no layer, and
 * loads a complete set in manifest order. No Keras can be installed here, so `model.py` is imported with a stand-in
 * `keras` module (only its module-level lines run: the imports and the hardSigmoid registration), and the loader
 * is given a model whose layers record `set_weights`, as Keras layers expose `name`, `weights` and `set_weights`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportFiles } from '../../src/codegen/export.ts';
import { COVERAGE, irOf, PYTHON, scratchDir } from './helpers.ts';

/** Imports the exported model.py (folder argv[1]) with the stand-in keras module. */
const STUB = String.raw`
import json, os, sys, types
import numpy as np

class Anything:
    """Stands in for any keras attribute: calling it or taking an attribute gives another one; as a decorator it
    returns the function unchanged."""
    def __getattr__(self, name):
        return Anything()
    def __call__(self, *args, **kwargs):
        return args[0] if len(args) == 1 and callable(args[0]) else Anything()

stub = types.ModuleType("keras")
stub.__getattr__ = lambda name: Anything()
sys.modules["keras"] = stub
sys.path.insert(0, sys.argv[1])
import model
`;

const SCRIPT = STUB + String.raw`
class Layer:
    def __init__(self, name, n):
        self.name, self.weights, self.got = name, [None] * n, None
    def set_weights(self, ws):
        self.got = [w.shape for w in ws]

class Model:
    def __init__(self, layers):
        self.layers = layers

def write(folder, names):
    os.makedirs(folder, exist_ok=True)
    specs = [{"name": n, "shape": [2, 3], "dtype": "float32"} for n in names]
    json.dump({"weightsManifest": [{"paths": ["weights.bin"], "weights": specs}]}, open(os.path.join(folder, "model.json"), "w"))
    np.zeros(6 * len(names), "<f4").tofile(os.path.join(folder, "weights.bin"))

def attempt(names, layers):
    folder = os.path.join(sys.argv[1], "w%d" % len(os.listdir(sys.argv[1])))
    write(folder, names)
    m = Model(layers)
    try:
        model.load_tfjs_weights(m, folder)
        return {"ok": [l.got for l in m.layers]}
    except ValueError as e:
        return {"error": str(e)}

full = ["lstm/kernel", "lstm/recurrent_kernel", "lstm/bias", "dense/kernel", "dense/bias"]
layers = lambda: [Layer("input", 0), Layer("lstm", 3), Layer("dense", 2)]
print(json.dumps({
    "complete": attempt(full, layers()),
    "missing": attempt([n for n in full if n != "lstm/bias"], layers()),
    "unused": attempt(full + ["gru/kernel"], layers()),
}))
`;

describe('exported Keras weight loader', () => {
  it('loads a complete set and refuses a missing weight and an unused one', () => {
    const dir = scratchDir('keras-loader');
    // masked-mixed uses TF.js's hard sigmoid, so the registration decorator runs at import too.
    for (const [f, text] of Object.entries(exportFiles(irOf(COVERAGE['masked-mixed']), 'keras', { title: 't', trained: false }))) writeFileSync(join(dir, f), text);
    const r = JSON.parse(execFileSync(PYTHON, ['-c', SCRIPT, dir], { encoding: 'utf8' }));
    expect(r.complete).toEqual({ ok: [null, [[2, 3], [2, 3], [2, 3]], [[2, 3], [2, 3]]] });
    expect(r.missing.error).toMatch(/layer 'lstm' has 3 weights but .* holds 2 for it/);
    expect(r.unused.error).toMatch(/belong to no layer of the model: \['gru\/kernel'\]/);
  });
});

/** The loader on a two-bias LSTM's weights: bias [2, 4H] in the file, Keras's LSTM variable [4H]. */
const SUMMED = STUB + String.raw`
class Var:
    def __init__(self, shape):
        self.shape = shape

class Layer:
    def __init__(self, name, shapes):
        self.name, self.weights, self.got = name, [Var(s) for s in shapes], None
    def set_weights(self, ws):
        self.got = ws

folder = os.path.join(sys.argv[1], "w")
os.makedirs(folder, exist_ok=True)
specs = [("lstm/kernel", [2, 8]), ("lstm/recurrent_kernel", [2, 8]), ("lstm/bias", [2, 8])]
json.dump({"weightsManifest": [{"paths": ["weights.bin"], "weights": [{"name": n, "shape": s, "dtype": "float32"} for n, s in specs]}]}, open(os.path.join(folder, "model.json"), "w"))
np.arange(48, dtype="<f4").tofile(os.path.join(folder, "weights.bin"))
lstm = Layer("lstm", [(2, 8), (2, 8), (8,)])
model.load_tfjs_weights(type("M", (), {"layers": [lstm]})(), folder)
print(json.dumps([w.tolist() for w in lstm.got]))
`;

describe('exported Keras model of a two-bias LSTM (Keras CuDNNLSTM)', () => {
  it("writes a Keras LSTM that loads b_x + b_h, and says in one comment line why Keras's total is 4·units smaller", () => {
    const dir = scratchDir('keras-loader-two-biases');
    for (const [f, text] of Object.entries(exportFiles(irOf(COVERAGE['two-biases']), 'keras', { title: 't', trained: false }))) writeFileSync(join(dir, f), text);
    const text = readFileSync(join(dir, 'model.py'), 'utf8');
    expect(text).not.toMatch(/two_biases/);
    // Bidirectional(LSTM(4)) then LSTM(3): 2 · 4 · 4 and 4 · 3 parameters fewer.
    expect(text.match(/^ *# Keras's LSTM holds one bias, b_x \+ b_h: (\d+) parameters/gm)!.map((l) => Number(l.match(/(\d+) parameters/)![1]))).toEqual([32, 12]);
    const [k, r, b] = JSON.parse(execFileSync(PYTHON, ['-c', SUMMED, dir], { encoding: 'utf8' })) as number[][][];
    expect([k, r]).toEqual([[0, 8].map((s) => Array.from({ length: 8 }, (_, i) => s + i)), [16, 24].map((s) => Array.from({ length: 8 }, (_, i) => s + i))]);
    expect(b).toEqual(Array.from({ length: 8 }, (_, i) => (32 + i) + (40 + i)));
  });
});
