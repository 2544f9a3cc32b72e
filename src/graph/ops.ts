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

/** Applies one change. Unknown ids are ignored (the change is a no-op), so stale UI events are harmless. */
export function apply(doc: GraphDoc, change: Change): GraphDoc {
  switch (change.type) {
    case 'addNodes':
      return { ...doc, nodes: [...doc.nodes, ...change.nodes], edges: [...doc.edges, ...(change.edges ?? [])] };
    case 'removeNodes': {
      // Removing a wrapper removes what it wraps.
      const gone = new Set(change.ids);
      for (const n of doc.nodes) if (n.parentId && gone.has(n.parentId)) gone.add(n.id);
      return {
        ...doc,
        nodes: doc.nodes.filter((n) => !gone.has(n.id)),
        edges: doc.edges.filter((e) => !gone.has(e.source) && !gone.has(e.target)),
      };
    }
    case 'connect':
      if (doc.edges.some((e) => e.id === change.edge.id || (e.source === change.edge.source && e.target === change.edge.target))) return doc;
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
