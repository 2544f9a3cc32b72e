/** roomBelow: where an inserted layer goes and who moves to make room (hand-worked boxes). */
import { describe, expect, it } from 'vitest';
import { NODE_SIZE, ROW_GAP, roomBelow, type GraphDoc, type GraphNode } from '../../src/graph/index.ts';

const n = (id: string, x: number, y: number): GraphNode => ({ id, position: { x, y }, data: { kind: 'Dense', params: {} } });

describe('roomBelow', () => {
  it('centres the new layer under the source and moves every layer that starts below it down by height + gap', () => {
    const doc: GraphDoc = { nodes: [n('a', 0, 0), n('b', 0, 150), n('c', 0, 300), n('side', 400, 50)], edges: [] };
    const r = roomBelow(doc, 'a', { width: 200, height: 80 });
    // a spans y 0–92: the new layer at y 92 + 40, x centred (236 − 200) / 2 = 18.
    expect(r.position).toEqual({ x: 18, y: 92 + ROW_GAP });
    expect(r.moves).toEqual([
      { id: 'b', position: { x: 0, y: 150 + 80 + ROW_GAP } },
      { id: 'c', position: { x: 0, y: 300 + 80 + ROW_GAP } },
    ]);
  });
  it('slides right of a tall layer beside the source that reaches into the new row', () => {
    const doc: GraphDoc = { nodes: [n('a', 0, 0), n('b', 0, 200), n('tall', 100, -10)], edges: [] };
    const r = roomBelow(doc, 'a', NODE_SIZE, { tall: { width: 236, height: 400 } });
    expect(r.position).toEqual({ x: 100 + 236 + ROW_GAP, y: 92 + ROW_GAP });
    expect(r.moves.map((m) => m.id)).toEqual(['b']);
  });
  it('an unknown source gives no moves', () => {
    expect(roomBelow({ nodes: [], edges: [] }, 'x', NODE_SIZE).moves).toEqual([]);
  });
});
