/**
 * Putting a layer inside a wrapper (a recurrent layer in a Bidirectional, a Dense in a TimeDistributed): the one rule
 * behind every way into the container — a layer dropped from the palette, dragged, moved with the arrow keys, pasted,
 * or added while the wrapper is selected. A free-standing layer of a kind the wrapper holds goes into an empty
 * wrapper, sits at WRAP_INSET, and loses its own connections (the wrapper carries them). A layer placed on the canvas
 * goes in when its centre lies on the wrapper.
 */
import { boxOf, centreOf, contains, WRAP_INSET, type Size } from './geometry.ts';
import { apply, type Change } from './ops.ts';
import { isWrapperKind, WRAPPED_KINDS, wrappedList, wrapsKind, type GraphDoc } from './types.ts';

/** Why `childId` cannot go inside `wrapperId`, or null when it can. */
export function wrapRefusal(doc: GraphDoc, childId: string, wrapperId: string): string | null {
  const child = doc.nodes.find((n) => n.id === childId);
  const wrapper = doc.nodes.find((n) => n.id === wrapperId);
  if (!child || !wrapper || child.id === wrapper.id) return 'That layer is no longer in the graph.';
  if (!isWrapperKind(wrapper.data.kind)) return `${wrapper.data.kind} does not wrap layers.`;
  const w = wrapper.data.kind;
  if (!wrapsKind(w, child.data.kind)) return `${w} can only wrap ${wrappedList(w)}, not ${child.data.kind}.`;
  if (child.parentId) return 'That layer is already inside a wrapper.';
  if (wrapper.parentId || doc.nodes.some((n) => n.parentId === wrapperId)) return `This ${w} already wraps a layer; it holds exactly one.`;
  return null;
}

/** The change that puts `childId` inside `wrapperId`; none when it cannot go there (see `wrapRefusal`). */
export const wrapInto = (doc: GraphDoc, childId: string, wrapperId: string): Change[] =>
  wrapRefusal(doc, childId, wrapperId) === null ? [{ type: 'setParent', id: childId, parentId: wrapperId, position: WRAP_INSET }] : [];

/**
 * After layers were placed (added, pasted, dragged, moved by keys): each free-standing layer among `ids` whose
 * centre lies on an empty wrapper that holds its kind goes inside it. Returns the changes (empty when nothing moves in).
 */
export function settleIntoWrappers(doc: GraphDoc, ids: readonly string[], measured: Readonly<Record<string, Size>> = {}): Change[] {
  const changes: Change[] = [];
  let d = doc;
  for (const id of ids) {
    const n = d.nodes.find((x) => x.id === id);
    if (!n || n.parentId || !Object.values(WRAPPED_KINDS).some((k) => (k as readonly string[]).includes(n.data.kind))) continue;
    const c = centreOf(boxOf(n, measured));
    const target = d.nodes.find((w) => isWrapperKind(w.data.kind) && !w.parentId && contains(boxOf(w, measured), c) && wrapRefusal(d, id, w.id) === null);
    if (!target) continue;
    const change = wrapInto(d, id, target.id);
    changes.push(...change);
    d = change.reduce(apply, d);
  }
  return changes;
}
