/**
 * The one React Flow instance, reachable from outside the canvas (problems list, palette, toolbar), so they can
 * move the view without prop drilling.
 */
import { getViewportForBounds, type ReactFlowInstance, type Rect } from '@xyflow/react';
import { setViewport, useStore } from '../../store/index.ts';
import type { Viewport } from '../../graph/index.ts';
import type { FlowEdge, FlowNode } from './flow.ts';

let flow: ReactFlowInstance<FlowNode, FlowEdge> | null = null;
let pane: HTMLElement | null = null;

export function registerFlow(instance: ReactFlowInstance<FlowNode, FlowEdge> | null, element: HTMLElement | null): void {
  flow = instance;
  pane = element;
}

/** The minimap's size; below 2.4× its height or 3× its width the canvas is a strip and its overlays step aside. */
export const MINIMAP_SIZE = { width: 168, height: 116 };
export const overlaysFit = (width: number, height: number): boolean => height >= 2.4 * MINIMAP_SIZE.height && width >= 3 * MINIMAP_SIZE.width;

const EDGE = 20;
const GAP = 10;
type Padding = { top: number; right: number; bottom: number; left: number };
/** React Flow reads a bare number as a fraction of the canvas: pixels need the unit. */
const px = (p: Padding) => ({ top: `${p.top}px`, right: `${p.right}px`, bottom: `${p.bottom}px`, left: `${p.left}px` }) as const;

/**
 * Padding (px) that keeps the layers clear of the overlays in the canvas's bottom corners (minimap right, zoom
 * controls left), measured from the page: either the band under them is kept free, or the columns beside them,
 * whichever shows the graph larger (a tall graph gives up the sides, a wide one the bottom).
 */
export function fitPadding(bounds: Rect, box: DOMRect, overlays: DOMRect[], zoom: { min: number; max: number }): Padding {
  // No overlays: the canvas is a strip, where every pixel of height counts.
  if (!overlays.length) return { top: GAP / 2, right: GAP / 2, bottom: GAP / 2, left: GAP / 2 };
  const all = { top: EDGE, right: EDGE, bottom: EDGE, left: EDGE };
  const under = { ...all, bottom: Math.max(...overlays.map((o) => box.bottom - o.top)) + GAP };
  const left = overlays.filter((o) => o.left - box.left < box.width / 2);
  const right = overlays.filter((o) => o.left - box.left >= box.width / 2);
  const beside = {
    ...all,
    left: left.length ? Math.max(...left.map((o) => o.right - box.left)) + GAP : EDGE,
    right: right.length ? Math.max(...right.map((o) => box.right - o.left)) + GAP : EDGE,
  };
  const zoomWith = (p: Padding) => getViewportForBounds(bounds, box.width, box.height, zoom.min, zoom.max, px(p)).zoom;
  return zoomWith(beside) > zoomWith(under) ? beside : under;
}

/** A big graph in the full-window strip fits as a thumbnail; the canvas's own zoom range starts as low. */
export const FIT_ZOOM = { min: 0.05, max: 1.1 };

/**
 * Fits every node in view, clear of the minimap and the controls, and saves the viewport with the document. An
 * empty graph has nothing to fit: React Flow would queue the fit until nodes appear and then fit the first layer
 * dropped, moving it away from the pointer.
 */
export async function fitAll(): Promise<void> {
  if (!flow || !pane || useStore.getState().doc.nodes.length === 0) return;
  const overlays = [...pane.querySelectorAll('.react-flow__minimap, .react-flow__controls')].map((o) => o.getBoundingClientRect());
  const padding = fitPadding(flow.getNodesBounds(flow.getNodes()), pane.getBoundingClientRect(), overlays, FIT_ZOOM);
  await flow.fitView({ padding: px(padding), minZoom: FIT_ZOOM.min, maxZoom: FIT_ZOOM.max, duration: 0 });
  setViewport(flow.getViewport());
}

/** Shows a viewport the document carries (a version brought back shows what was seen when it was kept). */
export function showViewport(v: Viewport): void {
  void flow?.setViewport(v);
}

/** Centres the view on a node without changing the zoom. */
export function focusNode(id: string): void {
  const n = flow?.getInternalNode(id);
  if (!flow || !n) return;
  const { x, y } = n.internals.positionAbsolute;
  flow.setCenter(x + (n.measured.width ?? 0) / 2, y + (n.measured.height ?? 0) / 2, { zoom: flow.getZoom() });
}

/**
 * Pans (same zoom) so a node is wholly on the canvas and clear of the minimap and zoom controls; a node already
 * there does not move the view.
 */
export function revealNode(id: string): void {
  const el = pane?.querySelector<HTMLElement>(`.react-flow__node[data-id="${CSS.escape(id)}"]`);
  if (!flow || !pane || !el) return;
  const r = el.getBoundingClientRect();
  const box = pane.getBoundingClientRect();
  const overlays = [...pane.querySelectorAll('.react-flow__minimap, .react-flow__controls')].map((o) => o.getBoundingClientRect());
  const meets = (o: DOMRect) => r.left < o.right && r.right > o.left && r.top < o.bottom && r.bottom > o.top;
  const inside = r.left >= box.left + EDGE && r.right <= box.right - EDGE && r.top >= box.top + EDGE && r.bottom <= box.bottom - EDGE;
  if (inside && !overlays.some(meets)) return;
  focusNode(id);
}

/** The flow coordinates at the centre of the visible canvas (where click-to-add puts a layer). */
export function viewportCentre(): { x: number; y: number } {
  if (!flow || !pane) return { x: 0, y: 0 };
  const r = pane.getBoundingClientRect();
  return flow.screenToFlowPosition({ x: r.left + r.width / 2, y: r.top + r.height / 2 });
}
