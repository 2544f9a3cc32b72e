/**
 * Copy and paste as pure functions. A copy holds the chosen nodes, the layers wrapped inside any chosen
 * Bidirectional, and the connections between copied nodes; a paste gives every node and edge a fresh id.
 */
import { freshId, type GraphDoc, type GraphEdge, type GraphNode } from '../graph/index.ts';

export interface Clip {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export const PASTE_OFFSET = 40;

export function copyNodes(doc: GraphDoc, ids: readonly string[]): Clip {
  const chosen = new Set(ids);
  // A wrapped layer alone is copied as a free-standing layer; a wrapper brings its child along.
  for (const n of doc.nodes) if (n.parentId && chosen.has(n.parentId)) chosen.add(n.id);
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const nodes = doc.nodes
    .filter((n) => chosen.has(n.id))
    .map((n) => {
      if (!n.parentId || chosen.has(n.parentId)) return n;
      // Child positions are relative to the wrapper; a free-standing copy needs canvas coordinates.
      const p = byId.get(n.parentId)?.position ?? { x: 0, y: 0 };
      return { id: n.id, position: { x: p.x + n.position.x, y: p.y + n.position.y }, data: n.data };
    });
  const edges = doc.edges.filter((e) => chosen.has(e.source) && chosen.has(e.target));
  return { nodes, edges };
}

/**
 * The nodes and edges to add to `doc` for a paste, with fresh ids and top-level nodes shifted by `offset`.
 * `ids` lists the new top-level node ids (what the paste selects).
 */
export function pasteClip(doc: GraphDoc, clip: Clip, offset = PASTE_OFFSET): Clip & { ids: string[] } {
  const taken = new Set<string>();
  const rename = new Map<string, string>();
  for (const n of clip.nodes) {
    const id = freshId(doc, 'n', taken);
    taken.add(id);
    rename.set(n.id, id);
  }
  const nodes = clip.nodes.map((n): GraphNode => {
    const id = rename.get(n.id)!;
    if (n.parentId) return { ...n, id, parentId: rename.get(n.parentId)! };
    return { ...n, id, position: { x: n.position.x + offset, y: n.position.y + offset } };
  });
  const edges = clip.edges.map((e): GraphEdge => {
    const id = freshId(doc, 'e', taken);
    taken.add(id);
    return { id, source: rename.get(e.source)!, target: rename.get(e.target)! };
  });
  return { nodes, edges, ids: nodes.filter((n) => !n.parentId).map((n) => n.id) };
}
