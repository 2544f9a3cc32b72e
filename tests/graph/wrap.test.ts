/** The one wrapping rule (src/graph/wrap.ts) that the palette, drags, arrow keys and paste all go through. */
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/index.ts';
import { apply, isWrapperKind, LAYER_KINDS, settleIntoWrappers, WRAP_INSET, wrapInto, wrapRefusal, type GraphDoc, type GraphNode, type LayerKind } from '../../src/graph/index.ts';
import { LAYERS } from '../../src/layers/index.ts';

const n = (id: string, kind: LayerKind, x: number, y: number, params = {}, parentId?: string): GraphNode => ({ id, position: { x, y }, data: { kind, params }, ...(parentId ? { parentId } : {}) });

/** Input → Bidirectional (empty, box x 300–576, y 0–196) → Dense; free LSTM, GRU and Dropout; a second, full wrapper. */
const doc: GraphDoc = {
  nodes: [
    n('in', 'Input', 0, 0, { inputType: 'features', features: 2 }),
    n('bi', 'Bidirectional', 300, 0),
    n('out', 'Dense', 300, 300, { units: 1 }),
    n('lstm', 'LSTM', 0, 400, { units: 4 }),
    n('gru', 'GRU', 0, 600),
    n('drop', 'Dropout', 0, 800),
    n('full', 'Bidirectional', 900, 0),
    n('inner', 'GRU', 20, 40, {}, 'full'),
    n('td', 'TimeDistributed', 1300, 0),
  ],
  edges: [{ id: 'a', source: 'in', target: 'bi' }, { id: 'b', source: 'bi', target: 'out' }, { id: 'c', source: 'in', target: 'lstm' }],
};
const at = (d: GraphDoc, id: string, x: number, y: number) => apply(d, { type: 'moveNodes', moves: [{ id, position: { x, y } }] });

describe('wrapRefusal / wrapInto', () => {
  it('a free recurrent layer goes into an empty wrapper: at WRAP_INSET, without its own connections; the model compiles', () => {
    expect(wrapRefusal(doc, 'lstm', 'bi')).toBeNull();
    const d = wrapInto(doc, 'lstm', 'bi').reduce(apply, doc);
    expect(d.nodes.find((x) => x.id === 'lstm')).toMatchObject({ parentId: 'bi', position: WRAP_INSET });
    expect(d.edges.map((e) => e.id)).toEqual(['a', 'b']);
    expect(compile({ ...d, nodes: d.nodes.filter((x) => !['gru', 'drop', 'full', 'inner', 'td'].includes(x.id)) }).ok).toBe(true);
  });
  it.each([
    ['drop', 'bi', /only wrap SimpleRNN, LSTM or GRU, not Dropout/],
    ['lstm', 'full', /already wraps a layer/],
    ['inner', 'bi', /already inside a wrapper/],
    ['lstm', 'td', /TimeDistributed can only wrap Dense, Dropout or Activation, not LSTM/],
    ['lstm', 'out', /Dense does not wrap layers/],
    ['lstm', 'gone', /no longer in the graph/],
    ['bi', 'bi', /no longer in the graph/],
  ])('%s into %s is refused (%s) and changes nothing', (child, wrapper, why) => {
    expect(wrapRefusal(doc, child, wrapper)).toMatch(why);
    expect(wrapInto(doc, child, wrapper)).toEqual([]);
  });
  it('the registry and the document agree on which kinds wrap', () => {
    expect(LAYER_KINDS.filter((k) => LAYERS[k].wraps)).toEqual(LAYER_KINDS.filter(isWrapperKind));
  });
});

describe('settleIntoWrappers (where a placed layer ends up)', () => {
  it('wraps a recurrent layer whose centre lies on an empty wrapper, by its measured size or the usual one', () => {
    // Usual LSTM size 236×92: at (250, 20) the centre is (368, 66), inside 300–576 × 0–196.
    expect(settleIntoWrappers(at(doc, 'lstm', 250, 20), ['lstm'])).toEqual([{ type: 'setParent', id: 'lstm', parentId: 'bi', position: WRAP_INSET }]);
    // At (150, 20) the centre (268, 66) is left of the box, though the card overlaps it: it stays free.
    expect(settleIntoWrappers(at(doc, 'lstm', 150, 20), ['lstm'])).toEqual([]);
    // Measured sizes count: a 400-wide card at (150, 20) has its centre (350, 70) on the wrapper.
    expect(settleIntoWrappers(at(doc, 'lstm', 150, 20), ['lstm'], { lstm: { width: 400, height: 100 } })).toHaveLength(1);
  });
  it('only the placed layers settle, one per wrapper, never a full wrapper or a non-recurrent kind', () => {
    let d = at(at(at(doc, 'lstm', 300, 20), 'gru', 310, 30), 'drop', 300, 20);
    expect(settleIntoWrappers(d, ['drop'])).toEqual([]);
    expect(settleIntoWrappers(d, ['gru'])).toEqual([{ type: 'setParent', id: 'gru', parentId: 'bi', position: WRAP_INSET }]);
    // Both land on it: the first goes in, the second stays out (a wrapper holds one).
    expect(settleIntoWrappers(d, ['lstm', 'gru']).map((c) => c.type === 'setParent' && c.id)).toEqual(['lstm']);
    d = at(doc, 'lstm', 900, 20);
    expect(settleIntoWrappers(d, ['lstm'])).toEqual([]);
  });
  it('a Dense or Dropout settles into an empty TimeDistributed (not into a Bidirectional); a recurrent layer does not', () => {
    expect(settleIntoWrappers(at(doc, 'drop', 1300, 20), ['drop'])).toEqual([{ type: 'setParent', id: 'drop', parentId: 'td', position: WRAP_INSET }]);
    expect(settleIntoWrappers(at(doc, 'out', 1300, 20), ['out'])).toEqual([{ type: 'setParent', id: 'out', parentId: 'td', position: WRAP_INSET }]);
    expect(settleIntoWrappers(at(doc, 'lstm', 1300, 20), ['lstm'])).toEqual([]);
  });
});
