/**
 * Keras and TF.js import against hostile files: layer and inbound names such as `constructor`, `__proto__` and
 * `toString`, weights named after them, and random mutations of valid models. Import never throws; what it accepts
 * passes the graph file's validator, has edges only between its own nodes, and compiles without throwing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { importModelJson, type ImportResult } from '../../src/codegen/import-keras.ts';
import { compile } from '../../src/compiler/index.ts';
import { validateGraph } from '../../src/graph/index.ts';

const HOSTILE = ['constructor', '__proto__', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'isPrototypeOf', '', ' ', '/', 'a/b', 'forward_x', 'n1', '日本語', 'x'.repeat(300), '"; import os #', '<script>'];
const name = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 12 }));

type Layer = { name: string; cls: string; config: Record<string, unknown>; from: string[] };
const dense = (n: string, from: string[], units = 3): Layer => ({ name: n, cls: 'Dense', config: { name: n, units, activation: 'softmax' }, from });

/** A Keras 2 / TF.js functional topology: [["name", 0, 0, {}]] inbound nodes. */
const keras2 = (layers: Layer[]) => ({
  class_name: 'Functional',
  config: { name: 'm', layers: layers.map((l) => ({ class_name: l.cls, name: l.name, config: l.config, inbound_nodes: l.from.length ? [l.from.map((f) => [f, 0, 0, {}])] : [] })) },
  keras_version: '2.15.0',
});
/** Keras 3: inbound tensors carry keras_history. */
const keras3 = (layers: Layer[]) => ({
  module: 'keras', class_name: 'Functional',
  config: {
    name: 'm',
    layers: layers.map((l) => ({
      module: 'keras.layers', class_name: l.cls, name: l.name, config: l.config,
      inbound_nodes: l.from.length ? [{ args: l.from.map((f) => ({ class_name: '__keras_tensor__', config: { shape: [null, 3], keras_history: [f, 0, 0] } })), kwargs: {} }] : [],
    })),
  },
});
const tfjs = (layers: Layer[], weights: string[]) => ({
  modelTopology: { model_config: keras2(layers) },
  weightsManifest: [{ paths: ['./w.bin'], weights: weights.map((w) => ({ name: w, shape: [2, 3], dtype: 'float32' })) }],
});
const input = (n: string): Layer => ({ name: n, cls: 'InputLayer', config: { name: n, batch_input_shape: [null, 5, 2], dtype: 'float32' }, from: [] });

/** What must hold for any answer: a message, or a document that is valid, self-contained and compiles. */
function checkAnswer(r: ImportResult): void {
  if (!r.ok) {
    expect(typeof r.error).toBe('string');
    expect(r.error.length).toBeGreaterThan(10);
    return;
  }
  const { doc, nodeOfLayer, weightsManifest } = r.model;
  expect(validateGraph(doc).ok).toBe(true);
  const ids = new Set(doc.nodes.map((n) => n.id));
  for (const e of doc.edges) {
    expect(typeof e.source).toBe('string');
    expect(ids.has(e.source) && ids.has(e.target)).toBe(true);
  }
  for (const id of nodeOfLayer.values()) expect(ids.has(id)).toBe(true);
  for (const w of weightsManifest?.flatMap((g) => g.weights) ?? []) expect(typeof w.graphName).toBe('string');
  expect(() => compile(doc)).not.toThrow();
}

const importNoThrow = (m: unknown) => {
  let r: ImportResult | undefined;
  expect(() => (r = importModelJson(typeof m === 'string' ? m : JSON.stringify(m)))).not.toThrow();
  expect(() => importModelJson(m)).not.toThrow();
  return r!;
};

describe('names from the file never reach an object prototype', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('an inbound layer named %s that does not exist is refused by name, in every format', (bad) => {
    for (const make of [keras2, keras3]) {
      const r = importNoThrow(make([input('in'), dense('out', [bad])]));
      expect(r).toEqual({ ok: false, error: `Layer out takes its input from ${bad}, which comes later or does not exist.` });
    }
  });

  it.each(['constructor', '__proto__'])('a layer really named %s imports and is wired by its name', (n) => {
    for (const make of [keras2, keras3]) {
      const r = importNoThrow(make([input(n), dense('out', [n])]));
      if (!r.ok) throw new Error(r.error);
      const [a, b] = r.model.doc.nodes;
      expect(r.model.doc.edges).toEqual([{ id: 'e1', source: a.id, target: b.id }]);
      expect(a.data.name).toBe(n);
      expect(compile(r.model.doc).ok).toBe(true);
    }
  });

  it('a weight named after a missing layer is refused with a message (no throw)', () => {
    for (const w of ['constructor/kernel', '__proto__/kernel', 'toString/bias', 'nothing']) {
      const r = importNoThrow(tfjs([input('in'), dense('out', ['in'])], ['out/kernel', w]));
      expect(r).toEqual({ ok: false, error: `Weight ${w} belongs to no layer of the model.` });
    }
  });

  it('an initializer class named constructor falls back with a warning instead of reading Object', () => {
    const l = dense('out', ['in']);
    l.config.kernel_initializer = { class_name: 'constructor', config: {} };
    const r = importNoThrow(keras2([input('in'), l]));
    if (!r.ok) throw new Error(r.error);
    expect(r.model.doc.nodes[1].data.params.kernelInitializer).toBe('glorotUniform');
    expect(r.model.warnings).toEqual(['Layer out: kernel_initializer constructor has no RNN Studio equivalent; using glorotUniform (it only affects fresh training).']);
  });

  it('a known initializer the param does not offer (identity on a Dense kernel) falls back with a warning', () => {
    const l = dense('out', ['in']);
    l.config.kernel_initializer = { class_name: 'Identity', config: {} };
    const r = importNoThrow(keras2([input('in'), l]));
    if (!r.ok) throw new Error(r.error);
    expect(r.model.doc.nodes[1].data.params.kernelInitializer).toBe('glorotUniform');
    expect(r.model.warnings).toEqual(['Layer out: kernel_initializer identity is not one RNN Studio offers for a kernel; using glorotUniform (it only affects fresh training).']);
  });

  it('two layers with one name are refused (edges to them would be ambiguous)', () => {
    expect(importNoThrow(keras2([input('in'), dense('in', ['in'])]))).toEqual({ ok: false, error: 'Two layers are named "in"; layer names in a model are unique.' });
  });

  it('the document passes the graph file\'s limits: a model of 2,001 layers is refused like a file of 2,001 layers', () => {
    const layers = [input('in'), ...Array.from({ length: 2000 }, (_, i) => dense(`d${i}`, [i ? `d${i - 1}` : 'in'], 2))];
    const r = importNoThrow(keras2(layers));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/^The model does not make a valid RNN Studio graph: The graph is invalid at nodes: Array must contain at most 2000/);
    expect(importNoThrow(keras2(layers.slice(0, 2000))).ok).toBe(true);
  });
});

describe('fuzz', () => {
  /** Up to 6 layers with hostile names, each fed by earlier names, missing names or hostile ones. */
  const topology = fc.array(fc.tuple(name, fc.array(fc.oneof(fc.nat(8), name), { maxLength: 2 }), fc.constantFrom('Dense', 'LSTM', 'Dropout', 'Add', 'Concatenate', 'Bidirectional')), { minLength: 1, maxLength: 6 })
    .map((spec) => {
      const layers: Layer[] = [input(spec[0][0])];
      for (const [n, from, cls] of spec.slice(1)) {
        const srcs = from.map((f) => (typeof f === 'number' ? layers[f % layers.length].name : f));
        const config: Record<string, unknown> =
          cls === 'Bidirectional' ? { name: n, merge_mode: 'concat', layer: { class_name: 'LSTM', config: { name: `f_${n}`, units: 2 } } } : cls === 'Dropout' ? { name: n, rate: 0.1 } : { name: n, units: 2, return_sequences: true };
        layers.push({ name: n, cls, config, from: srcs });
      }
      return layers;
    });

  it('hostile names in Keras 2, Keras 3 and TF.js (with weights named after them): never throws, accepted files are valid', () => {
    fc.assert(
      fc.property(topology, fc.array(fc.tuple(name, fc.constantFrom('kernel', 'forward_lstm/kernel', 'x/y/z')), { maxLength: 4 }), (layers, ws) => {
        checkAnswer(importNoThrow(keras2(layers)));
        checkAnswer(importNoThrow(keras3(layers)));
        checkAnswer(importNoThrow(tfjs(layers, ws.map(([a, b]) => `${a}/${b}`))));
      }),
      { numRuns: 1500 },
    );
  });

  /** A valid model with one random change: a value replaced by any JSON (hostile keys included), or a key deleted. */
  const valid = [
    keras2([input('in'), { name: 'bi', cls: 'Bidirectional', config: { name: 'bi', merge_mode: 'sum', layer: { class_name: 'GRU', config: { name: 'gru', units: 4, reset_after: false } } }, from: ['in'] }, dense('out', ['bi'])]),
    keras3([input('in'), { name: 'l', cls: 'LSTM', config: { name: 'l', units: 4 }, from: ['in'] }, dense('out', ['l'])]),
    tfjs([input('in'), { name: 'r', cls: 'SimpleRNN', config: { name: 'r', units: 4 }, from: ['in'] }, dense('out', ['r'])], ['r/kernel', 'r/recurrent_kernel', 'r/bias', 'out/kernel', 'out/bias']),
  ];
  for (const m of valid) checkAnswer(importModelJson(m)); // the seeds themselves import

  const paths = (v: unknown, at: (string | number)[] = []): (string | number)[][] =>
    typeof v === 'object' && v !== null ? [at, ...Object.entries(v).flatMap(([k, c]) => paths(c, [...at, Array.isArray(v) ? Number(k) : k]))] : [at];
  const anyJson = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(...HOSTILE), fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'name', 'class_name', 'config'), fc.jsonValue({ maxDepth: 1 })));

  it('random single mutations of valid Keras 2, Keras 3 and TF.js models: never throws, accepted files are valid', () => {
    fc.assert(
      fc.property(fc.nat(valid.length - 1), fc.nat(), anyJson, fc.boolean(), (which, pick, value, del) => {
        const m = structuredClone(valid[which]) as unknown;
        const all = paths(m).filter((p) => p.length > 0);
        const p = all[pick % all.length];
        const parent = p.slice(0, -1).reduce<Record<string | number, unknown>>((o, k) => o[k] as Record<string | number, unknown>, m as Record<string, unknown>);
        if (del && !Array.isArray(parent)) delete parent[p[p.length - 1]];
        else Object.defineProperty(parent, p[p.length - 1], { value, enumerable: true, writable: true, configurable: true });
        checkAnswer(importNoThrow(m));
      }),
      { numRuns: 3000 },
    );
  });

  it('random text, and truncations of a valid file, give a message', () => {
    const text = JSON.stringify(valid[2]);
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.nat(text.length - 1).map((n) => text.slice(0, n))), (t) => {
        checkAnswer(importNoThrow(t));
      }),
      { numRuns: 1000 },
    );
  });
});
