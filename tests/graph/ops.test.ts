/**
 * `apply(doc, change)`: each change checked against a literal result, then a property test: random change
 * sequences (including stale ids, as late UI events carry) keep every document valid under the file schema, and
 * never write to their input.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apply, freshId, graphDocSchema, LAYER_KINDS, type Change, type GraphDoc, type GraphNode } from '../../src/graph/index.ts';
import { chain, edge, node } from '../fixtures/graphs.ts';

const base = (): GraphDoc => chain(['Input', { inputType: 'features', features: 2 }], ['LSTM', { units: 8 }], ['Dense', { units: 1 }]);

describe('apply, one change at a time', () => {
  it('addNodes appends nodes and their edges', () => {
    const d = apply(base(), { type: 'addNodes', nodes: [node('n4', 'Dropout')], edges: [edge('n3', 'n4')] });
    expect(d.nodes.map((n) => n.id)).toEqual(['n1', 'n2', 'n3', 'n4']);
    expect(d.edges.map((e) => e.id)).toEqual(['e1', 'e2', 'n3-n4']);
  });
  it('removeNodes drops the nodes, their edges, and what a removed wrapper holds', () => {
    const doc = chain(['Input'], ['Embedding'], ['Bidirectional', {}, ['LSTM']], ['Dense']);
    const d = apply(doc, { type: 'removeNodes', ids: ['n3'] });
    expect(d.nodes.map((n) => n.id)).toEqual(['n1', 'n2', 'n4']);
    expect(d.edges.map((e) => e.id)).toEqual(['e1']);
    // A removed output leaves the output order too (a later layer with its id is not placed by the old order).
    expect(apply({ ...doc, outputOrder: ['n4', 'n2'] }, { type: 'removeNodes', ids: ['n4'] }).outputOrder).toEqual(['n2']);
  });
  it('connect adds an edge once; a duplicate or a stale endpoint is a no-op', () => {
    const doc = base();
    const d = apply(doc, { type: 'connect', edge: edge('n1', 'n3') });
    expect(d.edges).toHaveLength(3);
    expect(apply(d, { type: 'connect', edge: { id: 'other', source: 'n1', target: 'n3' } })).toBe(d);
    expect(apply(doc, { type: 'connect', edge: edge('n1', 'gone') })).toBe(doc);
  });
  it('setParam, rename, moveNodes, setViewport change only what they name', () => {
    let d = apply(base(), { type: 'setParam', id: 'n2', key: 'units', value: 16 });
    d = apply(d, { type: 'rename', id: 'n2', name: 'encoder' });
    d = apply(d, { type: 'moveNodes', moves: [{ id: 'n3', position: { x: 5, y: 6 } }] });
    d = apply(d, { type: 'setViewport', viewport: { x: 1, y: 2, zoom: 0.5 } });
    expect(d.nodes[1].data).toEqual({ kind: 'LSTM', name: 'encoder', params: { units: 16 } });
    expect(d.nodes[2].position).toEqual({ x: 5, y: 6 });
    expect(d.viewport).toEqual({ x: 1, y: 2, zoom: 0.5 });
    expect(d.nodes[0]).toEqual(base().nodes[0]);
  });
  it('setParent moves a layer into a wrapper (dropping its own edges) and back out', () => {
    const doc = apply(base(), { type: 'addNodes', nodes: [node('bi', 'Bidirectional')] });
    const inside = apply(doc, { type: 'setParent', id: 'n2', parentId: 'bi', position: { x: 10, y: 20 } });
    expect(inside.nodes.find((n) => n.id === 'n2')).toMatchObject({ parentId: 'bi', position: { x: 10, y: 20 } });
    expect(inside.edges).toEqual([]);
    const out = apply(inside, { type: 'setParent', id: 'n2', parentId: undefined, position: { x: 0, y: 0 } });
    expect(out.nodes.find((n) => n.id === 'n2')).not.toHaveProperty('parentId');
    expect(apply(doc, { type: 'setParent', id: 'n2', parentId: 'gone', position: { x: 0, y: 0 } })).toBe(doc);
  });
  it('freshId skips ids used by nodes, edges and the taken set', () => {
    expect(freshId(base(), 'n')).toBe('n4');
    expect(freshId(base(), 'n', new Set(['n4']))).toBe('n5');
    expect(freshId({ nodes: [], edges: [edge('e1', 'x')] }, 'e1-')).toBe('e1-1');
  });
});

/** Ids drawn from a small pool, so changes often hit existing nodes and sometimes stale ones. */
const ids = fc.constantFrom('n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'gone');
const xy = fc.record({ x: fc.double({ min: -1e4, max: 1e4, noNaN: true }), y: fc.double({ min: -1e4, max: 1e4, noNaN: true }) });
const newNode: fc.Arbitrary<GraphNode> = fc.record({ id: ids, kind: fc.constantFrom(...LAYER_KINDS), position: xy }).map(({ id, kind, position }) => ({ id, position, data: { kind, params: {} } }));
const change: fc.Arbitrary<Change> = fc.oneof(
  fc.record({ type: fc.constant('addNodes' as const), nodes: fc.array(newNode, { maxLength: 3 }), edges: fc.array(fc.tuple(ids, ids).map(([s, t]) => edge(s, t)), { maxLength: 2 }) }),
  fc.record({ type: fc.constant('removeNodes' as const), ids: fc.array(ids, { maxLength: 2 }) }),
  fc.tuple(ids, ids).map(([s, t]): Change => ({ type: 'connect', edge: edge(s, t) })),
  fc.record({ type: fc.constant('disconnect' as const), ids: fc.array(fc.tuple(ids, ids).map(([s, t]) => `${s}-${t}`), { maxLength: 2 }) }),
  fc.record({ type: fc.constant('setParam' as const), id: ids, key: fc.constantFrom('units', 'rate', 'maskZero', 'mergeMode'), value: fc.oneof(fc.integer({ min: -5, max: 100 }), fc.boolean(), fc.constantFrom('sum', 'concat')) }),
  fc.record({ type: fc.constant('rename' as const), id: ids, name: fc.string({ maxLength: 20 }) }),
  fc.record({ type: fc.constant('moveNodes' as const), moves: fc.array(fc.record({ id: ids, position: xy }), { maxLength: 3 }) }),
  fc.record({ type: fc.constant('setParent' as const), id: ids, parentId: fc.option(ids, { nil: undefined }), position: xy }),
  fc.record({ type: fc.constant('setViewport' as const), viewport: fc.record({ x: fc.integer(), y: fc.integer(), zoom: fc.double({ min: 0.1, max: 4, noNaN: true }) }) }),
);

it('random change sequences keep the document valid and never write to their input', () => {
  fc.assert(
    fc.property(fc.array(change, { maxLength: 30 }), (changes) => {
      let doc = base();
      for (const c of changes) {
        const before = structuredClone(doc);
        const next = apply(doc, c);
        expect(doc).toEqual(before);
        const r = graphDocSchema.safeParse(next);
        if (!r.success) throw new Error(`${JSON.stringify(c)} made the document invalid: ${r.error.issues[0].message}`);
        doc = next;
      }
    }),
    { numRuns: 2000 },
  );
});
