/**
 * graph → IR, as pure stages, each exported and testable alone: structure → order (cycle check) → shapes → inputs and
 * outputs → IR. `compile` runs them in turn.
 * Never throws on user input: every problem becomes a Diagnostic attached to a node or edge.
 */
import type { GraphDoc, GraphEdge, GraphNode, LayerKind, Params } from '../graph/types.ts';
import { LAYER_KINDS, wrappedList, wrapsKind, type WrapperKind } from '../graph/types.ts';
import {
  checkParam, isRecurrentKind, kerasShape, LAYERS, portsOf, stateNames, withDefaults,
  type Diagnostic, type DiagCode, type InnerLayer, type LayerSpec, type TensorType,
} from '../layers/index.ts';
import { deriveSeed, layerNames } from './names.ts';

/** One layer of the compiled model, in topological order. */
export interface IRLayer {
  id: string;
  /** A unique, identifier-safe name (used for tfjs layer names and in exported code). */
  name: string;
  kind: LayerKind;
  params: Params;
  /** Ids of the IR layers feeding this one's data input, in input order. */
  inputs: string[];
  inputShapes: TensorType[];
  outputShape: TensorType;
  paramCount: number;
  seed: number;
  inner?: InnerLayer;
  /** Per data input, the output port it comes from; only when one is not `output` (an encoder's `h`). */
  inputPorts?: string[];
  /** The layers feeding the other input ports (a recurrent layer's initial states), in port order. */
  states?: { port: string; from: string; fromPort: string }[];
  /** The shapes of the output ports other than `output` (h and c with returnState). */
  portShapes?: Record<string, TensorType>;
}

/** Whether a padding mask travels with each of a layer's other inputs (only a layer's `output` port carries one). */
export const statesMasked = (ir: ModelIR, l: IRLayer): boolean[] =>
  (l.states ?? []).map((s) => s.fromPort === 'output' && ir.layers.find((k) => k.id === s.from)!.outputShape.masked);

/** Whether a model uses ports beyond `x` → `output` (state outputs or initial-state inputs). */
export const usesPorts = (ir: ModelIR): boolean => ir.layers.some((l) => l.inputPorts || l.states || l.portShapes);

export interface ModelIR {
  layers: IRLayer[];
  inputs: string[];
  outputs: string[];
  totalParams: number;
  seed: number;
}

export interface CompileResult {
  ok: boolean;
  diagnostics: Diagnostic[];
  /** Every output shape that could be inferred, even when the graph has errors elsewhere (for the canvas). */
  shapes: Record<string, TensorType>;
  /** The shapes of output ports other than `output`, by node id and port. */
  portShapes: Record<string, Record<string, TensorType>>;
  /** Param count per node id, where known. */
  params: Record<string, number>;
  /** The model's outputs (node ids, in output order), found even when the graph has errors elsewhere (for the canvas). */
  outputs: string[];
  ir?: ModelIR;
}

export const DEFAULT_SEED = 42;

/** Where a stage reports its problems; every stage appends, none throws. */
type Report = (code: DiagCode, message: string, fix: string, at?: Partial<Diagnostic>) => void;
const reportTo = (diags: Diagnostic[]): Report => (code, message, fix, at = {}) => diags.push({ code, severity: 'error', message, fix, ...at });

/** One usable connection into a layer, its ports resolved (an edge without handles joins the first ports). */
export interface Link {
  edgeId: string;
  source: string;
  target: string;
  sourcePort: string;
  targetPort: string;
}

/** Stage 1's result: the known layers, their params, what each wrapper holds, and the wiring between top-level layers. */
export interface Structure {
  byId: Map<string, GraphNode>;
  /** Every known layer's params with defaults filled in. */
  params: Map<string, Params>;
  /** Layers whose params failed their checks (their shapes are not inferred). */
  badParams: Set<string>;
  /** Wrapper id → the one recurrent layer it holds. */
  inner: Map<string, GraphNode>;
  /** Layers on the canvas itself (not inside a wrapper), in document order. */
  top: GraphNode[];
  /** Per top-level layer: the ids feeding its data input and the ids it feeds (any port), in edge order. */
  ins: Map<string, string[]>;
  outs: Map<string, string[]>;
  /** Per top-level layer: every connection into it, with ports. */
  links: Map<string, Link[]>;
  /** Unique identifier-safe names for every known layer. */
  names: Map<string, string>;
  runSeed: number;
  /** The document's first node, even one of an unknown kind: where a model-level problem is pinned as a last resort. */
  first?: GraphNode;
}

const specOf = (n: GraphNode): LayerSpec => LAYERS[n.data.kind];

/** 1. structure: unknown kinds and duplicate ids, param checks, what each wrapper holds, and which edges are usable. */
export function structure(doc: Pick<GraphDoc, 'nodes' | 'edges'> & Partial<GraphDoc>, diags: Diagnostic[]): Structure {
  const err = reportTo(diags);
  const byId = new Map<string, GraphNode>();
  for (const n of doc.nodes) {
    if (byId.has(n.id)) err('E_DUPLICATE_ID', `Two layers have the id "${n.id}".`, 'Delete one of them.', { nodeId: n.id });
    else if (!(LAYER_KINDS as readonly string[]).includes(n.data?.kind))
      err('E_UNKNOWN_KIND', `"${String(n.data?.kind)}" is not a layer kind RNN Studio knows.`, `Use one of: ${LAYER_KINDS.join(', ')}.`, { nodeId: n.id });
    else byId.set(n.id, n);
  }
  const params = new Map<string, Params>();
  const badParams = new Set<string>();
  for (const n of byId.values()) {
    const spec = specOf(n);
    const p = withDefaults(spec.params, n.data.params);
    params.set(n.id, p);
    for (const [key, s] of Object.entries(spec.params)) {
      if (s.when && !s.when(p)) continue;
      const problem = checkParam(s, p[key]);
      if (!problem) continue;
      err('E_PARAM', `${n.data.kind}: ${problem}.`, `Set ${s.label} to a valid value (default ${JSON.stringify(s.default)}).`, { nodeId: n.id, param: key });
      badParams.add(n.id);
    }
  }

  // Wrappers and what they hold.
  const children = new Map<string, GraphNode[]>();
  for (const n of byId.values()) {
    if (n.parentId === undefined) continue;
    const parent = byId.get(n.parentId);
    if (!parent || !specOf(parent).wraps) {
      err('E_BAD_PARENT', `${n.data.kind} sits inside ${parent ? `a ${parent.data.kind}` : 'a layer that does not exist'}.`, 'Move it out onto the canvas.', { nodeId: n.id });
      continue;
    }
    children.set(parent.id, [...(children.get(parent.id) ?? []), n]);
  }
  const wrapped = new Set([...children.values()].flat().map((n) => n.id));
  const inner = new Map<string, GraphNode>();
  for (const n of byId.values()) {
    if (!specOf(n).wraps) continue;
    const kids = children.get(n.id) ?? [];
    const w = n.data.kind as WrapperKind, holds = wrappedList(w);
    if (kids.length === 0) err('E_BIDI_EMPTY', `${w} has no layer inside.`, `Drop a ${holds} into it (or select it and click one in the palette).`, { nodeId: n.id });
    else if (kids.length > 1)
      err('E_BIDI_MULTIPLE', `${w} holds ${kids.length} layers (${kids.map((k) => k.data.kind).join(', ')}); it wraps exactly one.`, 'Move all but one layer out of it.', { nodeId: n.id });
    else if (!wrapsKind(w, kids[0].data.kind))
      err('E_BIDI_NOT_RECURRENT', `${w} holds a ${kids[0].data.kind}.`, `Put a ${holds} inside instead.`, { nodeId: kids[0].id });
    else inner.set(n.id, kids[0]);
  }

  const edges: Link[] = [];
  const badPorts: GraphEdge[] = [];
  for (const e of doc.edges) {
    if (!byId.has(e.source) || !byId.has(e.target)) {
      err('E_BAD_EDGE', `A connection points to a layer that does not exist.`, 'Delete the connection.', { edgeId: e.id });
    } else if (wrapped.has(e.source) || wrapped.has(e.target)) {
      const w = byId.get(byId.get(wrapped.has(e.target) ? e.target : e.source)!.parentId!)!.data.kind;
      err('E_WRAPPED_HAS_EDGES', `A layer inside a ${w} is connected directly.`, `Connect the ${w} instead.`, {
        edgeId: e.id, nodeId: wrapped.has(e.target) ? e.target : e.source,
      });
    } else {
      const link = resolvePorts(e, byId, params, err);
      if (link) edges.push(link);
      else badPorts.push(e); // reported; it still says the source's output goes somewhere
    }
  }
  const top = [...byId.values()].filter((n) => !wrapped.has(n.id));
  const ins = new Map<string, string[]>(top.map((n) => [n.id, []]));
  const outs = new Map<string, string[]>(top.map((n) => [n.id, []]));
  const links = new Map<string, Link[]>(top.map((n) => [n.id, []]));
  for (const e of edges) {
    if (isDataPort(byId.get(e.target)!, params, e.targetPort)) ins.get(e.target)!.push(e.source);
    outs.get(e.source)!.push(e.target);
    links.get(e.target)!.push(e);
  }
  for (const e of badPorts) outs.get(e.source)!.push(e.target);
  return { byId, params, badParams, inner, top, ins, outs, links, names: layerNames([...byId.values()]), runSeed: doc.training?.seed ?? DEFAULT_SEED, first: doc.nodes[0] };
}

/** The data input is a kind's first input port (`x`); an Input has none, so whatever reaches it counts as data. */
const isDataPort = (n: GraphNode, params: Map<string, Params>, port: string) => {
  const first = portsOf(specOf(n), params.get(n.id)!).inputs[0];
  return first === undefined || port === first;
};

/** An edge's ports (absent handles are the first ports), or null after reporting a port its layer does not have. */
function resolvePorts(e: GraphEdge, byId: Map<string, GraphNode>, params: Map<string, Params>, err: Report): Link | null {
  const src = byId.get(e.source)!, dst = byId.get(e.target)!;
  const out = portsOf(specOf(src), params.get(src.id)!).outputs;
  const into = portsOf(specOf(dst), params.get(dst.id)!).inputs;
  const link = { edgeId: e.id, source: e.source, target: e.target, sourcePort: e.sourceHandle ?? out[0], targetPort: e.targetHandle ?? into[0] ?? 'x' };
  const states = (n: GraphNode) => (isRecurrentKind(n.data.kind) ? stateNames(n.data.kind) : []);
  if (!out.includes(link.sourcePort)) {
    const s = src.data.kind;
    const needsFlag = states(src).includes(link.sourcePort);
    err('E_BAD_PORT', needsFlag ? `${s} outputs its final ${link.sourcePort} only with Return state on.` : `${s} has no output "${link.sourcePort}" (its outputs: ${out.join(', ')}).`,
      needsFlag ? `Turn on Return state on the ${s}.` : `Connect one of its outputs: ${out.join(', ')}.`, { edgeId: e.id, nodeId: e.source });
    return null;
  }
  if (into.length > 0 && !into.includes(link.targetPort)) {
    const d = dst.data.kind;
    const needsFlag = states(dst).map((x) => `initial_${x}`).includes(link.targetPort);
    const carries = states(dst).length ? ` A ${d} carries ${states(dst).join(' and ')}.` : '';
    err('E_BAD_PORT', needsFlag ? `${d} takes ${link.targetPort} only with Initial state inputs on.` : `${d} has no input "${link.targetPort}" (its inputs: ${into.join(', ')}).${carries}`,
      needsFlag ? `Turn on Initial state inputs on the ${d}.` : `Connect to one of its inputs: ${into.join(', ')}.`, { edgeId: e.id, nodeId: e.target });
    return null;
  }
  return link;
}

/** 2. order (Kahn): top-level layer ids in topological order; whatever is left over sits on a cycle or downstream of one. */
export function order(s: Structure, diags: Diagnostic[]): string[] {
  const indeg = new Map(s.top.map((n) => [n.id, s.links.get(n.id)!.length]));
  const feeds = new Map<string, string[]>();
  for (const l of [...s.links.values()].flat()) feeds.set(l.source, [...(feeds.get(l.source) ?? []), l.target]);
  const queue = s.top.filter((n) => indeg.get(n.id) === 0).map((n) => n.id);
  const sorted: string[] = [];
  while (queue.length) {
    const id = queue.shift()!;
    sorted.push(id);
    for (const t of feeds.get(id) ?? []) {
      indeg.set(t, indeg.get(t)! - 1);
      if (indeg.get(t) === 0) queue.push(t);
    }
  }
  if (sorted.length < s.top.length) {
    const ordered = new Set(sorted);
    for (const n of s.top)
      if (!ordered.has(n.id))
        reportTo(diags)('E_CYCLE', `${n.data.kind} is part of a loop of connections (or fed by one).`, 'Remove a connection in the loop: recurrence lives inside the recurrent cell, not in the wiring.', { nodeId: n.id });
  }
  return sorted;
}

/** A layer's seed: its own when set, else derived from the run seed and its id. */
const seedOf = (s: Structure, n: GraphNode) => {
  const own = s.params.get(n.id)!.seed as number;
  return own > 0 ? own : deriveSeed(s.runSeed, n.id);
};

/** The recurrent layer a wrapper holds, as the wrapper's shape rule and the IR see it. */
const innerOf = (s: Structure, id: string): InnerLayer | undefined => {
  const k = s.inner.get(id);
  return k && { kind: k.data.kind, params: s.params.get(k.id)!, name: s.names.get(k.id)!, seed: seedOf(s, k) };
};

export interface Shapes {
  /** Output shape per layer id, wherever it could be inferred. */
  shapes: Record<string, TensorType>;
  /** The shapes of the other output ports, per layer id and port. */
  portShapes: Record<string, Record<string, TensorType>>;
  /** Param count per layer id, wherever its shape could be inferred. */
  counts: Record<string, number>;
}

/** 3. shapes: in topological order, each layer's arity, then its output shape and param count from its inputs' shapes. */
export function inferShapes(s: Structure, sorted: string[], diags: Diagnostic[]): Shapes {
  const err = reportTo(diags);
  const shapes: Record<string, TensorType> = {};
  const portShapes: Record<string, Record<string, TensorType>> = {};
  const counts: Record<string, number> = {};
  const shapeAt = (l: Link): TensorType | undefined => (l.sourcePort === 'output' ? shapes[l.source] : portShapes[l.source]?.[l.sourcePort]);
  for (const id of sorted) {
    const n = s.byId.get(id)!;
    const spec = specOf(n);
    const src = s.ins.get(id)!;
    const { data, states } = splitLinks(s, id);
    const twice = states.find((l, i) => states.findIndex((k) => k.targetPort === l.targetPort) !== i);
    if (twice) {
      err('E_TOO_MANY_INPUTS', `${n.data.kind}'s ${twice.targetPort} has ${states.filter((l) => l.targetPort === twice.targetPort).length} connections; a port takes one.`, 'Keep one connection into it.', { nodeId: id, edgeId: twice.edgeId });
      continue;
    }
    if (spec.arity === 'none' && src.length > 0) {
      err('E_INPUT_HAS_INPUT', 'An Input cannot receive a connection.', 'Delete the connection into the Input.', { nodeId: id });
      continue;
    }
    if (spec.arity !== 'none' && src.length === 0) {
      err('E_MISSING_INPUT', `${n.data.kind} has nothing connected to its input.`, 'Connect a layer to it, or delete it.', { nodeId: id });
      continue;
    }
    if (spec.arity === 'one' && src.length > 1) {
      err('E_TOO_MANY_INPUTS', `${n.data.kind} takes one input but ${src.length} are connected.`, 'Keep one connection, or join the branches with Concatenate or Add first.', { nodeId: id });
      continue;
    }
    const inShapes = data.map(shapeAt);
    const stateShapes = states.map(shapeAt);
    if ([...inShapes, ...stateShapes].some((x) => x === undefined) || s.badParams.has(id) || (s.inner.has(id) && s.badParams.has(s.inner.get(id)!.id))) continue; // reported upstream
    if (spec.wraps && !s.inner.has(id)) continue; // reported in structure()
    const ctx = {
      sources: src.map((x) => ({ kind: s.byId.get(x)!.data.kind, params: s.params.get(x)! })),
      inner: innerOf(s, id),
      ...(states.length ? { states: Object.fromEntries(states.map((l, i) => [l.targetPort, stateShapes[i]!])) } : {}),
    };
    const r = spec.inferShape(inShapes as TensorType[], s.params.get(id)!, ctx);
    if (!r.ok) {
      err(r.code, r.message, r.fix, { nodeId: id });
      continue;
    }
    shapes[id] = r.out;
    if (r.ports) portShapes[id] = r.ports;
    counts[id] = spec.paramCount(inShapes as TensorType[], s.params.get(id)!, ctx);
  }
  return { shapes, portShapes, counts };
}

/** A layer's connections: into its data input (edge order), and into its other ports (port order). */
function splitLinks(s: Structure, id: string): { data: Link[]; states: Link[] } {
  const n = s.byId.get(id)!;
  const ports = portsOf(specOf(n), s.params.get(id)!).inputs;
  const links = s.links.get(id)!;
  const data = links.filter((l) => isDataPort(n, s.params, l.targetPort));
  const states = links.filter((l) => !data.includes(l)).sort((a, b) => ports.indexOf(a.targetPort) - ports.indexOf(b.targetPort));
  return { data, states };
}

/**
 * 4. inputs and outputs: the model's Input layers (ids in topological order) and its outputs. As in a Keras functional
 * model, the outputs are the layers whose result is used by no other layer: a head left unconnected is an output, and
 * a model may have several (each trained with its own loss and loss weight, src/compiler/loss.ts). They come in
 * `outputOrder` (an imported Keras file's `output_layers`), then the ones it does not name in topological order.
 */
export function endpoints(s: Structure, sorted: string[], diags: Diagnostic[], outputOrder: readonly string[] = []): { inputs: string[]; outputs: string[] } {
  const err = reportTo(diags);
  const { byId, top, ins, outs } = s;
  const inputs = sorted.filter((id) => specOf(byId.get(id)!).arity === 'none');
  // Model-level problems are pinned to the node where the user would start fixing them, so every diagnostic names one.
  const entry = top.find((n) => ins.get(n.id)!.length === 0) ?? top[0] ?? s.first;
  if (!entry) err('E_NO_INPUT', 'The model is empty.', 'Add an Input from the palette, or open a preset.');
  else if (inputs.length === 0)
    err('E_NO_INPUT', 'The model has no Input layer.', `Add an Input from the palette and connect it to ${entry.data.name ? `${entry.data.kind} "${entry.data.name}"` : `the ${entry.data.kind}`}.`, { nodeId: entry.id });
  for (const id of inputs)
    if (outs.get(id)!.length === 0)
      err('E_DANGLING', 'This Input is not connected to anything.', 'Connect it to a layer, or delete it.', { nodeId: id });
  const sinks = sorted.filter((id) => specOf(byId.get(id)!).arity !== 'none' && outs.get(id)!.length === 0 && ins.get(id)!.length > 0);
  // A loop leaves no sink; E_CYCLE already says what to do there.
  if (top.length > 0 && sinks.length === 0 && inputs.length > 0 && sorted.length === top.length)
    err('E_NO_OUTPUT', 'Nothing ends the model: no layer after the Input produces an output.', 'Connect a final layer (usually a Dense) after the Input.', { nodeId: inputs[0] });
  const rank = (id: string) => (outputOrder.includes(id) ? outputOrder.indexOf(id) : outputOrder.length);
  return { inputs, outputs: sinks.map((id, k) => ({ id, k })).sort((a, b) => rank(a.id) - rank(b.id) || a.k - b.k).map((o) => o.id) };
}

/** 5. IR: the layers in topological order with names, params, input ids, shapes, counts and seeds (for an error-free graph). */
export function toIR(s: Structure, sorted: string[], { shapes, portShapes, counts }: Shapes, io: { inputs: string[]; outputs: string[] }): ModelIR {
  const shapeAt = (l: Link) => (l.sourcePort === 'output' ? shapes[l.source] : portShapes[l.source][l.sourcePort]);
  const layers: IRLayer[] = sorted.map((id) => {
    const n = s.byId.get(id)!;
    const { data, states } = splitLinks(s, id);
    return {
      id,
      name: s.names.get(id)!,
      kind: n.data.kind,
      params: s.params.get(id)!,
      inputs: data.map((l) => l.source),
      inputShapes: data.map(shapeAt),
      outputShape: shapes[id],
      paramCount: counts[id],
      seed: seedOf(s, n),
      ...(s.inner.has(id) ? { inner: innerOf(s, id) } : {}),
      ...(data.some((l) => l.sourcePort !== 'output') ? { inputPorts: data.map((l) => l.sourcePort) } : {}),
      ...(states.length ? { states: states.map((l) => ({ port: l.targetPort, from: l.source, fromPort: l.sourcePort })) } : {}),
      ...(portShapes[id] ? { portShapes: portShapes[id] } : {}),
    };
  });
  return { layers, ...io, totalParams: layers.reduce((t, l) => t + l.paramCount, 0), seed: s.runSeed };
}

/** Accepts any structural document (React Flow nodes included). */
export function compile(doc: Pick<GraphDoc, 'nodes' | 'edges'> & Partial<GraphDoc>): CompileResult {
  const diagnostics: Diagnostic[] = [];
  const s = structure(doc, diagnostics);
  const sorted = order(s, diagnostics);
  const inferred = inferShapes(s, sorted, diagnostics);
  const io = endpoints(s, sorted, diagnostics, doc.outputOrder);
  const ok = !diagnostics.some((d) => d.severity === 'error');
  return { ok, diagnostics, shapes: inferred.shapes, portShapes: inferred.portShapes, params: inferred.counts, outputs: io.outputs, ...(ok ? { ir: toIR(s, sorted, inferred, io) } : {}) };
}

/** Keras-style output shape with the batch axis, e.g. `[null, null, 64]`. */
export const outputShapeOf = (l: IRLayer) => kerasShape(l.outputShape);
