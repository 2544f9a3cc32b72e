/**
 * A Keras functional model whose `output_layers` lists its later layer first keeps that order all the way: the
 * imported graph carries it (`outputOrder`, saved in the file and read back), the compiled model's outputs follow it,
 * the loss weights given as a list go to the outputs in that order, and `rnn-studio predict` and every export (Keras
 * model, PyTorch and TF.js predict) list the outputs in the file's order — each export equal to predict within 1e-5.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importModelJson } from '../../src/codegen/import-keras.ts';
import { compile, outputLosses } from '../../src/compiler/index.ts';
import { parseDocument, serializeDocument, type GraphDoc } from '../../src/graph/index.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { kerasTwoHeads } from '../fixtures/keras-two-heads.ts';
import { cli, maxAbsDiff, predictEverywhere } from './helpers.ts';

beforeAll(async () => {
  await initTfNode('cpu');
});

/**
 * The two-headed Keras model with output_layers [policy, value] (value is the earlier layer): Keras's predict returns
 * policy first, and loss_weights [0.25, 2] weigh policy 0.25.
 */
const keras = (form: 'keras2' | 'keras3') =>
  kerasTwoHeads(form, { [form === 'keras3' ? 'compile_config' : 'training_config']: { loss_weights: [0.25, 2] } }, ['policy', 'value']);

const imported = (form: 'keras2' | 'keras3'): GraphDoc => {
  const r = importModelJson(keras(form));
  if (!r.ok) throw new Error(r.error);
  return r.model.doc;
};
const outputNames = (doc: GraphDoc) => {
  const { ir } = compile(doc);
  return ir!.outputs.map((id) => ir!.layers.find((l) => l.id === id)!.name);
};

describe("a Keras file's output order", () => {
  it.each(['keras2', 'keras3'] as const)('%s: the graph keeps output_layers\' order (policy, value), loss weights by it, and the saved file reads back the same', (form) => {
    const doc = imported(form);
    // The nodes are in the file's layer order (value before policy), the outputs in output_layers' order.
    expect(doc.nodes.map((n) => n.data.name ?? n.id).slice(2)).toEqual(['value', 'policy']);
    expect(outputNames(doc)).toEqual(['policy', 'value']);
    expect(outputLosses(compile(doc).ir!).map((o) => [o.name, o.kind, o.weight])).toEqual([['policy', 'ce', 0.25], ['value', 'mse', 2]]);
    const text = serializeDocument(doc);
    expect(JSON.parse(text).graph.outputOrder).toHaveLength(2);
    const back = parseDocument(text);
    if (!back.ok) throw new Error(back.error);
    expect(outputNames(back.doc)).toEqual(['policy', 'value']);
    // Without the order the same graph lists its outputs in node order: the order is the file's, not an accident.
    expect(outputNames({ ...doc, outputOrder: undefined })).toEqual(['value', 'policy']);
  });

  it('predict and the PyTorch, TF.js and Keras exports list policy first (exports within 1e-5 of predict)', async () => {
    const doc = imported('keras3');
    const x = { dtype: 'float32' as const, shape: [2, 5, 3], data: Array.from({ length: 30 }, (_, i) => Math.round(Math.cos(i * 1.3) * 1000) / 1000) };
    const { dir, graph, app, exports } = await predictEverywhere(doc, 'output-order', 31, x);
    expect(app.map((o) => o.shape)).toEqual([[2, 4], [2, 1]]);
    for (const [format, theirs] of Object.entries(exports)) {
      expect(theirs.map((t) => t.shape), format).toEqual([[2, 4], [2, 1]]);
      theirs.forEach((t, k) => expect(maxAbsDiff(app[k], t), `${format} output ${k + 1}`).toBeLessThanOrEqual(1e-5));
    }
    const k = await cli(['export', graph, '--format', 'keras', '--out', join(dir, 'keras')]);
    expect(k.code, k.err).toBe(0);
    expect(readFileSync(join(dir, 'keras', 'model.py'), 'utf8')).toContain('outputs=[policy, value], name="rnn_studio")');
    expect(readFileSync(join(dir, 'keras', 'train.py'), 'utf8')).toContain('loss_weights={"policy": 0.25, "value": 2}');
  }, 120_000);
});
