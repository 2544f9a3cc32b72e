/**
 * Changes to a document are data, applied by one pure function. `apply` never writes to its input, so undo can
 * keep old documents as they are.
 */
import { assertNever, type GraphDoc, type GraphEdge, type GraphNode, type ParamValue, type Viewport, type XY } from './types.ts';

export type Change =
  | { type: 'addNodes'; nodes: GraphNode[]; edges?: GraphEdge[] }
  | { type: 'removeNodes'; ids: string[] }
  | { type: 'connect'; edge: GraphEdge }
  | { type: 'disconnect'; ids: string[] }
  | { type: 'setParam'; id: string; key: string; value: ParamValue }
  | { type: 'rename'; id: string; name: string }
  | { type: 'moveNodes'; moves: { id: string; position: XY }[] }
  | { type: 'setParent'; id: string; parentId: string | undefined; position: XY }
  | { type: 'setViewport'; viewport: Viewport }
  | { type: 'replace'; doc: GraphDoc };

const mapNode = (doc: GraphDoc, id: string, f: (n: GraphNode) => GraphNode): GraphDoc => ({
  ...doc,
  nodes: doc.nodes.map((n) => (n.id === id ? f(n) : n)),
});

const hasNode = (doc: GraphDoc, id: string | undefined) => doc.nodes.some((n) => n.id === id);

/** Whether `e` can join `edges` in a document with these node ids: both ends exist, and neither its id nor its pair of ports is taken. */
const edgeFits = (edges: GraphEdge[], ids: Set<string>, e: GraphEdge) =>
  ids.has(e.source) && ids.has(e.target) && !edges.some((x) => x.id === e.id || (x.source === e.source && x.target === e.target && samePorts(x, e)));
/** Two edges between the same layers are twins when they join the same ports too (absent and null are the default port). */
const samePorts = (a: GraphEdge, b: GraphEdge) => (a.sourceHandle ?? null) === (b.sourceHandle ?? null) && (a.targetHandle ?? null) === (b.targetHandle ?? null);

/**
 * Applies one change. Changes that name unknown ids are ignored (a no-op, or the stale part is dropped), so late
 * UI events are harmless and every result is still a valid document.
 */
export function apply(doc: GraphDoc, change: Change): GraphDoc {
  switch (change.type) {
    case 'addNodes': {
      // A node whose id is taken is skipped; a parent outside the document is dropped; edges must fit.
      const ids = new Set(doc.nodes.map((n) => n.id));
      const added: GraphNode[] = [];
      for (const n of change.nodes)
        if (!ids.has(n.id)) {
          ids.add(n.id);
          added.push(n);
        }
      const nodes = [...doc.nodes, ...added.map(({ parentId, ...n }) => (parentId !== undefined && ids.has(parentId) && parentId !== n.id ? { ...n, parentId } : n))];
      const edges = [...doc.edges];
      for (const e of change.edges ?? []) if (edgeFits(edges, ids, e)) edges.push(e);
      return { ...doc, nodes, edges };
    }
    case 'removeNodes': {
      // Removing a wrapper removes what it wraps (to any depth).
      const gone = new Set(change.ids);
      for (let grew = true; grew; ) {
        grew = false;
        for (const n of doc.nodes)
          if (n.parentId && gone.has(n.parentId) && !gone.has(n.id)) {
            gone.add(n.id);
            grew = true;
          }
      }
      return {
        ...doc,
        nodes: doc.nodes.filter((n) => !gone.has(n.id)),
        edges: doc.edges.filter((e) => !gone.has(e.source) && !gone.has(e.target)),
        ...(doc.outputOrder ? { outputOrder: doc.outputOrder.filter((id) => !gone.has(id)) } : {}),
      };
    }
    case 'connect':
      if (!edgeFits(doc.edges, new Set(doc.nodes.map((n) => n.id)), change.edge)) return doc;
      return { ...doc, edges: [...doc.edges, change.edge] };
    case 'disconnect': {
      const gone = new Set(change.ids);
      return { ...doc, edges: doc.edges.filter((e) => !gone.has(e.id)) };
    }
    case 'setParam':
      return mapNode(doc, change.id, (n) => ({ ...n, data: { ...n.data, params: { ...n.data.params, [change.key]: change.value } } }));
    case 'rename':
      return mapNode(doc, change.id, (n) => ({ ...n, data: { ...n.data, name: change.name } }));
    case 'moveNodes': {
      const to = new Map(change.moves.map((m) => [m.id, m.position]));
      return { ...doc, nodes: doc.nodes.map((n) => (to.has(n.id) ? { ...n, position: to.get(n.id)! } : n)) };
    }
    case 'setParent': {
      if (!hasNode(doc, change.id) || (change.parentId !== undefined && (!hasNode(doc, change.parentId) || change.parentId === change.id))) return doc;
      // A wrapped layer is reached through its wrapper: its own connections go.
      const moved = mapNode(doc, change.id, ({ parentId: _old, ...n }) => ({
        ...n,
        position: change.position,
        ...(change.parentId ? { parentId: change.parentId } : {}),
      }));
      return change.parentId ? { ...moved, edges: moved.edges.filter((e) => e.source !== change.id && e.target !== change.id) } : moved;
    }
    case 'setViewport':
      return { ...doc, viewport: change.viewport };
    case 'replace':
      return change.doc;
    default:
      return assertNever(change);
  }
}

/** The smallest `${prefix}${k}` not used as a node or edge id in `doc` (nor in `taken`). */
export function freshId(doc: GraphDoc, prefix: string, taken: Set<string> = new Set()): string {
  const used = new Set([...doc.nodes.map((n) => n.id), ...doc.edges.map((e) => e.id), ...taken]);
  for (let k = 1; ; k++) if (!used.has(`${prefix}${k}`)) return `${prefix}${k}`;
}
