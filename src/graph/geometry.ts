/**
 * The canvas geometry that document positions refer to: a layer's usual size before the canvas has measured it,
 * where a wrapped layer sits inside its wrapper, and boxes of top-level nodes (positions are canvas coordinates).
 */
import { isWrapperKind, type GraphDoc, type GraphNode, type LayerKind, type XY } from './types.ts';

export interface Size {
  width: number;
  height: number;
}
export interface Box extends XY, Size {}

/** Where a layer sits inside its Bidirectional wrapper (a child's position is relative to its wrapper). */
export const WRAP_INSET: XY = { x: 20, y: 40 };
/** A layer card before the canvas measured it (its width is fixed by the stylesheet). */
export const NODE_SIZE: Size = { width: 236, height: 92 };
/** Room under the wrapped layer for the forward/backward lanes and the merge. */
export const WRAPPER_FOOTER = 64;
export const WRAPPER_WIDTH = NODE_SIZE.width + 2 * WRAP_INSET.x;
export const wrapperHeight = (childHeight = NODE_SIZE.height): number => WRAP_INSET.y + childHeight + WRAPPER_FOOTER;

/** The usual size of a new layer of `kind`, before the canvas measures it. */
export const defaultSize = (kind: LayerKind): Size => (isWrapperKind(kind) ? { width: WRAPPER_WIDTH, height: wrapperHeight() } : NODE_SIZE);

/** A top-level node's box on the canvas: its measured size, else the usual size of its kind. */
export function boxOf(n: GraphNode, measured: Readonly<Record<string, Size>>): Box {
  const size = measured[n.id] ?? defaultSize(n.data.kind);
  return { x: n.position.x, y: n.position.y, width: size.width, height: size.height };
}

export const centreOf = (b: Box): XY => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });
export const contains = (b: Box, p: XY): boolean => p.x >= b.x && p.x <= b.x + b.width && p.y >= b.y && p.y <= b.y + b.height;
/** Whether two boxes overlap, or come closer than `gap`. */
export const overlaps = (a: Box, b: Box, gap = 0): boolean =>
  a.x < b.x + b.width + gap && b.x < a.x + a.width + gap && a.y < b.y + b.height + gap && b.y < a.y + a.height + gap;

/** The space kept between a layer and the one inserted under it (about what auto-layout leaves between rows). */
export const ROW_GAP = 40;

/**
 * Room for a new layer of `size` right under `aboveId`: every top-level layer that starts below it moves down by
 * the new layer's height and a gap (their arrangement is kept), and the new layer goes into the freed row, centred
 * under `aboveId` — or, where a tall layer beside reaches into that row, to the right of everything it would touch.
 * No two layers overlap afterwards unless they already did.
 */
export function roomBelow(doc: GraphDoc, aboveId: string, size: Size, measured: Readonly<Record<string, Size>> = {}): { position: XY; moves: { id: string; position: XY }[] } {
  const top = doc.nodes.filter((n) => !n.parentId);
  const above = top.find((n) => n.id === aboveId);
  if (!above) return { position: { x: 0, y: 0 }, moves: [] };
  const a = boxOf(above, measured);
  const bottom = a.y + a.height;
  const dy = size.height + ROW_GAP;
  const moves = top.filter((n) => n.id !== aboveId && n.position.y >= bottom).map((n) => ({ id: n.id, position: { x: n.position.x, y: n.position.y + dy } }));
  const moved = new Set(moves.map((m) => m.id));
  const staying = top.filter((n) => !moved.has(n.id)).map((n) => boxOf(n, measured));
  const box: Box = { x: Math.round(a.x + (a.width - size.width) / 2), y: bottom + ROW_GAP, ...size };
  for (let hit = staying.find((b) => overlaps(box, b)); hit; hit = staying.find((b) => overlaps(box, b))) box.x = hit.x + hit.width + ROW_GAP;
  return { position: { x: box.x, y: box.y }, moves };
}
