/**
 * Store state → React Flow nodes and edges. Pure apart from a per-id cache: a node whose inputs did not change
 * keeps its object identity, so React Flow skips it and the memoised node component does not re-render.
 */
import type { Edge, Node } from '@xyflow/react';
import type { CompileResult } from '../../compiler/index.ts';
import { layerNames } from '../../compiler/index.ts';
import { NODE_SIZE, WRAPPER_WIDTH, wrapperHeight, type GraphDoc, type GraphNode, type LayerKind } from '../../graph/index.ts';
import { formatShape, isTokens, LAYERS, portsOf, withDefaults, type Diagnostic, type Ports, type TensorType } from '../../layers/index.ts';

export type ShapeKind = 'tokens' | 'sequence' | 'vector';

export interface LayerNodeData extends Record<string, unknown> {
  kind: LayerKind;
  /** The layer name as exported (user's name or derived, e.g. `lstm_1`). */
  title: string;
  brief: string;
  shape?: string;
  shapeKind?: ShapeKind;
  masked?: boolean;
  paramCount?: number;
  /** True for a layer wrapped inside a wrapper (no handles; inside a Bidirectional, counts are per direction). */
  wrapped: boolean;
  /** The kind of the wrapper it sits in. */
  wrapper?: LayerKind;
  problem?: Pick<Diagnostic, 'severity' | 'message' | 'fix' | 'code'>;
  /** Wrappers only: the wrapped layer's kind, and whether one is there. */
  innerKind?: LayerKind;
  /** A layer with more than one input or output port (Return state, Initial state inputs): its labelled ports. */
  ports?: Ports;
  /** In a model with several outputs, this output's place among them (1-based: predict's and the exports' order). */
  output?: { index: number; of: number };
}

export type FlowNode = Node<LayerNodeData, 'layer' | 'bidirectional'>;
export interface ShapeEdgeData extends Record<string, unknown> {
  /** The source's output port, when it is not the default `output` (an encoder's h). */
  port?: string;
  shape?: string;
  shapeKind?: ShapeKind;
  masked?: boolean;
  problem?: string;
}
export type FlowEdge = Edge<ShapeEdgeData, 'shape'>;


export const shapeKindOf = (t: TensorType): ShapeKind => (isTokens(t) ? 'tokens' : t.dims.length === 2 ? 'sequence' : 'vector');

/** What a screen reader says for a layer: "LSTM, 8 units"; a wrapper names what it wraps. */
export function ariaLabelFor(n: GraphNode, child?: GraphNode): string {
  const brief = LAYERS[n.data.kind].brief({ ...n.data.params });
  const inner = child ? ` ${child.data.kind} (${LAYERS[child.data.kind].brief({ ...child.data.params })})` : '';
  return `${n.data.kind}${inner}, ${brief}`;
}

type CacheEntry = { key: unknown[]; node: FlowNode };
const cache = new Map<string, CacheEntry>();
const sameKey = (a: unknown[], b: unknown[]) => a.length === b.length && a.every((x, i) => Object.is(x, b[i]));

export interface FlowInputs {
  doc: GraphDoc;
  compiled: CompileResult;
  selection: ReadonlySet<string>;
  measured: Record<string, { width: number; height: number }>;
}

export function toFlowNodes({ doc, compiled, selection, measured }: FlowInputs): FlowNode[] {
  const names = layerNames(doc.nodes);
  const problems = new Map<string, Diagnostic>();
  for (const d of compiled.diagnostics) {
    if (!d.nodeId) continue;
    const prev = problems.get(d.nodeId);
    if (!prev || (prev.severity !== 'error' && d.severity === 'error')) problems.set(d.nodeId, d); // first error wins
  }
  const childOf = new Map<string, GraphNode>();
  for (const n of doc.nodes) if (n.parentId) childOf.set(n.parentId, n);
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));

  // React Flow wants every parent before its children.
  const ordered = [...doc.nodes.filter((n) => !n.parentId), ...doc.nodes.filter((n) => n.parentId)];
  const seen = new Set<string>();
  const out = ordered.map((n): FlowNode => {
    seen.add(n.id);
    const spec = LAYERS[n.data.kind];
    const wrapped = n.parentId !== undefined && byId.has(n.parentId);
    const shapeOwner = wrapped ? n.parentId! : n.id;
    const t = wrapped ? undefined : compiled.shapes[shapeOwner];
    const count = wrapped && byId.get(shapeOwner)!.data.kind === 'Bidirectional' ? halve(compiled.params[shapeOwner]) : compiled.params[shapeOwner];
    const d = problems.get(n.id);
    const child = childOf.get(n.id);
    const childH = child ? measured[child.id]?.height ?? NODE_SIZE.height : NODE_SIZE.height;
    const ports = portsOf(spec, withDefaults(spec.params, n.data.params));
    const multi = !wrapped && (ports.inputs.length > 1 || ports.outputs.length > 1);
    const outputAt = compiled.outputs.length > 1 ? compiled.outputs.indexOf(n.id) : -1;
    const key = [n, selection.has(n.id), measured[n.id], t, count, d, names.get(n.id), child, spec.wraps ? childH : 0, outputAt, compiled.outputs.length];
    const hit = cache.get(n.id);
    if (hit && sameKey(hit.key, key)) return hit.node;
    const data: LayerNodeData = {
      kind: n.data.kind,
      title: names.get(n.id) ?? n.id,
      brief: spec.brief({ ...n.data.params }),
      wrapped,
      ...(wrapped ? { wrapper: byId.get(shapeOwner)!.data.kind } : {}),
      ...(t ? { shape: formatShape(t), shapeKind: shapeKindOf(t), masked: t.masked } : {}),
      ...(count !== undefined ? { paramCount: count } : {}),
      ...(d ? { problem: { severity: d.severity, message: d.message, fix: d.fix, code: d.code } } : {}),
      ...(spec.wraps && child ? { innerKind: child.data.kind } : {}),
      ...(multi ? { ports } : {}),
      ...(outputAt >= 0 ? { output: { index: outputAt + 1, of: compiled.outputs.length } } : {}),
    };
    const node: FlowNode = {
      id: n.id,
      type: spec.wraps ? 'bidirectional' : 'layer',
      position: n.position,
      data,
      selected: selection.has(n.id),
      ariaLabel: ariaLabelFor(n, child),
      ...(measured[n.id] ? { measured: measured[n.id] } : {}),
      ...(wrapped ? { parentId: n.parentId, extent: 'parent' as const } : {}),
      ...(spec.wraps ? { width: WRAPPER_WIDTH, height: wrapperHeight(childH) } : {}),
    };
    cache.set(n.id, { key, node });
    return node;
  });
  for (const id of [...cache.keys()]) if (!seen.has(id)) cache.delete(id);
  return out;
}

const halve = (x: number | undefined) => (x === undefined ? undefined : x / 2);

export function toFlowEdges(doc: GraphDoc, compiled: CompileResult, selection: ReadonlySet<string>): FlowEdge[] {
  const edgeProblems = new Map(compiled.diagnostics.filter((d) => d.edgeId).map((d) => [d.edgeId!, d.message]));
  return doc.edges.map((e) => {
    // The shape of the port the edge leaves from: `output`, or a state such as h.
    const port = e.sourceHandle && e.sourceHandle !== 'output' ? e.sourceHandle : undefined;
    const t = port ? compiled.portShapes[e.source]?.[port] : compiled.shapes[e.source];
    const problem = edgeProblems.get(e.id);
    return {
      id: e.id,
      source: e.source,
      target: e.target,
      ...(e.sourceHandle ? { sourceHandle: e.sourceHandle } : {}),
      ...(e.targetHandle ? { targetHandle: e.targetHandle } : {}),
      type: 'shape',
      selected: selection.has(e.id),
      data: { ...(port ? { port } : {}), ...(t ? { shape: formatShape(t), shapeKind: shapeKindOf(t), masked: t.masked } : {}), ...(problem ? { problem } : {}) },
    };
  });
}
