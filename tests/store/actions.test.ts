import { beforeEach, describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/index.ts';
import { LAYERS, withDefaults } from '../../src/layers/index.ts';
import {
  addFromPalette, addLayer, applyLive, beginGesture, connect, copySelection, duplicateSelection, endDrag, fixReturnSequences, loadDocument,
  moveNodes, paste, presetByName, removeSelection, resetStore, selectIsDirty, selectNodes, setParam, undo, unwrap, updateTraining, useStore,
  wrapInBidirectional, markSaved, EMPTY_DOC, reconnectEdge, insertOnEdge, PRESETS,
} from '../../src/store/index.ts';
import { boxOf, overlaps, WRAP_INSET, type GraphNode } from '../../src/graph/index.ts';

const state = () => useStore.getState();
const doc = () => state().doc;
const node = (id: string) => doc().nodes.find((n) => n.id === id);
const steps = () => state().history.past.length;

beforeEach(() => {
  resetStore();
  loadDocument(presetByName('lesson-lstm')!.doc, { record: false });
});

describe('store actions', () => {
  it('addLayer adds one node with default params, a fresh id, selects it, one step', () => {
    const id = addLayer('GRU', { x: 5, y: 6 });
    expect(doc().nodes.filter((n) => n.id === id)).toHaveLength(1);
    expect(node(id)!.data.params).toEqual(withDefaults(LAYERS.GRU.params, {}));
    expect(node(id)!.position).toEqual({ x: 5, y: 6 });
    expect(state().selection).toEqual([id]);
    expect(steps()).toBe(1);
    expect(addLayer('GRU', { x: 0, y: 0 })).not.toBe(id);
  });

  it('connect refuses an invalid pair with the compiler reason, shows it, and changes nothing', () => {
    const lstm = addLayer('LSTM', { x: 0, y: 0 });
    const before = doc();
    const r = connect('n4', lstm); // Dense [batch, 4] → LSTM
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/LSTM needs \[batch, time, features\].*\[batch, 4\]/);
    expect(state().status).toMatchObject({ kind: 'error' });
    expect(state().status!.text).toBe(!r.ok && r.reason);
    expect(doc()).toBe(before);
  });

  it('connect adds a valid edge with a fresh id', () => {
    const gru = addLayer('GRU', { x: 0, y: 0 });
    setParam('n3', 'returnSequences', true);
    removeSelection(); // the GRU
    expect(node(gru)).toBeUndefined();
    const g2 = addLayer('GRU', { x: 0, y: 0 });
    useStore.setState({ doc: { ...doc(), edges: doc().edges.filter((e) => e.id !== 'e3') } });
    expect(connect('n3', g2).ok).toBe(true);
    const e = doc().edges.find((x) => x.target === g2)!;
    expect(e.source).toBe('n3');
    expect(doc().edges.filter((x) => x.id === e.id)).toHaveLength(1);
  });

  it('wrapInBidirectional puts the layer inside a new wrapper that takes its connections; concat doubles the width', () => {
    const b = wrapInBidirectional('n3')!;
    expect(node('n3')!.parentId).toBe(b);
    expect(node('n3')!.position).toEqual(WRAP_INSET);
    expect(doc().edges.map((e) => [e.source, e.target])).toEqual([['n1', 'n2'], ['n2', b], [b, 'n4']]);
    const c = compile(doc());
    expect(c.ok).toBe(true);
    expect(c.shapes[b].dims).toEqual([16]);
    expect(c.params[b]).toBe(2 * 2336);
    expect(steps()).toBe(1);
    undo();
    expect(node(b)).toBeUndefined();
    expect(node('n3')!.parentId).toBeUndefined();
    expect(doc().edges.map((e) => e.id)).toEqual(['e1', 'e2', 'e3']);
  });

  it('unwrap takes the layer out, removes the wrapper, keeps the connections', () => {
    const b = wrapInBidirectional('n3')!;
    unwrap('n3');
    expect(node(b)).toBeUndefined();
    expect(node('n3')!.parentId).toBeUndefined();
    expect(compile(doc()).ok).toBe(true);
    expect(doc().edges.map((e) => [e.source, e.target])).toEqual([['n1', 'n2'], ['n2', 'n3'], ['n3', 'n4']]);
  });

  describe('every way into an empty Bidirectional wraps the layer, and the model compiles', () => {
    /** lesson-lstm as Embedding → Bidirectional → Dense, the Bidirectional empty at (600, 0), the LSTM (n3) free at (0, 600). */
    let b: string;
    beforeEach(() => {
      b = addLayer('Bidirectional', { x: 600, y: 0 });
      const d = doc();
      const lstm = node('n3')!;
      // Re-route Embedding → [b] → Dense and drop the free LSTM far away, as a user would before moving it in.
      useStore.setState({
        doc: {
          ...d,
          nodes: d.nodes.map((n) => (n.id === 'n3' ? { ...lstm, position: { x: 0, y: 600 } } : n)),
          edges: [d.edges.find((e) => e.source === 'n1')!, { id: 'x1', source: 'n2', target: b }, { id: 'x2', source: b, target: 'n4' }],
        },
        history: { past: [], future: [] },
      });
      expect(compile(doc()).ok).toBe(false); // E_BIDI_EMPTY, and the LSTM is dangling
    });
    const wrapped = () => {
      expect(node('n3')).toMatchObject({ parentId: b, position: WRAP_INSET });
      expect(doc().edges.some((e) => e.source === 'n3' || e.target === 'n3')).toBe(false);
      expect(compile(doc()).ok).toBe(true);
    };

    it('arrow keys: the press that brings the layer\'s centre onto the wrapper wraps it (one step per press)', () => {
      // The LSTM's centre starts at (118, 646); the wrapper spans x 600–876, y 0–196.
      moveNodes([{ id: 'n3', position: { x: 480, y: 600 } }]);
      expect(node('n3')!.parentId).toBeUndefined(); // centre (598, 646): not on it yet
      moveNodes([{ id: 'n3', position: { x: 600, y: 60 } }]);
      wrapped();
      expect(state().selection).toEqual([b]);
      expect(steps()).toBe(2);
      undo();
      expect(node('n3')).toMatchObject({ position: { x: 480, y: 600 } });
      expect(node('n3')!.parentId).toBeUndefined();
    });

    it('a drag: moves shown live, wrapped when it ends, one undo step', () => {
      beginGesture();
      applyLive([{ type: 'moveNodes', moves: [{ id: 'n3', position: { x: 620, y: 40 } }] }]);
      endDrag(['n3']);
      wrapped();
      expect(steps()).toBe(1);
      undo();
      expect(node('n3')).toMatchObject({ position: { x: 0, y: 600 } });
    });

    it('paste: a copied LSTM pasted while the empty Bidirectional is selected goes inside it', () => {
      selectNodes(['n3']);
      copySelection();
      removeSelection();
      selectNodes([b]);
      paste();
      const pasted = doc().nodes.find((n) => n.data.kind === 'LSTM')!;
      expect(pasted).toMatchObject({ parentId: b, position: WRAP_INSET });
      expect(compile(doc()).ok).toBe(true);
      // The next paste has no empty wrapper to go into: it lands free, beside the copy's first place.
      selectNodes([b]);
      paste();
      expect(doc().nodes.filter((n) => n.data.kind === 'LSTM' && !n.parentId)).toHaveLength(1);
    });

    it('paste: a copy that lands with its centre on the empty wrapper goes inside it; elsewhere it stays free', () => {
      moveNodes([{ id: 'n3', position: { x: 580, y: 30 } }]); // centre (698, 76): this move wraps it already
      wrapped();
      unwrap('n3');
      moveNodes([{ id: 'n3', position: { x: 300, y: 0 } }]);
      b = addLayer('Bidirectional', { x: 340, y: 40 }); // the paste offset (+40, +40) puts the copy right on it
      selectNodes(['n3']);
      copySelection();
      paste();
      const copy = doc().nodes.find((n) => n.data.kind === 'LSTM' && n.id !== 'n3')!;
      expect(copy).toMatchObject({ parentId: b, position: WRAP_INSET });
      selectNodes(['n3']);
      duplicateSelection(); // lands on the now full wrapper: stays free
      expect(doc().nodes.filter((n) => n.data.kind === 'LSTM' && !n.parentId)).toHaveLength(2);
    });

    it('the palette (click or Enter) with the empty Bidirectional selected adds a recurrent layer inside it; other kinds stay out', () => {
      selectNodes([b]);
      addFromPalette('Dense', { x: 0, y: 900 });
      expect(doc().nodes.filter((n) => n.parentId === b)).toHaveLength(0);
      selectNodes([b]);
      const gru = addFromPalette('GRU', { x: 0, y: 900 });
      expect(node(gru)).toMatchObject({ parentId: b, position: WRAP_INSET });
      // A full wrapper takes no second layer.
      selectNodes([b]);
      expect(node(addFromPalette('LSTM', { x: 0, y: 1200 }))!.parentId).toBeUndefined();
    });

    it('a palette drop onto the wrapper wraps (addLayer at the drop point)', () => {
      const gru = addLayer('GRU', { x: 640, y: 40 });
      expect(node(gru)).toMatchObject({ parentId: b, position: WRAP_INSET });
      expect(steps()).toBe(1);
    });
  });

  it('the returnSequences fix clears E_NEEDS_RETURN_SEQUENCES', () => {
    const l2 = addLayer('LSTM', { x: 0, y: 0 });
    useStore.setState({ doc: { ...doc(), edges: doc().edges.filter((e) => e.id !== 'e3') } });
    connect('n3', l2);
    // connect refused (n3 returns a vector) — wire it anyway, as an old file might, and fix it.
    useStore.setState({ doc: { ...doc(), edges: [...doc().edges, { id: 'ex', source: 'n3', target: l2 }] } });
    expect(compile(doc()).diagnostics.map((d) => d.code)).toContain('E_NEEDS_RETURN_SEQUENCES');
    fixReturnSequences(l2);
    expect(node('n3')!.data.params.returnSequences).toBe(true);
    expect(compile(doc()).diagnostics.map((d) => d.code)).not.toContain('E_NEEDS_RETURN_SEQUENCES');
  });

  it('copy + paste is one step with fresh ids, the inner edges, offset positions; wrappers bring their child', () => {
    const b = wrapInBidirectional('n3')!;
    selectNodes(['n2', b]);
    copySelection();
    const before = doc();
    paste();
    expect(steps()).toBe(2);
    const added = doc().nodes.filter((n) => !before.nodes.some((m) => m.id === n.id));
    expect(added.map((n) => n.data.kind).sort()).toEqual(['Bidirectional', 'Embedding', 'LSTM']);
    const ids = doc().nodes.map((n) => n.id);
    expect(new Set(ids).size).toBe(ids.length);
    const newEdges = doc().edges.filter((e) => !before.edges.some((m) => m.id === e.id));
    expect(newEdges).toHaveLength(1); // Embedding → Bidirectional (copied), no edge to the uncopied Input/Dense
    const child = added.find((n) => n.data.kind === 'LSTM')!;
    const wrapper = added.find((n) => n.data.kind === 'Bidirectional')!;
    expect(child.parentId).toBe(wrapper.id);
    expect(child.position).toEqual(WRAP_INSET);
    expect(wrapper.position.x).toBe(node(b)!.position.x + 40);
    expect(state().selection.sort()).toEqual(added.filter((n) => !n.parentId).map((n) => n.id).sort());
    expect(compile(doc()).diagnostics.some((d) => d.code === 'E_DUPLICATE_ID')).toBe(false);
    undo();
    expect(doc().nodes).toEqual(before.nodes);
  });

  it('duplicate copies without touching the clipboard', () => {
    selectNodes(['n4']);
    duplicateSelection();
    expect(doc().nodes.filter((n) => n.data.kind === 'Dense')).toHaveLength(2);
    expect(state().clipboard).toBeNull();
  });

  it('dirty is a comparison with the last save, not an edit count', () => {
    markSaved();
    expect(selectIsDirty(state())).toBe(false);
    setParam('n3', 'units', 9);
    expect(selectIsDirty(state())).toBe(true);
    setParam('n3', 'units', 8);
    expect(selectIsDirty(state())).toBe(false);
  });

  it('updateTraining is one recorded step and keeps a seed', () => {
    loadDocument(EMPTY_DOC);
    updateTraining({ learningRate: 0.01 });
    expect(doc().training).toEqual({ seed: 42, learningRate: 0.01 });
    undo();
    expect(doc().training).toEqual({ seed: 42 });
  });
  it('reconnectEdge re-routes as one step when allowed, and refuses with the reason otherwise', () => {
    const d2 = addLayer('Dense', { x: 0, y: 0 });
    expect(reconnectEdge('e3', 'n3', d2).ok).toBe(true);
    expect(doc().edges.find((e) => e.id === 'e3')).toBeUndefined();
    expect(doc().edges.some((e) => e.source === 'n3' && e.target === d2)).toBe(true);
    const n = steps();
    undo();
    expect(steps()).toBe(n - 1);
    expect(doc().edges.find((e) => e.id === 'e3')).toEqual({ id: 'e3', source: 'n3', target: 'n4' });
    const r = reconnectEdge('e2', 'n4', 'n3'); // Dense output into the LSTM
    expect(r.ok).toBe(false);
    expect(doc().edges.find((e) => e.id === 'e2')).toBeDefined();
  });
  it('insertOnEdge puts a layer inside a connection as one step', () => {
    const id = insertOnEdge('e3', 'Dropout')!;
    expect(doc().edges.find((e) => e.id === 'e3')).toBeUndefined();
    expect(doc().edges.filter((e) => e.source === 'n3' || e.target === 'n4').map((e) => [e.source, e.target])).toEqual([['n3', id], [id, 'n4']]);
    expect(compile(doc()).ok).toBe(true);
    expect(state().selection).toEqual([id]);
    undo();
    expect(doc().edges.find((e) => e.id === 'e3')).toEqual({ id: 'e3', source: 'n3', target: 'n4' });
    expect(node(id)).toBeUndefined();
  });

  it('insertOnEdge makes room: on every connection of every preset, no two layers overlap afterwards', () => {
    const overlapping = () => {
      const boxes = doc().nodes.filter((n) => !n.parentId).map((n) => ({ id: n.id, ...boxOf(n, {}) }));
      return boxes.flatMap((a, i) => boxes.slice(i + 1).filter((b) => overlaps(a, b)).map((b) => `${a.id}/${b.id}`));
    };
    let checked = 0;
    for (const p of PRESETS) {
      // Presets carry rough positions (the app lays them out on load): stack them as auto-layout does, 46 apart.
      const d = p.doc;
      let y = 0;
      const stack = (n: GraphNode) => {
        const at = { ...n, position: { x: 0, y } };
        y += boxOf(n, {}).height + 46;
        return at;
      };
      const laid = { ...d, nodes: d.nodes.map((n) => (n.parentId ? n : stack(n))) };
      for (const e of laid.edges) {
        loadDocument(laid, { record: false });
        expect(overlapping()).toEqual([]);
        const before = doc().nodes.find((n) => n.id === e.target)!.position.y;
        const id = insertOnEdge(e.id, 'LSTM')!;
        expect(overlapping(), `${p.name} ${e.id}`).toEqual([]);
        // The new layer sits between its neighbours, and what was under the source moved down.
        expect(node(id)!.position.y).toBeGreaterThan(node(e.source)!.position.y);
        expect(node(e.target)!.position.y).toBeGreaterThan(before);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });
});
