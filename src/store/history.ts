/**
 * Undo history as a pure value: the documents before and after the current one. Each recorded step keeps the
 * whole previous document (nodes, edges, params); documents are never written to, so keeping them is cheap.
 */
import type { GraphDoc } from '../graph/types.ts';

export interface History {
  past: GraphDoc[];
  future: GraphDoc[];
}

export const HISTORY_LIMIT = 200;
export const emptyHistory = (): History => ({ past: [], future: [] });

/** `prev` becomes an undo step; any redo branch is dropped. */
export function pushStep(h: History, prev: GraphDoc): History {
  const past = [...h.past, prev];
  return { past: past.length > HISTORY_LIMIT ? past.slice(past.length - HISTORY_LIMIT) : past, future: [] };
}

/** Steps back from `current`; null when there is nothing to undo. */
export function undoStep(h: History, current: GraphDoc): { history: History; doc: GraphDoc } | null {
  if (h.past.length === 0) return null;
  const doc = h.past[h.past.length - 1];
  return { history: { past: h.past.slice(0, -1), future: [current, ...h.future] }, doc };
}

/** Steps forward from `current`; null when there is nothing to redo. */
export function redoStep(h: History, current: GraphDoc): { history: History; doc: GraphDoc } | null {
  if (h.future.length === 0) return null;
  const [doc, ...future] = h.future;
  return { history: { past: [...h.past, current], future }, doc };
}

/**
 * The viewport is where the user looks, not what they made: two documents that differ only there are the same
 * step. Undo restores the document but keeps the current viewport.
 */
export function sameContent(a: GraphDoc, b: GraphDoc): boolean {
  return same(a.nodes, b.nodes) && same(a.edges, b.edges) && same(a.training, b.training) && same(a.meta, b.meta);
}

/** Equal by reference, or else by value (changes rebuild arrays even when they end up changing nothing). */
const same = (x: unknown, y: unknown) => x === y || JSON.stringify(x) === JSON.stringify(y);
