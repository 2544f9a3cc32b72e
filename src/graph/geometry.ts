/**
 * The canvas geometry that document positions refer to: a layer's usual size before the canvas has measured it,
 * where a wrapped layer sits inside its wrapper, and boxes of top-level nodes (positions are canvas coordinates).
 */
import { isWrapperKind, type GraphNode, type XY } from './types.ts';

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

/** A top-level node's box on the canvas: its measured size, else the usual size of its kind. */
export function boxOf(n: GraphNode, measured: Readonly<Record<string, Size>>): Box {
  const size = measured[n.id] ?? (isWrapperKind(n.data.kind) ? { width: WRAPPER_WIDTH, height: wrapperHeight() } : NODE_SIZE);
  return { x: n.position.x, y: n.position.y, width: size.width, height: size.height };
}

export const centreOf = (b: Box): XY => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });
export const contains = (b: Box, p: XY): boolean => p.x >= b.x && p.x <= b.x + b.width && p.y >= b.y && p.y <= b.y + b.height;
/** Whether two boxes overlap, or come closer than `gap`. */
export const overlaps = (a: Box, b: Box, gap = 0): boolean =>
  a.x < b.x + b.width + gap && b.x < a.x + a.width + gap && a.y < b.y + b.height + gap && b.y < a.y + a.height + gap;
