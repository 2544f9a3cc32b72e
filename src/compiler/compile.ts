/**
 * graph → IR, as pure stages: validate structure → order (cycle check) → infer shapes → check outputs → IR.
 * Never throws on user input: every problem becomes a Diagnostic attached to a node or edge.
 */
import type { GraphDoc, GraphEdge, GraphNode, LayerKind, Params } from '../graph/types.ts';
import { LAYER_KINDS } from '../graph/types.ts';
import {
  checkParam, isRecurrentKind, kerasShape, LAYERS, withDefaults,
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
  /** Ids of the IR layers feeding this one, in input order. */
  inputs: string[];
  inputShapes: TensorType[];
  outputShape: TensorType;
  paramCount: number;
  seed: number;
  inner?: InnerLayer;
}

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
  /** Param count per node id, where known. */
  params: Record<string, number>;
  ir?: ModelIR;
}

export const DEFAULT_SEED = 42;

/** Accepts any structural document (React Flow nodes included). */
export function compile(doc: Pick<GraphDoc, 'nodes' | 'edges'> & Partial<GraphDoc>): CompileResult {
  const diags: Diagnostic[] = [];
  const err = (code: DiagCode, message: string, fix: string, at: Partial<Diagnostic> = {}) =>
    diags.push({ code, severity: 'error', message, fix, ...at });
  const runSeed = doc.training?.seed ?? DEFAULT_SEED;

  // ── 1. structure ────────────────────────────────────────────────────────────────────────────────
  const byId = new Map<string, GraphNode>();
  for (const n of doc.nodes) {
    if (byId.has(n.id)) err('E_DUPLICATE_ID', `Two layers have the id "${n.id}".`, 'Delete one of them.', { nodeId: n.id });
    else if (!(LAYER_KINDS as readonly string[]).includes(n.data?.kind))
      err('E_UNKNOWN_KIND', `"${String(n.data?.kind)}" is not a layer kind RNN Studio knows.`, `Use one of: ${LAYER_KINDS.join(', ')}.`, { nodeId: n.id });
    else byId.set(n.id, n);
  }
  const specOf = (n: GraphNode): LayerSpec => LAYERS[n.data.kind];
  const params = new Map<string, Params>();
  for (const n of byId.values()) {
    const spec = specOf(n);
    const p = withDefaults(spec.params, n.data.params);
    params.set(n.id, p);
    for (const [key, s] of Object.entries(spec.params)) {
      if (s.when && !s.when(p)) continue;
      const problem = checkParam(s, p[key]);
      if (problem) err('E_PARAM', `${n.data.kind}: ${problem}.`, `Set ${s.label} to a valid value (default ${JSON.stringify(s.default)}).`, { nodeId: n.id, param: key });
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
    if (kids.length === 0) err('E_BIDI_EMPTY', 'Bidirectional has no recurrent layer inside.', 'Drop a SimpleRNN, LSTM or GRU into it.', { nodeId: n.id });
    else if (kids.length > 1)
      err('E_BIDI_MULTIPLE', `Bidirectional holds ${kids.length} layers (${kids.map((k) => k.data.kind).join(', ')}); it wraps exactly one.`, 'Move all but one recurrent layer out of it.', { nodeId: n.id });
    else if (!isRecurrentKind(kids[0].data.kind))
      err('E_BIDI_NOT_RECURRENT', `Bidirectional holds a ${kids[0].data.kind}.`, 'Put a SimpleRNN, LSTM or GRU inside instead.', { nodeId: kids[0].id });
    else inner.set(n.id, kids[0]);
  }

  const edges: GraphEdge[] = [];
  for (const e of doc.edges) {
    if (!byId.has(e.source) || !byId.has(e.target)) {
      err('E_BAD_EDGE', `A connection points to a layer that does not exist.`, 'Delete the connection.', { edgeId: e.id });
    } else if (wrapped.has(e.source) || wrapped.has(e.target)) {
      err('E_WRAPPED_HAS_EDGES', 'A layer inside a Bidirectional is connected directly.', 'Connect the Bidirectional wrapper instead.', {
        edgeId: e.id, nodeId: wrapped.has(e.target) ? e.target : e.source,
      });
    } else edges.push(e);
  }
  const top = [...byId.values()].filter((n) => !wrapped.has(n.id));
  const ins = new Map<string, string[]>(top.map((n) => [n.id, []]));
  const outs = new Map<string, string[]>(top.map((n) => [n.id, []]));
  for (const e of edges) {
    ins.get(e.target)!.push(e.source);
    outs.get(e.source)!.push(e.target);
  }

  // ── 2. order (Kahn); whatever is left over sits on a cycle or downstream of one ────────────────
  const indeg = new Map(top.map((n) => [n.id, ins.get(n.id)!.length]));
  const queue = top.filter((n) => indeg.get(n.id) === 0).map((n) => n.id);
  const order: string[] = [];
  while (queue.length) {
    const id = queue.shift()!;
    order.push(id);
    for (const t of outs.get(id)!) {
      indeg.set(t, indeg.get(t)! - 1);
      if (indeg.get(t) === 0) queue.push(t);
    }
  }
  if (order.length < top.length) {
    const ordered = new Set(order);
    for (const n of top)
      if (!ordered.has(n.id))
        err('E_CYCLE', `${n.data.kind} is part of a loop of connections (or fed by one).`, 'Remove a connection in the loop: recurrence lives inside the recurrent cell, not in the wiring.', { nodeId: n.id });
  }

  // ── 3. shapes ──────────────────────────────────────────────────────────────────────────────────
  const names = layerNames([...byId.values()]);
  const shapes: Record<string, TensorType> = {};
  const counts: Record<string, number> = {};
  const innerOf = (id: string): InnerLayer | undefined => {
    const k = inner.get(id);
    return k && { kind: k.data.kind, params: params.get(k.id)!, name: names.get(k.id)!, seed: seedFor(k) };
  };
  const seedFor = (n: GraphNode) => ((params.get(n.id)!.seed as number) > 0 ? (params.get(n.id)!.seed as number) : deriveSeed(runSeed, n.id));
  const badParams = new Set(diags.filter((d) => d.code === 'E_PARAM').map((d) => d.nodeId));
  for (const id of order) {
    const n = byId.get(id)!;
    const spec = specOf(n);
    const src = ins.get(id)!;
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
    const inShapes = src.map((s) => shapes[s]);
    if (inShapes.some((s) => s === undefined) || badParams.has(id) || (inner.has(id) && badParams.has(inner.get(id)!.id))) continue; // reported upstream
    if (spec.wraps && !inner.has(id)) continue; // reported above
    const ctx = { sources: src.map((s) => ({ kind: byId.get(s)!.data.kind, params: params.get(s)! })), inner: innerOf(id) };
    const r = spec.inferShape(inShapes, params.get(id)!, ctx);
    if (!r.ok) {
      err(r.code, r.message, r.fix, { nodeId: id });
      continue;
    }
    shapes[id] = r.out;
    counts[id] = spec.paramCount(inShapes, params.get(id)!, ctx);
  }

  // ── 4. inputs and outputs ──────────────────────────────────────────────────────────────────────
  const inputs = order.filter((id) => specOf(byId.get(id)!).arity === 'none');
  // Model-level problems are pinned to the node where the user would start fixing them, so every diagnostic names one.
  const entry = top.find((n) => ins.get(n.id)!.length === 0) ?? top[0] ?? doc.nodes[0];
  if (!entry) err('E_NO_INPUT', 'The model is empty.', 'Add an Input from the palette, or open a preset.');
  else if (inputs.length === 0)
    err('E_NO_INPUT', 'The model has no Input layer.', `Add an Input from the palette and connect it to ${entry.data.kind} "${entry.id}".`, { nodeId: entry.id });
  for (const id of inputs)
    if (outs.get(id)!.length === 0)
      err('E_DANGLING', 'This Input is not connected to anything.', 'Connect it to a layer, or delete it.', { nodeId: id });
  const sinks = order.filter((id) => specOf(byId.get(id)!).arity !== 'none' && outs.get(id)!.length === 0 && ins.get(id)!.length > 0);
  // A loop leaves no sink; E_CYCLE already says what to do there.
  if (top.length > 0 && sinks.length === 0 && inputs.length > 0 && order.length === top.length)
    err('E_NO_OUTPUT', 'Nothing ends the model: no layer after the Input produces an output.', 'Connect a final layer (usually a Dense) after the Input.', { nodeId: inputs[0] });
  if (sinks.length > 1)
    for (const id of sinks)
      err('E_MULTIPLE_OUTPUTS', `${byId.get(id)!.data.kind} is one of ${sinks.length} layers whose output goes nowhere; a model here has one output.`,
        'Connect all but the final layer onward (merge branches with Concatenate or Add), or delete the extra ones.', { nodeId: id });

  const ok = !diags.some((d) => d.severity === 'error');
  const result: CompileResult = { ok, diagnostics: diags, shapes, params: counts };
  if (!ok) return result;

  const layers: IRLayer[] = order.map((id) => {
    const n = byId.get(id)!;
    return {
      id,
      name: names.get(id)!,
      kind: n.data.kind,
      params: params.get(id)!,
      inputs: ins.get(id)!,
      inputShapes: ins.get(id)!.map((s) => shapes[s]),
      outputShape: shapes[id],
      paramCount: counts[id],
      seed: seedFor(n),
      ...(inner.has(id) ? { inner: innerOf(id) } : {}),
    };
  });
  result.ir = { layers, inputs, outputs: sinks, totalParams: layers.reduce((s, l) => s + l.paramCount, 0), seed: runSeed };
  return result;
}

/** Keras-style output shape with the batch axis, e.g. `[null, null, 64]`. */
export const outputShapeOf = (l: IRLayer) => kerasShape(l.outputShape);
