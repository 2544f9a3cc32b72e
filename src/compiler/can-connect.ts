/** Whether a new connection is allowed, and why not: React Flow's isValidConnection wraps this. */
import type { GraphDoc } from '../graph/types.ts';
import { LAYERS } from '../layers/index.ts';
import { compile } from './compile.ts';

export type ConnectCheck = { ok: true } | { ok: false; code: string; reason: string };

const SHAPE_CODES = new Set(['E_NEEDS_RETURN_SEQUENCES', 'E_NEEDS_SEQUENCE', 'E_NEEDS_EMBEDDING', 'E_EMBEDDING_NEEDS_IDS', 'E_SHAPE_MISMATCH', 'E_MASK_UNSUPPORTED', 'E_VOCAB_MISMATCH', 'E_CYCLE']);

export function canConnect(doc: Pick<GraphDoc, 'nodes' | 'edges'>, c: { source: string; target: string }): ConnectCheck {
  const src = doc.nodes.find((n) => n.id === c.source);
  const dst = doc.nodes.find((n) => n.id === c.target);
  if (!src || !dst) return { ok: false, code: 'E_BAD_EDGE', reason: 'That layer no longer exists.' };
  if (c.source === c.target) return { ok: false, code: 'E_CYCLE', reason: 'A layer cannot feed itself: recurrence lives inside the cell.' };
  if (src.parentId || dst.parentId) return { ok: false, code: 'E_WRAPPED_HAS_EDGES', reason: 'Connect the Bidirectional wrapper, not the layer inside it.' };
  const spec = LAYERS[dst.data.kind];
  if (!spec) return { ok: false, code: 'E_UNKNOWN_KIND', reason: `"${String(dst.data.kind)}" is not a layer kind RNN Studio knows.` };
  if (spec.arity === 'none') return { ok: false, code: 'E_INPUT_HAS_INPUT', reason: 'An Input cannot receive a connection.' };
  if (doc.edges.some((e) => e.source === c.source && e.target === c.target)) return { ok: false, code: 'E_DUPLICATE', reason: 'These layers are already connected.' };
  if (spec.arity === 'one' && doc.edges.some((e) => e.target === c.target))
    return { ok: false, code: 'E_TOO_MANY_INPUTS', reason: `${dst.data.kind} already has an input. Delete that connection first, or merge with Concatenate/Add.` };
  const trial = compile({ nodes: doc.nodes, edges: [...doc.edges, { id: '__trial__', source: c.source, target: c.target }] });
  const d = trial.diagnostics.find((x) => x.nodeId === c.target && SHAPE_CODES.has(x.code));
  return d ? { ok: false, code: d.code, reason: d.message } : { ok: true };
}
