/**
 * The one React Flow instance, reachable from outside the canvas (problems list, palette, toolbar), so they can
 * move the view without prop drilling.
 */
import type { ReactFlowInstance } from '@xyflow/react';
import { setViewport, useStore } from '../../store/index.ts';
import type { FlowEdge, FlowNode } from './flow.ts';

let flow: ReactFlowInstance<FlowNode, FlowEdge> | null = null;
let pane: HTMLElement | null = null;

export function registerFlow(instance: ReactFlowInstance<FlowNode, FlowEdge> | null, element: HTMLElement | null): void {
  flow = instance;
  pane = element;
}

/**
 * Fits every node in view and saves the resulting viewport with the document. An empty graph has nothing to fit:
 * React Flow would queue the fit until nodes appear and then fit the first layer dropped, moving it away from the
 * pointer.
 */
export async function fitAll(): Promise<void> {
  if (!flow || useStore.getState().doc.nodes.length === 0) return;
  await flow.fitView({ padding: 0.15, maxZoom: 1.1, duration: 0 });
  setViewport(flow.getViewport());
}

/** Centres the view on a node without changing the zoom. */
export function focusNode(id: string): void {
  const n = flow?.getInternalNode(id);
  if (!flow || !n) return;
  const { x, y } = n.internals.positionAbsolute;
  flow.setCenter(x + (n.measured.width ?? 0) / 2, y + (n.measured.height ?? 0) / 2, { zoom: flow.getZoom() });
}

/** The flow coordinates at the centre of the visible canvas (where click-to-add puts a layer). */
export function viewportCentre(): { x: number; y: number } {
  if (!flow || !pane) return { x: 0, y: 0 };
  const r = pane.getBoundingClientRect();
  return flow.screenToFlowPosition({ x: r.left + r.width / 2, y: r.top + r.height / 2 });
}
