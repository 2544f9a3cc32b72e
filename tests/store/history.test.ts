import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import type { GraphDoc } from '../../src/graph/index.ts';
import {
  addLayer, applyLive, beginGesture, commit, connect, endGesture, HISTORY_LIMIT, loadDocument, moveNodes, presetByName, redo, removeElements,
  resetStore, selectCanRedo, selectCanUndo, selectNodes, setParam, setViewport, undo, useStore,
} from '../../src/store/index.ts';

const doc = () => useStore.getState().doc;
const steps = () => useStore.getState().history.past.length;
const lesson = () => presetByName('lesson-lstm')!.doc;

beforeEach(() => {
  resetStore();
  loadDocument(lesson(), { record: false });
});

describe('history', () => {
  it('a param edit is one step; undo restores the param, redo re-applies it', () => {
    setParam('n3', 'units', 16);
    expect(steps()).toBe(1);
    undo();
    expect(doc().nodes.find((n) => n.id === 'n3')!.data.params.units).toBe(8);
    expect(selectCanRedo(useStore.getState())).toBe(true);
    redo();
    expect(doc().nodes.find((n) => n.id === 'n3')!.data.params.units).toBe(16);
  });

  it('a drag (many live moves) is one step; its start position comes back on undo', () => {
    const start = doc().nodes.find((n) => n.id === 'n4')!.position;
    beginGesture();
    for (let i = 1; i <= 20; i++) applyLive([{ type: 'moveNodes', moves: [{ id: 'n4', position: { x: start.x + i * 5, y: start.y } }] }]);
    endGesture();
    expect(steps()).toBe(1);
    expect(doc().nodes.find((n) => n.id === 'n4')!.position.x).toBe(start.x + 100);
    undo();
    expect(doc().nodes.find((n) => n.id === 'n4')!.position).toEqual(start);
  });

  it('a gesture that ends where it started makes no step', () => {
    beginGesture();
    endGesture();
    expect(steps()).toBe(0);
  });

  it('selection and viewport changes are never steps, and undo keeps the current viewport', () => {
    setParam('n3', 'units', 12);
    selectNodes(['n2']);
    setViewport({ x: 10, y: 20, zoom: 0.5 });
    expect(steps()).toBe(1);
    undo();
    expect(doc().viewport).toEqual({ x: 10, y: 20, zoom: 0.5 });
    expect(useStore.getState().selection).toEqual(['n2']);
  });

  it('a change that changes nothing makes no step (unknown id, same value, same position)', () => {
    const p = doc().nodes.find((n) => n.id === 'n1')!.position;
    commit([{ type: 'setParam', id: 'nope', key: 'units', value: 3 }]);
    setParam('n3', 'units', 8);
    moveNodes([{ id: 'n1', position: { ...p } }]);
    expect(steps()).toBe(0);
  });

  it('a new edit after undo drops the redo branch', () => {
    setParam('n3', 'units', 9);
    undo();
    setParam('n3', 'units', 10);
    expect(selectCanRedo(useStore.getState())).toBe(false);
  });

  it('a multi-delete is one step and restores nodes, edges and params', () => {
    const before = doc();
    removeElements(['n2', 'n3', 'n4']);
    expect(doc().nodes.map((n) => n.id)).toEqual(['n1']);
    expect(doc().edges).toEqual([]);
    expect(steps()).toBe(1);
    undo();
    expect(doc().nodes).toEqual(before.nodes);
    expect(doc().edges).toEqual(before.edges);
  });

  it('keeps at most HISTORY_LIMIT steps', () => {
    for (let i = 0; i < HISTORY_LIMIT + 5; i++) setParam('n3', 'units', 1 + (i % 50) + (i % 2 ? 100 : 0));
    expect(steps()).toBe(HISTORY_LIMIT);
  });

  it('undo ∘ do = id: after any edit sequence, undoing everything gives back the document', () => {
    const kinds = ['LSTM', 'GRU', 'Dense', 'Dropout', 'Bidirectional'] as const;
    const action = fc.oneof(
      fc.record({ t: fc.constant('add' as const), kind: fc.constantFrom(...kinds), x: fc.integer({ min: -500, max: 500 }) }),
      fc.record({ t: fc.constant('param' as const), units: fc.integer({ min: 1, max: 300 }), pick: fc.nat() }),
      fc.record({ t: fc.constant('remove' as const), pick: fc.nat() }),
      fc.record({ t: fc.constant('connect' as const), a: fc.nat(), b: fc.nat() }),
      fc.record({ t: fc.constant('move' as const), pick: fc.nat(), dx: fc.integer({ min: -50, max: 50 }) }),
    );
    fc.assert(
      fc.property(fc.array(action, { maxLength: 25 }), (actions) => {
        resetStore();
        loadDocument(lesson(), { record: false });
        const start: GraphDoc = doc();
        const ids = () => doc().nodes.map((n) => n.id);
        const at = (k: number) => ids()[k % Math.max(1, ids().length)];
        for (const a of actions) {
          if (a.t === 'add') addLayer(a.kind, { x: a.x, y: 0 });
          else if (a.t === 'param' && ids().length) setParam(at(a.pick), 'units', a.units);
          else if (a.t === 'remove' && ids().length) removeElements([at(a.pick)]);
          else if (a.t === 'connect' && ids().length) connect(at(a.a), at(a.b));
          else if (a.t === 'move' && ids().length) {
            const n = doc().nodes.find((x) => x.id === at(a.pick))!;
            beginGesture();
            applyLive([{ type: 'moveNodes', moves: [{ id: n.id, position: { x: n.position.x + a.dx, y: n.position.y } }] }]);
            endGesture();
          }
        }
        while (selectCanUndo(useStore.getState())) undo();
        expect(doc().nodes).toEqual(start.nodes);
        expect(doc().edges).toEqual(start.edges);
      }),
      { numRuns: 150 },
    );
  });
});
