/**
 * Adding a layer kind is one file: every kind's registry entry carries its palette entry, shape rule, parameter
 * count, Keras import mapping and an exporter for every target. This table fails for a kind that lacks one, and checks
 * that the Keras import reads back exactly what the Keras export writes (a Keras 3 functional config made from the
 * recorded export of each kind's harness graph goes through the real importer).
 */
import { describe, expect, it } from 'vitest';
import { identifiers } from '../../src/codegen/escape.ts';
import { exportFiles } from '../../src/codegen/export.ts';
import { importModelJson } from '../../src/codegen/import-keras.ts';
import { Call, record, type Var } from '../../src/codegen/tfjs-recorder.ts';
import { compile, type ModelIR } from '../../src/compiler/index.ts';
import { LAYER_KINDS } from '../../src/graph/index.ts';
import { CATEGORIES, LAYERS, withDefaults } from '../../src/layers/index.ts';
import { HARNESS } from '../fixtures/graphs.ts';

const KERAS_CLASS = new Map(Object.values(LAYERS).map((s) => [s.keras.factory, s.keras.classNames[0]]));
const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** A recorded builder value as Keras 3 serialises it: `{class_name, config}` with snake_case keys. */
function kerasValue(v: unknown): unknown {
  if (v instanceof Call) {
    const args = Object.entries((v.args[0] ?? {}) as Record<string, unknown>).filter(([, x]) => x !== undefined);
    const config = Object.fromEntries(args.map(([k, x]) => [snake(k), kerasValue(x)]));
    if (v.ns === 'initializers') return { class_name: v.fn[0].toUpperCase() + v.fn.slice(1), config };
    return { class_name: KERAS_CLASS.get(v.fn), config };
  }
  return Array.isArray(v) ? v.map(kerasValue) : v;
}

const tensor = (name: string) => ({ class_name: '__keras_tensor__', config: { keras_history: [name, 0, 0] } });

/** The Keras 3 `to_json()` of a compiled model, made from each layer's recorded Keras builder. */
function kerasJson(ir: ModelIR): unknown {
  const layers = ir.layers.map((l) => {
    const spec = LAYERS[l.kind];
    const built = record((tf, ctx) => (spec.keras.build ?? spec.tfjs)(tf, l.params, ctx), { name: l.name, seed: l.seed, inner: l.inner }, l.inputs, (l.states ?? []).map((s) => s.from));
    if (built instanceof Call) {
      const { shape, dtype } = built.args[0] as { shape: number[]; dtype: string };
      return { class_name: 'InputLayer', name: l.name, config: { batch_shape: [null, ...shape], dtype, name: l.name }, inbound_nodes: [] };
    }
    const { class_name, config } = kerasValue(built.layer) as { class_name: string; config: object };
    const ins = (Array.isArray(built.inputs) ? built.inputs : [built.inputs]).map((x) => tensor(ir.layers.find((k) => k.id === (x as Var).name)!.name));
    const kwargs = Object.fromEntries(Object.entries(built.kwargs ?? {}).map(([k, x]) => [snake(k), x]));
    return { class_name, name: l.name, config, inbound_nodes: [{ args: [ins.length === 1 ? ins[0] : ins], kwargs }] };
  });
  return { module: 'keras', class_name: 'Functional', config: { name: 'm', layers }, keras_version: '3.6.0' };
}

it('every layer kind has a registry entry', () => {
  expect(Object.keys(LAYERS).sort()).toEqual([...LAYER_KINDS].sort());
});

describe.each(LAYER_KINDS.map((kind) => LAYERS[kind]))('$kind', (spec) => {
  const doc = HARNESS[spec.kind]();
  const r = compile(doc);
  const ir = r.ir!;
  const me = ir.layers.find((l) => l.id === 'x')!;

  it('has a palette entry: a known category and a description', () => {
    expect(CATEGORIES.map((c) => c.id)).toContain(spec.category);
    expect(spec.description.length).toBeGreaterThan(20);
  });

  it('has a shape rule and a parameter count', () => {
    expect(r.diagnostics).toEqual([]);
    expect(me.outputShape.dims.length).toBeGreaterThan(0);
    expect(Number.isInteger(me.paramCount)).toBe(true);
  });

  it('has an exporter for every target', () => {
    const info = { title: 't', trained: false };
    const keras = exportFiles(ir, 'keras', info)['model.py'];
    expect(keras).toContain(spec.kind === 'Input' ? 'keras.Input(' : `layers.${spec.keras.classNames[0]}(`);
    expect(exportFiles(ir, 'tfjs', info)['model.mjs']).toContain(`tf.${spec.kind === 'Input' ? '' : 'layers.'}${spec.keras.factory}(`);
    // PyTorch: the Input is forward()'s argument; every other layer assigns its output variable there.
    const torch = exportFiles(ir, 'pytorch', info)['model.py'];
    const v = identifiers(ir).get('x')!;
    expect(torch).toMatch(spec.kind === 'Input' ? new RegExp(`def forward\\(self, ${v}\\)`) : new RegExp(`^ {8}${v} = `, 'm'));
  });

  it('has a Keras import mapping that reads back what the Keras export writes', () => {
    const imported = importModelJson(kerasJson(ir));
    if (!imported.ok) throw new Error(imported.error);
    const { doc: back, nodeOfLayer } = imported.model;
    for (const l of ir.layers) {
      const node = back.nodes.find((n) => n.id === nodeOfLayer.get(l.name))!;
      expect(node.data.kind, l.name).toBe(l.kind);
      // Keras keeps no vocabulary on an Input: the importer takes the size of the Embedding the ids feed.
      const emb = ir.layers.find((k) => k.kind === 'Embedding' && k.inputs.includes(l.id));
      const expected = l.kind === 'Input' && emb ? { ...l.params, vocabSize: emb.params.inputDim } : l.params;
      expect(withDefaults(LAYERS[l.kind].params, node.data.params), l.name).toEqual(expected);
      if (l.inner) {
        const inner = back.nodes.find((n) => n.parentId === node.id)!;
        expect(withDefaults(LAYERS[l.inner.kind].params, inner.data.params)).toEqual(l.inner.params);
      }
    }
    const weights = LAYERS[spec.kind].keras.weights(me.params, me.inputShapes[0]?.dims.at(-1) as number, me.inner);
    expect(weights.length).toBe({ Embedding: 1, Dense: 2, SimpleRNN: 3, LSTM: 3, GRU: 3, Bidirectional: 6, BatchNormalization: 4, LayerNormalization: 2, Conv1D: 2, AdditiveAttention: 1 }[spec.kind as string] ?? 0);
    // The declared shapes an import checks a file against hold exactly the parameters the kind counts.
    expect(weights.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0)).toBe(me.paramCount);
  });
});

it('an unknown Keras class is refused with the list the registry supports', () => {
  const r = importModelJson({ class_name: 'Sequential', config: { layers: [{ class_name: 'InputLayer', config: { batch_input_shape: [null, 5, 2] } }, { class_name: 'Conv2D', config: { name: 'c' } }] } });
  expect(r).toEqual({ ok: false, error: `Layer c is a Conv2D, which RNN Studio does not support (supported: ${Object.values(LAYERS).flatMap((s) => s.keras.classNames).join(', ')}).` });
});
