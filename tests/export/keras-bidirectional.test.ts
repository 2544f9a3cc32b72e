/**
 * The Keras export starts a Bidirectional where the app starts it: Keras's Bidirectional would copy the wrapped
 * layer's config, seeds included, so the export passes an explicit `backward_layer=` whose initializers are seeded
 * from the same backwardSeed the app reseeds its backward direction with (src/runtime/build.ts). The emitted model.py
 * is read with Python's own parser (no Keras can run here).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { exportFiles } from '../../src/codegen/export.ts';
import { chainDoc } from '../../src/graph/index.ts';
import { backwardSeed } from '../../src/layers/recurrent.ts';
import { irOf, PYTHON, scratchDir } from './helpers.ts';

/** Per Bidirectional call in model.py: name, and per direction its go_backwards, return_sequences, name and seeds. */
const READ = `
import ast, json, sys
tree = ast.parse(open(sys.argv[1]).read())
def kw(call): return {k.arg: k.value for k in call.keywords}
def seed(v): return kw(v)["seed"].value if isinstance(v, ast.Call) and "seed" in kw(v) else None
def direction(call):
    k = kw(call)
    return {"cls": call.func.attr, "go_backwards": k["go_backwards"].value, "return_sequences": k["return_sequences"].value,
            "name": k["name"].value, "kernel": seed(k["kernel_initializer"]), "recurrent": seed(k["recurrent_initializer"])}
out = []
for node in ast.walk(tree):
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "Bidirectional":
        k = kw(node)
        out.append({"name": k["name"].value, "forward": direction(k["layer"]),
                    "backward": direction(k["backward_layer"]) if "backward_layer" in k else None})
print(json.dumps(out))
`;

it('every Bidirectional gets a backward_layer seeded from the app\'s backwardSeed, unlike its forward layer', () => {
  const doc = { ...chainDoc([['Input', { inputType: 'features', features: 3, length: 0 }], ['Bidirectional', { mergeMode: 'concat' }, ['LSTM', { units: 4, returnSequences: true }]],
    ['Bidirectional', { mergeMode: 'sum' }, ['GRU', { units: 3, returnSequences: true }]], ['Bidirectional', { mergeMode: 'ave' }, ['SimpleRNN', { units: 2, kernelInitializer: 'heNormal' }]],
    ['Dense', { units: 2, activation: 'softmax' }]]), training: { seed: 9 } };
  const ir = irOf(doc);
  const dir = scratchDir('keras-bidirectional');
  const files = exportFiles(ir, 'keras', { title: 't', training: doc.training, trained: false });
  writeFileSync(join(dir, 'model.py'), files['model.py']);
  const found = JSON.parse(execFileSync(PYTHON, ['-c', READ, join(dir, 'model.py')], { encoding: 'utf8' }));
  const bidis = ir.layers.filter((l) => l.kind === 'Bidirectional');
  expect(found.map((b: { name: string }) => b.name)).toEqual(bidis.map((l) => l.name));
  bidis.forEach((l, i) => {
    const { forward, backward } = found[i];
    const inner = l.inner!;
    expect(forward).toMatchObject({ cls: inner.kind, go_backwards: false, kernel: inner.seed, recurrent: inner.seed + 1 });
    // Same layer, the other direction, the app's backward seeds (build.ts reseedBackward), which differ from the forward's.
    expect(backward).toEqual({ ...forward, go_backwards: true, name: `backward_${inner.name}`, kernel: backwardSeed(inner.seed), recurrent: backwardSeed(inner.seed) + 1 });
    expect(backward.kernel).not.toBe(forward.kernel);
    expect(backward.recurrent).not.toBe(forward.recurrent);
  });
});
