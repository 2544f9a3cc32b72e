/**
 * Loading untrusted files: old versions migrate (fixtures in tests/fixtures/v1), newer ones are refused, and hostile
 * or malformed files are refused with a message that says what is wrong, never an exception.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/index.ts';
import { chainDoc, CURRENT_VERSION, migrate, parseDocument, serializeDocument } from '../../src/graph/index.ts';
import { FIXTURE_DIR, LESSON_TOTALS, loadPresets } from '../fixtures/graphs.ts';

const v1 = (name: string) => readFileSync(join(FIXTURE_DIR, 'v1', name), 'utf8');
const envelope = (graph: unknown) => JSON.stringify({ type: 'rnn-studio-graph', schemaVersion: CURRENT_VERSION, graph });
const ok = (graph: unknown) => parseDocument(envelope(graph)).ok;
const errorOf = (input: unknown) => {
  const r = parseDocument(input);
  if (r.ok) throw new Error('expected the file to be refused');
  return r.error;
};
const dense = (id: string, extra: Record<string, unknown> = {}) => ({ id, position: { x: 0, y: 0 }, data: { kind: 'Dense', params: {} }, ...extra });

describe('migrations', () => {
  it('a version-1 prototype file migrates to the current envelope and compiles to the lesson total', () => {
    const r = parseDocument(v1('bilstm-prototype.json'));
    if (!r.ok) throw new Error(r.error);
    expect(r.migratedFrom).toBe(1);
    expect(r.doc.training).toEqual({ seed: 7 });
    expect(r.doc.nodes.find((n) => n.id === 'bi1_lstm')).toEqual({
      id: 'bi1_lstm', position: { x: 20, y: 40 }, parentId: 'bi1', data: { kind: 'LSTM', params: { units: 64, returnSequences: true } },
    });
    expect(r.doc.edges[0]).toEqual({ id: 'e0', source: 'tok', target: 'emb' });
    const c = compile(r.doc);
    expect(c.diagnostics).toEqual([]);
    expect(c.ir!.totalParams).toBe(2_758_148);
  });

  it('a minimal version-1 file (no positions, no seed) migrates and compiles', () => {
    const r = parseDocument(v1('adding-rnn-minimal.json'));
    if (!r.ok) throw new Error(r.error);
    expect(r.doc.nodes[0].position).toEqual({ x: 0, y: 0 });
    expect(r.doc).not.toHaveProperty('training');
    expect(compile(r.doc).ir!.totalParams).toBe(64 * (2 + 64) + 64 + 64 + 1);
  });

  it('migration then save gives a current file that loads unchanged', () => {
    const r = parseDocument(v1('bilstm-prototype.json'));
    if (!r.ok) throw new Error(r.error);
    const again = parseDocument(serializeDocument(r.doc));
    expect(again).toEqual({ ok: true, doc: r.doc });
  });

  it('a version-2 file (saved before GRU had resetAfter) keeps the reset-before GRU; a new GRU is reset-after', () => {
    const raw = readFileSync(join(FIXTURE_DIR, 'v2', 'gru-reset-before.json'), 'utf8');
    const r = parseDocument(raw);
    if (!r.ok) throw new Error(r.error);
    expect(r.migratedFrom).toBe(2);
    const gru = (id: string) => r.doc.nodes.find((n) => n.id === id)!.data.params;
    expect(gru('gru')).toEqual({ units: 32, returnSequences: true, resetAfter: false });
    expect(gru('bi_gru')).toEqual({ units: 8, resetAfter: false });
    // Keras reset_after=False counts: GRU(32) on 64 features, then Bidirectional(GRU(8)) on 32, then Dense(16 → 1).
    const before = 3 * (32 * (64 + 32) + 32) + 2 * 3 * (8 * (32 + 8) + 8) + 16 + 1;
    expect(compile(r.doc).ir!.totalParams).toBe(before);
    // The same graph with the GRUs' resetAfter dropped (a new node's defaults): Keras reset_after=True counts.
    const fresh = JSON.parse(raw);
    for (const n of fresh.graph.nodes) delete n.data.params.resetAfter;
    fresh.schemaVersion = CURRENT_VERSION;
    const r3 = parseDocument(JSON.stringify(fresh));
    if (!r3.ok) throw new Error(r3.error);
    expect(compile(r3.doc).ir!.totalParams).toBe(3 * (32 * (64 + 32) + 2 * 32) + 2 * 3 * (8 * (32 + 8) + 2 * 8) + 16 + 1);
    // Saving and reopening the migrated file changes nothing.
    expect(parseDocument(serializeDocument(r.doc))).toEqual({ ok: true, doc: r.doc });
  });

  it('a version-3 file (saved before edges named ports) opens as the same graph, every edge on the default ports', () => {
    const r = parseDocument(readFileSync(join(FIXTURE_DIR, 'v3', 'lesson-bilstm-2layer.json'), 'utf8'));
    if (!r.ok) throw new Error(r.error);
    expect(r.migratedFrom).toBe(3);
    const preset = parseDocument(readFileSync(join(FIXTURE_DIR, '..', '..', 'presets', 'lesson-bilstm-2layer.json'), 'utf8'));
    expect(preset).toEqual({ ok: true, doc: r.doc });
    expect(r.doc.edges.every((e) => e.sourceHandle === undefined && e.targetHandle === undefined)).toBe(true);
    expect(compile(r.doc).ir!.totalParams).toBe(LESSON_TOTALS['lesson-bilstm-2layer.json']);
  });

  it('edge ports survive save and load; null (React Flow\'s "default handle") is kept as null', () => {
    const doc = { nodes: [], edges: [] };
    const withPorts = {
      nodes: [
        { id: 'a', position: { x: 0, y: 0 }, data: { kind: 'Input' as const, params: {} } },
        { id: 'b', position: { x: 0, y: 0 }, data: { kind: 'LSTM' as const, params: {} } },
      ],
      edges: [{ id: 'e', source: 'a', target: 'b', sourceHandle: null, targetHandle: 'x' }],
    };
    expect(parseDocument(serializeDocument({ ...doc, ...withPorts }))).toEqual({ ok: true, doc: withPorts });
    expect(errorOf(envelope({ ...withPorts, edges: [{ ...withPorts.edges[0], targetHandle: 'a b' }] }))).toMatch(/edges\.0\.targetHandle/);
  });

  it('every preset is a current-version file', () => {
    for (const { file } of loadPresets()) expect(JSON.parse(readFileSync(join(FIXTURE_DIR, '..', '..', 'presets', file), 'utf8')).schemaVersion, file).toBe(CURRENT_VERSION);
  });

  it('refuses a file from a newer RNN Studio, saying so', () => {
    expect(errorOf(JSON.stringify({ type: 'rnn-studio-graph', schemaVersion: CURRENT_VERSION + 1, graph: { nodes: [], edges: [] } }))).toMatch(new RegExp(`newer RNN Studio.*schema ${CURRENT_VERSION + 1}`));
  });

  it.each([
    [{ schemaVersion: 0 }, /Unknown schema version 0/],
    [{ schemaVersion: 1.5 }, /no schemaVersion/],
    [{ schemaVersion: '2' }, /no schemaVersion/],
    [{ format: 'layers-model', modelTopology: {} }, /Keras\/TF\.js model files are opened with Import/],
    [{ schemaVersion: 1, nodes: 'many' }, /version-1 file needs "nodes" and "edges"/],
    [{ schemaVersion: 1, nodes: [{ id: 'a', kind: 'Teleporter', params: {} }], edges: [] }, /graph\.nodes\.0\.data\.kind/],
  ])('refuses %j', (raw, message) => {
    expect(migrate(raw).ok === false || !parseDocument(raw).ok).toBe(true);
    expect(errorOf(raw)).toMatch(message);
  });
});

describe('hostile and malformed files', () => {
  it.each([
    ['not JSON', 'model = Sequential()', /not a JSON file/],
    ['an array', '[1, 2, 3]', /expected a JSON object/],
    ['a number', '42', /expected a JSON object/],
    ['null', 'null', /expected a JSON object/],
    ['deeply nested arrays', '['.repeat(100_000) + ']'.repeat(100_000), /not a JSON file|expected a JSON object/],
    ['a huge file', JSON.stringify({ schemaVersion: 2, pad: 'x'.repeat(5_000_001) }), /too large/],
  ])('%s', (_what, text, message) => {
    expect(errorOf(text)).toMatch(message);
  });

  it.each([
    ['unknown kind', { nodes: [{ ...dense('a'), data: { kind: 'Transformer', params: {} } }], edges: [] }, /nodes\.0\.data\.kind/],
    ['kind of the wrong type', { nodes: [{ ...dense('a'), data: { kind: 7, params: {} } }], edges: [] }, /nodes\.0\.data\.kind/],
    ['position as text', { nodes: [dense('a', { position: { x: '0', y: 0 } })], edges: [] }, /position\.x/],
    ['NaN-like position', { nodes: [dense('a', { position: { x: 1e400, y: 0 } })], edges: [] }, /position\.x/],
    ['nodes not a list', { nodes: { a: 1 }, edges: [] }, /graph\.nodes/],
    ['object as a param value', { nodes: [{ ...dense('a'), data: { kind: 'Dense', params: { units: { valueOf: 4 } } } }], edges: [] }, /params\.units: a parameter value must be/],
    ['script in an id', { nodes: [dense('<script>')], edges: [] }, /ids may contain only/],
    ['duplicate ids', { nodes: [dense('a'), dense('a')], edges: [] }, /two nodes have the id "a"/],
    ['edge to nowhere', { nodes: [dense('a')], edges: [{ id: 'e', source: 'a', target: 'b' }] }, /connection "e" points to a node that does not exist/],
    ['parent that does not exist', { nodes: [dense('a', { parentId: 'ghost' })], edges: [] }, /sits inside "ghost", which does not exist/],
    ['unknown field on a node', { nodes: [dense('a', { onclick: 'steal()' })], edges: [] }, /Unrecognized key/],
    ['too many nodes', { nodes: Array.from({ length: 2001 }, (_, i) => dense(`n${i}`)), edges: [] }, /graph\.nodes/],
    ['too many params', { nodes: [{ ...dense('a'), data: { kind: 'Dense', params: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`p${i}`, i])) } }], edges: [] }, /too many params/],
    ['long text param', { nodes: [{ ...dense('a'), data: { kind: 'Dense', params: { activation: 'x'.repeat(65) } } }], edges: [] }, /params\.activation/],
  ])('%s', (_what, graph, message) => {
    expect(errorOf(envelope(graph))).toMatch(message);
  });

  it.each([1000, 100_000])('refuses an object nested %i deep in params', (depth) => {
    const text = envelope({ nodes: [{ ...dense('a'), data: { kind: 'Dense', params: { p: 0 } } }], edges: [] }).replace('"p":0', `"p":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);
    expect(errorOf(text)).toMatch(/params\.p: a parameter value must be|not a JSON file/);
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses the prototype-polluting param key %s', (key) => {
    const text = envelope({ nodes: [dense('a')], edges: [] }).replace('"params":{}', `"params":{"${key}":{"polluted":true}}`);
    expect(text).toContain(key);
    expect(errorOf(text)).toMatch(`"${key}" is a reserved name`);
    const scalar = text.replace('{"polluted":true}', '5');
    expect(errorOf(scalar)).toMatch(`"${key}" is a reserved name`);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses __proto__ smuggled onto a node', () => {
    const text = envelope({ nodes: [dense('a')], edges: [] }).replace('"id":"a"', '"__proto__":{"parentId":"x"},"id":"a"');
    expect(errorOf(text)).toMatch(/__proto__/);
  });

  it('a valid minimal file is accepted (the refusals above are specific)', () => {
    expect(ok({ nodes: [dense('a')], edges: [] })).toBe(true);
  });

  it('never throws, whatever JSON value or text it is given', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.string(), fc.json()), (v) => {
        const r = parseDocument(v);
        if (!r.ok) expect(r.error.length).toBeGreaterThan(10);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on mutated presets, and what it accepts is a valid document', () => {
    const texts = loadPresets().map(({ doc }) => serializeDocument(doc));
    fc.assert(
      fc.property(fc.constantFrom(...texts), fc.nat(), fc.string({ maxLength: 3 }), (text, at, junk) => {
        const i = at % text.length;
        const r = parseDocument(text.slice(0, i) + junk + text.slice(i + 1));
        if (r.ok) expect(parseDocument(serializeDocument(r.doc)).ok).toBe(true);
        else expect(r.error).toMatch(/\.$/);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('counted nouns in messages', () => {
  it('are singular for one and plural otherwise', async () => {
    const { countOf } = await import('../../src/graph/index.ts');
    expect([0, 1, 2, 1500].map((n) => countOf(n, 'layer'))).toEqual(['0 layers', '1 layer', '2 layers', '1,500 layers']);
  });
});

describe('the two-bias LSTM param', () => {
  it('round-trips through a saved file, and its 4·units second bias is counted after reopening', () => {
    const doc = chainDoc([['Input', { inputType: 'features', features: 3, length: 0 }], ['LSTM', { units: 5, twoBiases: true }], ['Dense', { units: 1, activation: 'linear' }]]);
    const r = parseDocument(serializeDocument(doc));
    if (!r.ok) throw new Error(r.error);
    expect(r.doc.nodes[1].data.params).toEqual({ units: 5, twoBiases: true });
    // Keras's CuDNNLSTM total 4u(d + u) + 8u, and Dense 5 + 1.
    expect(compile(r.doc).ir!.totalParams).toBe(4 * 5 * (3 + 5) + 8 * 5 + 6);
  });
});
