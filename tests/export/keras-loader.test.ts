/**
 * The exported Keras `load_tfjs_weights` fails on a missing weight and on a weight that belongs to no layer, and
 * loads a complete set in manifest order. No Keras can be installed here, so `model.py` is imported with a stand-in
 * `keras` module (only its module-level lines run: the imports and the hardSigmoid registration), and the loader
 * is given a model whose layers record `set_weights`, as Keras layers expose `name`, `weights` and `set_weights`.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportFiles } from '../../src/codegen/export.ts';
import { COVERAGE, irOf, PYTHON, scratchDir } from './helpers.ts';

const SCRIPT = String.raw`
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
