/** Whether a new connection is allowed, and why not: React Flow's isValidConnection wraps this. */
import type { GraphDoc, GraphEdge, GraphNode } from '../graph/types.ts';
import { LAYERS, portsOf, withDefaults } from '../layers/index.ts';
import { compile } from './compile.ts';

export type ConnectCheck = { ok: true } | { ok: false; code: string; reason: string };

/** A connection as React Flow proposes it; absent or null handles are the first ports (`output` → `x`). */
export type ConnectRequest = Pick<GraphEdge, 'source' | 'target' | 'sourceHandle' | 'targetHandle'>;

const SHAPE_CODES = new Set([
  'E_NEEDS_RETURN_SEQUENCES', 'E_NEEDS_SEQUENCE', 'E_NEEDS_EMBEDDING', 'E_EMBEDDING_NEEDS_IDS', 'E_SHAPE_MISMATCH', 'E_MASK_UNSUPPORTED', 'E_VOCAB_MISMATCH', 'E_CYCLE',
  'E_BAD_PORT', 'E_STATE_MISMATCH',
]);

/** The ports an edge joins, defaults filled in. */
function portsJoined(n: { src: GraphNode; dst: GraphNode }, e: Pick<ConnectRequest, 'sourceHandle' | 'targetHandle'>) {
  // A node of a kind we do not know (a damaged file) has the default ports; compile reports the kind itself.
  const p = (x: GraphNode) => {
    const spec = LAYERS[x.data.kind];
    return spec ? portsOf(spec, withDefaults(spec.params, x.data.params)) : { inputs: ['x'], outputs: ['output'] };
  };
  return { out: e.sourceHandle ?? p(n.src).outputs[0], into: e.targetHandle ?? p(n.dst).inputs[0] ?? 'x', data: p(n.dst).inputs[0] ?? 'x' };
}

export function canConnect(doc: Pick<GraphDoc, 'nodes' | 'edges'>, c: ConnectRequest): ConnectCheck {
  const src = doc.nodes.find((n) => n.id === c.source);
  const dst = doc.nodes.find((n) => n.id === c.target);
  if (!src || !dst) return { ok: false, code: 'E_BAD_EDGE', reason: 'That layer no longer exists.' };
  if (c.source === c.target) return { ok: false, code: 'E_CYCLE', reason: 'A layer cannot feed itself: recurrence lives inside the cell.' };
  const inside = src.parentId ?? dst.parentId;
  if (inside !== undefined) {
    const wrapper = doc.nodes.find((n) => n.id === inside)?.data.kind ?? 'wrapper';
    return { ok: false, code: 'E_WRAPPED_HAS_EDGES', reason: `Connect the ${wrapper}, not the layer inside it.` };
  }
  const spec = LAYERS[dst.data.kind];
  if (!spec) return { ok: false, code: 'E_UNKNOWN_KIND', reason: `"${String(dst.data.kind)}" is not a layer kind RNN Studio knows.` };
  if (spec.arity === 'none') return { ok: false, code: 'E_INPUT_HAS_INPUT', reason: 'An Input cannot receive a connection.' };
  const pair = { src, dst };
  const want = portsJoined(pair, c);
  const into = doc.edges.filter((e) => e.target === c.target).map((e) => ({ e, ...portsJoined({ src: doc.nodes.find((n) => n.id === e.source) ?? src, dst }, e) }));
  if (into.some((x) => x.e.source === c.source && x.out === want.out && x.into === want.into)) return { ok: false, code: 'E_DUPLICATE', reason: 'These layers are already connected.' };
  if (spec.arity === 'one' && want.into === want.data && into.some((x) => x.into === want.data))
    return { ok: false, code: 'E_TOO_MANY_INPUTS', reason: `${dst.data.kind} already has an input. Delete that connection first, or merge with Concatenate/Add.` };
  if (want.into !== want.data && into.some((x) => x.into === want.into))
    return { ok: false, code: 'E_TOO_MANY_INPUTS', reason: `${dst.data.kind}'s ${want.into} is already connected. Delete that connection first.` };
  const trial = compile({ nodes: doc.nodes, edges: [...doc.edges, { id: '__trial__', source: c.source, target: c.target, sourceHandle: c.sourceHandle ?? null, targetHandle: c.targetHandle ?? null }] });
  const d = trial.diagnostics.find((x) => (x.nodeId === c.target || x.edgeId === '__trial__') && SHAPE_CODES.has(x.code));
  return d ? { ok: false, code: d.code, reason: d.message } : { ok: true };
}
