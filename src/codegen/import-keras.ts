/**
 * Keras `model.to_json()` (Keras 2 and 3) and TF.js layers-model `model.json` → a graph document. Pure: the file is
 * read as data, never evaluated. Every layer or option RNN Studio cannot reproduce exactly is refused by name.
 */
import { layerNames } from '../compiler/names.ts';
import { MAX_BYTES, tooLarge, validateGraph } from '../graph/schema.ts';
import type { GraphDoc, GraphEdge, GraphNode, LayerKind, Params } from '../graph/types.ts';
import { LAYERS, portsOf, stateNames as stateNamesOf, withDefaults } from '../layers/index.ts';
import { isObj, Refusal, refuse, type Json, type KerasFormat, type KerasReadCtx } from '../layers/keras-config.ts';

export interface ImportedModel {
  doc: GraphDoc;
  /** Which node each layer of the file became, by the file's layer name (wrapped layers too). A Map: names are the file's. */
  nodeOfLayer: Map<string, string>;
  /** Things that were read but not kept (e.g. an initializer without an equivalent), one line each. */
  warnings: string[];
  /**
   * The TF.js weights manifest, when the file is a TF.js model.json. `graphName` is the weight's name in a model built
   * from `doc` (`<layer>/<w>`, `<bidi>/forward_<inner>/<w>`), so the weights load into it.
   */
  weightsManifest?: { paths: string[]; weights: { name: string; graphName: string; shape: number[]; dtype: 'float32' }[] }[];
  format: KerasFormat;
  /**
   * The file's layers in order, and which of them Keras lists in `model.layers` (where saved weights are keyed):
   * Sequential models leave the InputLayer out, functional ones keep it.
   */
  fileLayers: { name: string; className: string; inModelLayers: boolean }[];
}

export type ImportResult = { ok: true; model: ImportedModel } | { ok: false; error: string };

/** A layer as the file describes it, before conversion. */
interface RawLayer {
  name: string;
  className: string;
  config: Json;
  inbound: Inbound[];
}

/**
 * One input of a layer's call: the layer it comes from, which of that layer's outputs (`keras_history`'s tensor index:
 * 0 its output, 1 and 2 an RNN's h and c with return_state), and whether Keras 3 passed it as `initial_state`.
 */
interface Inbound {
  name: string;
  tensor: number;
  state: boolean;
}

/**
 * Parses model JSON text or value. Never throws on bad input: returns a message instead. The document it makes passes
 * the same validator and limits as a graph file (`validateGraph`).
 */
export function importModelJson(input: string | unknown): ImportResult {
  let raw: unknown;
  try {
    // A value is read through JSON too, so it is plain data (no getters, no null-prototype objects) like a file.
    const text = typeof input === 'string' ? input : JSON.stringify(input) ?? '';
    if (text.length > MAX_BYTES) return { ok: false, error: tooLarge(text.length) };
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `This is not a JSON file (${(e as Error).message}).` };
  }
  try {
    return { ok: true, model: convert(raw) };
  } catch (e) {
    if (e instanceof Refusal) return { ok: false, error: e.message };
    throw e;
  }
}

function convert(raw: unknown): ImportedModel {
  if (!isObj(raw)) refuse('The file is not a Keras or TF.js model (expected a JSON object).');
  const root = raw as Json;
  let topology: Json;
  let format: ImportedModel['format'];
  let manifest: ReturnType<typeof checkManifest> | undefined;
  if ('modelTopology' in root) {
    format = 'tfjs';
    const t = root.modelTopology;
    if (!isObj(t)) refuse('model.json has no modelTopology object; only TF.js layers models (not graph models) can be imported.');
    topology = isObj((t as Json).model_config) ? ((t as Json).model_config as Json) : (t as Json);
    if (root.weightsManifest !== undefined) manifest = checkManifest(root.weightsManifest);
  } else if ('class_name' in root && 'config' in root) {
    topology = root;
    format = 'module' in root || String(root.keras_version ?? '').startsWith('3') ? 'keras3' : 'keras2';
  } else refuse('The file is neither a Keras model JSON (model.to_json()) nor a TF.js model.json.');
  const layers = readLayers(topology!, format!);
  const conv = toGraph(layers, format!);
  const sequential = topology!.class_name === 'Sequential';
  const fileLayers = layers.map((l) => ({ name: l.name, className: l.className, inModelLayers: !(sequential && l.className === 'InputLayer') }));
  const name = typeof (topology!.config as Json)?.name === 'string' ? ((topology!.config as Json).name as string) : 'imported model';
  conv.doc.meta = { name: name.slice(0, 200), description: `Imported from a ${format! === 'tfjs' ? 'TF.js model.json' : `Keras ${format!.slice(5)} model JSON`}.` };
  const valid = validateGraph(conv.doc);
  if (!valid.ok) refuse(`The model does not make a valid RNN Studio graph: ${valid.error}`);
  const names = layerNames(conv.doc.nodes);
  const graphName = (w: string) => renameWeight(w, conv, (id) => names.get(id)!);
  const weightsManifest = manifest?.map((g) => ({ ...g, weights: g.weights.map((w) => ({ ...w, graphName: graphName(w.name) })) }));
  return { ...conv, format: format!, fileLayers, ...(weightsManifest ? { weightsManifest } : {}) };
}

function checkManifest(m: unknown): { paths: string[]; weights: { name: string; shape: number[]; dtype: 'float32' }[] }[] {
  if (!Array.isArray(m)) refuse('weightsManifest must be a list.');
  return (m as unknown[]).map((g) => {
    if (!isObj(g) || !Array.isArray(g.paths) || !Array.isArray(g.weights)) refuse('weightsManifest groups need "paths" and "weights" lists.');
    const paths = ((g as Json).paths as unknown[]).map((p) => {
      // TF.js writes "weights.bin" or "./weights.bin"; anything outside the model's folder is refused.
      const name = typeof p === 'string' ? p.replace(/^\.\//, '') : '';
      if (name === '' || /[\\/]/.test(name) || name === '..' || name === '.') refuse(`Weight file names must be plain file names in the model's folder (got ${JSON.stringify(p)}).`);
      return name;
    });
    const weights = ((g as Json).weights as unknown[]).map((w) => {
      if (!isObj(w) || typeof w.name !== 'string' || !Array.isArray(w.shape) || !(w.shape as unknown[]).every((d) => Number.isInteger(d) && (d as number) >= 0))
        refuse('Every weight in the manifest needs a name and a shape.');
      if ((w as Json).dtype !== 'float32') refuse(`Weight ${(w as Json).name} has dtype ${JSON.stringify((w as Json).dtype)}; only float32 weights are supported.`);
      if ('quantization' in (w as Json)) refuse(`Weight ${(w as Json).name} is quantized; only unquantized float32 weights are supported.`);
      return { name: (w as Json).name as string, shape: (w as Json).shape as number[], dtype: 'float32' as const };
    });
    return { paths, weights };
  });
}

/** The layer list with each layer's inbound layer names, for Sequential and functional models of every format. */
function readLayers(t: Json, format: ImportedModel['format']): RawLayer[] {
  const cls = t.class_name;
  const config = t.config;
  if (cls === 'Sequential') {
    const list = Array.isArray(config) ? config : isObj(config) ? config.layers : undefined;
    if (!Array.isArray(list)) refuse('The Sequential model has no layer list.');
    const out: RawLayer[] = [];
    for (const [i, l] of (list as unknown[]).entries()) {
      if (!isObj(l) || typeof l.class_name !== 'string' || !isObj(l.config)) refuse(`Layer ${i + 1} of the Sequential model is malformed.`);
      const c = (l as Json).config as Json;
      const name = typeof c.name === 'string' ? c.name : `layer_${i + 1}`;
      if (i === 0 && (l as Json).class_name !== 'InputLayer') {
        const shape = c.batch_input_shape ?? c.batch_shape;
        if (!Array.isArray(shape)) refuse('The first layer of the Sequential model has no input shape (batch_input_shape), so the input is unknown.');
        out.push({ name: `${name}_input`, className: 'InputLayer', config: { batch_input_shape: shape, dtype: c.dtype ?? ((l as Json).class_name === 'Embedding' ? 'int32' : 'float32') }, inbound: [] });
      }
      out.push({ name, className: (l as Json).class_name as string, config: c, inbound: out.length ? [{ name: out[out.length - 1].name, tensor: 0, state: false }] : [] });
    }
    return out;
  }
  if (cls === 'Model' || cls === 'Functional') {
    if (!isObj(config) || !Array.isArray(config.layers)) refuse('The functional model has no layer list.');
    const outputs = (config as Json).output_layers;
    if (Array.isArray(outputs) && outputs.length > 1 && Array.isArray(outputs[0])) refuse(`The model has ${outputs.length} outputs; RNN Studio models have one.`);
    // Keras 3 records the mask an Embedding hands to the next layer as an op entry (`ops.not_equal`) that the
    // layer's node takes as kwargs.mask; it is that Embedding's mask, not a layer, so it is skipped.
    const maskOps = new Set<string>();
    for (const l of (config as Json).layers as unknown[])
      for (const node of isObj(l) && Array.isArray(l.inbound_nodes) ? (l.inbound_nodes as unknown[]) : [])
        // An attention layer's mask is a list, [query_mask, value_mask].
        for (const m of isObj(node) && isObj(node.kwargs) ? [node.kwargs.mask].flat() : [])
          if (isObj(m) && isObj(m.config) && Array.isArray(m.config.keras_history)) maskOps.add(String(m.config.keras_history[0]));
    const entries = ((config as Json).layers as unknown[]).filter((l) => !(isObj(l) && l.class_name === 'NotEqual' && maskOps.has(String(l.name))));
    return entries.map((l, i) => {
      if (!isObj(l) || typeof l.class_name !== 'string' || !isObj(l.config)) refuse(`Layer ${i + 1} of the model is malformed.`);
      const name = typeof l.name === 'string' ? l.name : typeof (l.config as Json).name === 'string' ? ((l.config as Json).name as string) : `layer_${i + 1}`;
      const config = { ...(l.config as Json), ...causalCall(l.inbound_nodes) };
      return { name, className: l.class_name as string, config, inbound: inboundNames(l.inbound_nodes, name, format) };
    });
  }
  return refuse(`Model class ${JSON.stringify(cls)} is not supported; export a Sequential or functional Keras/TF.js model.`);
}

/** The call keyword arguments an attention layer may carry, besides the mask; the rest are refused. */
const ATTENTION_CALL = ['return_attention_scores', 'use_causal_mask'];

/** `use_causal_mask=True` in the (one) call, as the config key `causal` (Keras ≤ 2.9's constructor argument). */
function causalCall(nodes: unknown): Json {
  const node = Array.isArray(nodes) ? nodes[0] : undefined;
  const kwargs = isObj(node) ? node.kwargs : Array.isArray(node) && Array.isArray(node[0]) ? node[0][3] : undefined;
  return isObj(kwargs) && kwargs.use_causal_mask === true ? { causal: true } : {};
}

/**
 * Keras 2 / TF.js: [[["name", node, tensor, {}], …]] (an RNN's initial states follow its input); Keras 3:
 * [{"args": [tensor | [tensors]], "kwargs": {"initial_state"?: [tensors]}}] (keras-vocabulary.md §2.19).
 */
function inboundNames(nodes: unknown, layer: string, format: ImportedModel['format']): Inbound[] {
  if (!Array.isArray(nodes) || nodes.length === 0) return [];
  if (nodes.length > 1) refuse(`Layer ${layer} is used ${nodes.length} times (a shared layer); RNN Studio layers are used once.`);
  const node = nodes[0];
  if (format === 'keras3' && isObj(node)) {
    const kwargs = isObj(node.kwargs) ? node.kwargs : {};
    for (const k of Object.keys(kwargs))
      if (k !== 'mask' && k !== 'training' && k !== 'initial_state' && !ATTENTION_CALL.includes(k)) refuse(`Layer ${layer} is called with ${k}=…; only plain calls are supported.`);
    const found: Inbound[] = [];
    const visit = (a: unknown, state: boolean) => {
      if (Array.isArray(a)) a.forEach((x) => visit(x, state));
      else if (isObj(a) && a.class_name === '__keras_tensor__' && isObj(a.config) && Array.isArray(a.config.keras_history)) {
        const [from, , tensor] = a.config.keras_history as unknown[];
        if (typeof from !== 'string') refuse(`Layer ${layer} has malformed inbound_nodes.`);
        found.push({ name: from as string, tensor: typeof tensor === 'number' ? tensor : 0, state });
      }
    };
    visit(node.args, false);
    visit(kwargs.initial_state, true);
    return found;
  }
  if (!Array.isArray(node)) return refuse(`Layer ${layer} has malformed inbound_nodes.`);
  return (node as unknown[]).map((t) => {
    if (!Array.isArray(t) || typeof t[0] !== 'string') refuse(`Layer ${layer} has malformed inbound_nodes.`);
    const kw = (t as unknown[])[3];
    if (isObj(kw) && Object.keys(kw).some((k) => k !== 'mask' && k !== 'training' && !ATTENTION_CALL.includes(k))) refuse(`Layer ${layer} is called with ${Object.keys(kw).join(', ')}; only plain calls are supported.`);
    const tensor = (t as unknown[])[2];
    return { name: (t as unknown[])[0] as string, tensor: typeof tensor === 'number' ? tensor : 0, state: false };
  });
}

// ── layer conversion ────────────────────────────────────────────────────────────────────────────────────────

/** Keras class → the kind that reads it (each kind lists its classes in its registry entry). A Map, so `constructor` finds nothing. */
const KIND_OF_CLASS = new Map(Object.values(LAYERS).flatMap((s) => s.keras.classNames.map((c) => [c, s] as const)));

function toGraph(layers: RawLayer[], format: ImportedModel['format']): Omit<ImportedModel, 'format' | 'fileLayers'> {
  const warnings: string[] = [];
  const warn = (s: string) => warnings.push(s);
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const nodeOfLayer = new Map<string, string>();
  const consumers = (name: string) => layers.filter((l) => l.inbound.some((i) => i.name === name));
  let y = 0;
  const add = (layer: RawLayer, kind: LayerKind, params: Params, parentId?: string): string => {
    const id = parentId ? `${parentId}_inner` : `n${nodes.filter((n) => !n.parentId).length + 1}`;
    nodes.push({ id, position: parentId ? { x: 20, y: 40 } : { x: 0, y }, ...(parentId ? { parentId } : {}), data: { kind, name: layer.name.slice(0, 100), params } });
    if (!parentId) y += 130;
    if (nodeOfLayer.has(layer.name)) refuse(`Two layers are named ${JSON.stringify(layer.name)}; layer names in a model are unique.`);
    nodeOfLayer.set(layer.name, id);
    return id;
  };
  const readCtx = (layer: string, className: string): KerasReadCtx => ({ layer, className, format, warn, consumers: consumers(layer) });
  for (const l of layers) {
    const spec = KIND_OF_CLASS.get(l.className);
    if (!spec) return refuse(`Layer ${l.name} is a ${l.className}, which RNN Studio does not support (supported: ${[...KIND_OF_CLASS.keys()].join(', ')}).`);
    const read = spec.keras.read(l.config, readCtx(l.name, l.className));
    // A recurrent layer's initial states: Keras 3 names them; Keras 2 and TF.js list them after its input.
    const statesGiven = spec.recurrent && l.inbound.length > 1;
    const states = statesGiven ? (l.inbound.some((i) => i.state) ? l.inbound.filter((i) => i.state) : l.inbound.slice(1)) : [];
    const stateNames = stateNamesOf(spec.kind);
    if (states.length > stateNames.length) refuse(`Layer ${l.name} (${l.className}) is given ${states.length} initial states; a ${l.className} carries ${stateNames.join(' and ')}.`);
    const id = add(l, spec.kind, states.length ? { ...read.params, stateInputs: true } : read.params);
    if (read.inner) {
      const { name, kind, className, config } = read.inner;
      add({ name, className, config, inbound: [] }, kind, LAYERS[kind].keras.read(config, readCtx(name, className)).params, id);
    }
    for (const src of l.inbound) {
      const source = nodeOfLayer.get(src.name);
      if (source === undefined) refuse(`Layer ${l.name} takes its input from ${src.name}, which comes later or does not exist.`);
      // tensor k of a layer is its k-th output port (an RNN with return_state: output, h, c).
      const from = nodes.find((n) => n.id === source)!.data;
      const outputs = portsOf(LAYERS[from.kind], withDefaults(LAYERS[from.kind].params, from.params)).outputs;
      if (src.tensor >= outputs.length) refuse(`Layer ${l.name} takes output ${src.tensor} of ${src.name}, which has ${outputs.length} (${outputs.join(', ')}).`);
      const state = states.indexOf(src);
      // An attention layer's inputs [query, value, key] go to its ports in that order.
      const port = spec.recurrent ? undefined : portsOf(spec, withDefaults(spec.params, read.params)).inputs[l.inbound.indexOf(src)];
      edges.push({
        id: `e${edges.length + 1}`, source: source!, target: id,
        ...(src.tensor > 0 ? { sourceHandle: outputs[src.tensor] } : {}),
        ...(state >= 0 ? { targetHandle: `initial_${stateNames[state]}` } : port && port !== 'x' && l.inbound.indexOf(src) > 0 ? { targetHandle: port } : {}),
      });
    }
  }
  return { doc: { nodes, edges, viewport: { x: 0, y: 0, zoom: 1 } }, nodeOfLayer, warnings };
}

/**
 * Renames a TF.js weight name from the file's layer names to the names the compiled graph uses
 * (`<layer>/<w>`, `<bidi>/forward_<inner>/<w>`), so it loads into a model built from the imported graph.
 * `irName` gives the compiled name of a node id. Refuses (inside the import's try) a weight it cannot place.
 */
export function renameWeight(name: string, m: Pick<ImportedModel, 'nodeOfLayer' | 'doc'>, irName: (nodeId: string) => string): string {
  const parts = name.split('/');
  const node = m.nodeOfLayer.get(parts[0]);
  if (!node) refuse(`Weight ${name} belongs to no layer of the model.`);
  parts[0] = irName(node!);
  const inner = m.doc.nodes.find((n) => n.parentId === node);
  if (inner && parts.length === 3) {
    const dir = /^(forward|backward)_/.exec(parts[1]);
    if (!dir) refuse(`Weight ${name} of a Bidirectional names no direction.`);
    parts[1] = `${dir![1]}_${irName(inner.id)}`;
  }
  return parts.join('/');
}
