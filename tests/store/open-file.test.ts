import { beforeEach, describe, expect, it } from 'vitest';
import { CURRENT_VERSION, serializeDocument } from '../../src/graph/index.ts';
import { loadDocument, openDocumentText, presetByName, resetStore, selectIsDirty, setParam, undo, useStore } from '../../src/store/index.ts';

const state = () => useStore.getState();

beforeEach(() => {
  resetStore();
  loadDocument(presetByName('lesson-lstm')!.doc, { record: false });
  setParam('n3', 'units', 11);
});

const envelope = (graph: unknown, extra: Record<string, unknown> = {}) => JSON.stringify({ type: 'rnn-studio-graph', schemaVersion: 2, graph, ...extra });

describe('opening files', () => {
  const bad: [string, string, RegExp][] = [
    ['not JSON', '{"type": "rnn-studio-graph", "graph": {', /not a JSON file/],
    ['empty', '', /not a JSON file/],
    ['an array', '[1, 2]', /expected a JSON object/],
    ['no version', JSON.stringify({ type: 'rnn-studio-graph', graph: { nodes: [], edges: [] } }), /no schemaVersion/],
    ['a newer version', JSON.stringify({ type: 'rnn-studio-graph', schemaVersion: CURRENT_VERSION + 1, graph: { nodes: [], edges: [] } }), /newer RNN Studio/],
    ['an unknown kind', envelope({ nodes: [{ id: 'a', position: { x: 0, y: 0 }, data: { kind: 'Transformer', params: {} } }], edges: [] }), /invalid at graph\.nodes\.0\.data\.kind/],
    ['a script in an id', envelope({ nodes: [{ id: '<script>', position: { x: 0, y: 0 }, data: { kind: 'LSTM', params: {} } }], edges: [] }), /ids may contain only/],
    ['an infinite position', envelope({ nodes: [{ id: 'a', position: { x: 1e400, y: 0 }, data: { kind: 'LSTM', params: {} } }], edges: [] }), /invalid/],
    ['an edge to nowhere', envelope({ nodes: [], edges: [{ id: 'e', source: 'x', target: 'y' }] }), /does not exist/],
    ['extra fields in a node', envelope({ nodes: [{ id: 'a', position: { x: 0, y: 0 }, data: { kind: 'LSTM', params: {} }, onclick: 'x' }], edges: [] }), /invalid/],
  ];
  it.each(bad)('refuses %s with a message and leaves the graph and its history untouched', (_label, text, message) => {
    const before = state().doc;
    const past = state().history.past;
    expect(openDocumentText('bad.json', text)).toBe(false);
    expect(state().status).toMatchObject({ kind: 'error' });
    expect(state().status!.text).toMatch(message);
    expect(state().status!.text).toContain('bad.json');
    expect(state().doc).toBe(before);
    expect(state().history.past).toBe(past);
  });

  it('opens a saved file as one undoable step and marks it saved', () => {
    const d = presetByName('lesson-bilstm-2layer')!.doc;
    expect(openDocumentText('bi.rnn.json', serializeDocument(d))).toBe(true);
    expect(state().doc).toEqual(d);
    expect(selectIsDirty(state())).toBe(false);
    undo();
    expect(state().doc.nodes.find((n) => n.id === 'n3')!.data.params.units).toBe(11);
  });

  it('migrates a version-1 file and says so', () => {
    const v1 = { schemaVersion: 1, seed: 3, nodes: [{ id: 'a', kind: 'Input', params: {}, x: 1, y: 2 }], edges: [] };
    expect(openDocumentText('old.json', JSON.stringify(v1))).toBe(true);
    expect(state().status!.text).toMatch(/upgraded from file version 1/);
    expect(state().doc.nodes[0]).toMatchObject({ id: 'a', position: { x: 1, y: 2 }, data: { kind: 'Input' } });
    expect(state().doc.training?.seed).toBe(3);
  });
});
