/**
 * Keras `model.to_json()` (Keras 1, 2 and 3), `model.to_yaml()` (Keras 1 and 2; model-text.ts) and TF.js layers-model
 * `model.json` → a graph document. Pure: the file is read as data, never evaluated. Every layer or option RNN Studio
 * cannot reproduce exactly is refused by name.
 */
import { layerNames } from '../compiler/names.ts';
import { MAX_BYTES, tooLarge, validateGraph } from '../graph/schema.ts';
import type { GraphDoc, GraphEdge, GraphNode, LayerKind, Params } from '../graph/types.ts';
import { compile } from '../compiler/index.ts';
import { LAYERS, portsOf, stateNames as stateNamesOf, withDefaults } from '../layers/index.ts';
import { isObj, Refusal, refuse, type Json, type KerasFormat, type KerasReadCtx } from '../layers/keras-config.ts';
import { dropLayers, type FileInbound, type FileLayer } from './keras-drop.ts';
import { mergeBranches, toKeras2 } from './keras-dialect.ts';
import { parseModelText } from './model-text.ts';

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
   * Sequential models leave the InputLayer out, functional ones keep it. `dropped`: removed on request
   * (`dropUnsupported`), so its weights are skipped.
   */
  fileLayers: { name: string; className: string; inModelLayers: boolean; dropped?: boolean }[];
}

export type ImportResult = { ok: true; model: ImportedModel } | { ok: false; error: string; remedy?: ImportRemedy };

/** A layer as the file describes it, before conversion; `custom` when Keras 3 says its class is not Keras's own. */
interface RawLayer extends FileLayer {
  /** `className` is the Keras 2 class it is read as; `fileClass` the class the file names (a Keras 1 or CuDNN class may differ). */
  fileClass: string;
  config: Json;
  custom?: boolean;
  /** What the reading changed that the user should know, one line. */
  note?: string;
}

/**
 * One input of a layer's call: the layer it comes from, which of that layer's outputs (`keras_history`'s tensor index:
 * 0 its output, 1 and 2 an RNN's h and c with return_state), and whether Keras 3 passed it as `initial_state`.
 */
type Inbound = FileInbound;

/** What the user may add when the file alone does not open (the CLI's `--input-shape`, `--drop-unsupported`). */
export interface ImportOptions {
  /** The input's shape when the file does not say it: [time steps, features], or [time steps] of token ids. */
  inputShape?: number[];
  /** Open the rest of the model without the layers RNN Studio does not have (keras-drop.ts). */
  dropUnsupported?: boolean;
}

/**
 * Why a file did not open, when the user can do something about it: give the input shape (`tokens` when the model
 * starts with an Embedding, so the shape is time steps only), or open it without the layers named.
 */
export type ImportRemedy = { kind: 'input-shape'; tokens: boolean } | { kind: 'drop'; layers: string[] };

class RefusalWith extends Refusal {
  constructor(
    message: string,
    readonly remedy: ImportRemedy,
  ) {
    super(message);
  }
}

/**
 * Parses model JSON text or value. Never throws on bad input: returns a message instead. The document it makes passes
 * the same validator and limits as a graph file (`validateGraph`).
 */
export function importModelJson(input: string | unknown, o: ImportOptions = {}): ImportResult {
  // A value is read through JSON too, so it is plain data (no getters, no null-prototype objects) like a file.
  const text = typeof input === 'string' ? input : JSON.stringify(input) ?? '';
  if (text.length > MAX_BYTES) return { ok: false, error: tooLarge(text.length) };
  const parsed = parseModelText(text);
  if (!parsed.ok) return { ok: false, error: parsed.yaml ? parsed.error : `This is not a JSON file (${parsed.error}).` };
  try {
    const model = convert(parsed.yaml ? JSON.parse(JSON.stringify(parsed.value)) : parsed.value, o);
    if (parsed.yaml && model.doc.meta?.description) model.doc.meta.description = model.doc.meta.description.replace('model JSON', 'model YAML');
    return { ok: true, model };
  } catch (e) {
    if (e instanceof RefusalWith) return { ok: false, error: e.message, remedy: e.remedy };
    if (e instanceof Refusal) return { ok: false, error: e.message };
    throw e;
  }
}

function convert(raw: unknown, o: ImportOptions): ImportedModel {
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
  const all = readLayers(topology!, format!, o.inputShape);
  const { layers: supported, removed } = withoutUnsupported(all, format!, o.dropUnsupported ?? false);
  const { layers, unused } = withoutUnusedInputs(supported);
  removed.push(...unused);
  const kept = new Set(layers.map((l) => l.name));
  const conv = toGraph(layers, format!);
  conv.warnings.unshift(...removed);
  const outputs = outputLayers(topology!);
  // The file's output order decides predict's outputs and which loss weight is whose: kept as the graph's own.
  if (outputs.length > 1) conv.doc.outputOrder = outputs.map((n) => conv.nodeOfLayer.get(n)).filter((id): id is string => id !== undefined);
  setLossWeights(conv, root, outputs);
  const sequential = topology!.class_name === 'Sequential';
  const fileLayers = all.map((l) => ({ name: l.name, className: l.fileClass, inModelLayers: !(sequential && l.className === 'InputLayer'), ...(kept.has(l.name) ? {} : { dropped: true }) }));
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
function readLayers(t: Json, format: ImportedModel['format'], inputShape?: number[], fed = false): RawLayer[] {
  const cls = t.class_name;
  const config = t.config;
  if (cls === 'Sequential') {
    const list = Array.isArray(config) ? config : isObj(config) ? config.layers : undefined;
    if (!Array.isArray(list)) refuse('The Sequential model has no layer list.');
    const out: RawLayer[] = [];
    for (const [i, l] of (list as unknown[]).entries()) {
      if (!isObj(l) || typeof l.class_name !== 'string' || !isObj(l.config) && !Array.isArray(l.config)) refuse(`Layer ${i + 1} of the Sequential model is malformed.`);
      const c = (l as Json).config as Json;
      const name = typeof c.name === 'string' ? c.name : `layer_${i + 1}`;
      const prev: Inbound[] = out.length ? [{ name: out[out.length - 1].name, tensor: 0, state: false }] : [];
      // Keras 1: a first-layer Merge joins whole branch models (Merge's `layers`), each with its own input.
      const branches = (l as Json).class_name === 'Merge' ? mergeBranches(c) : undefined;
      if (branches) {
        const ends = branches.map((b) => outputOf(b, pushAll(out, readLayers(b, format))));
        out.push(rawLayer(name, 'Merge', c, ends.map((e) => ({ name: e, tensor: 0, state: false }))));
        continue;
      }
      if (NESTED.has((l as Json).class_name as string)) {
        pushAll(out, inlineModel(readLayers(l as Json, format, undefined, prev.length > 0), prev));
        continue;
      }
      if (i === 0 && !fed && (l as Json).class_name !== 'InputLayer') {
        const first = { ...(l as Json), config: toKeras2((l as Json).class_name as string, c, name).config };
        const shape = firstInputShape(first, config, name, inputShape);
        out.push(rawLayer(`${name}_input`, 'InputLayer', { batch_input_shape: shape, dtype: first.config.dtype ?? ((l as Json).class_name === 'Embedding' ? 'int32' : 'float32') }, []));
      }
      out.push(rawLayer(name, (l as Json).class_name as string, c, out.length ? [{ name: out[out.length - 1].name, tensor: 0, state: false }] : [], isCustom(l as Json)));
    }
    return out;
  }
  if (cls === 'Model' || cls === 'Functional') {
    if (!isObj(config) || !Array.isArray(config.layers)) refuse('The functional model has no layer list.');
    // Keras 3 records the mask an Embedding hands to the next layer as an op entry (`ops.not_equal`) that the
    // layer's node takes as kwargs.mask; it is that Embedding's mask, not a layer, so it is skipped.
    const maskOps = new Set<string>();
    for (const l of (config as Json).layers as unknown[])
      for (const node of isObj(l) && Array.isArray(l.inbound_nodes) ? (l.inbound_nodes as unknown[]) : [])
        // An attention layer's mask is a list, [query_mask, value_mask].
        for (const m of isObj(node) && isObj(node.kwargs) ? [node.kwargs.mask].flat() : [])
          if (isObj(m) && isObj(m.config) && Array.isArray(m.config.keras_history)) maskOps.add(String(m.config.keras_history[0]));
    const entries = ((config as Json).layers as unknown[]).filter((l) => !(isObj(l) && l.class_name === 'NotEqual' && maskOps.has(String(l.name))));
    // A model used as a layer is replaced by its layers; whatever took its output takes its last layer's.
    const alias = new Map<string, string>();
    const out: RawLayer[] = [];
    for (const [i, l] of entries.entries()) {
      if (!isObj(l) || typeof l.class_name !== 'string' || !isObj(l.config) && !Array.isArray(l.config)) refuse(`Layer ${i + 1} of the model is malformed.`);
      const c = l.config as Json;
      const name = typeof l.name === 'string' ? l.name : typeof c.name === 'string' ? (c.name as string) : `layer_${i + 1}`;
      const inbound = inboundNames(l.inbound_nodes, name, l.class_name as string, format).map((x) => ({ ...x, name: alias.get(x.name) ?? x.name }));
      if (NESTED.has(l.class_name as string)) alias.set(name, outputOf(l as Json, pushAll(out, inlineModel(readLayers(l as Json, format, undefined, inbound.length > 0), inbound))));
      else out.push(rawLayer(name, l.class_name as string, { ...c, ...causalCall(l.inbound_nodes) }, inbound, isCustom(l)));
    }
    return out;
  }
  return refuse(`Model class ${JSON.stringify(cls)} is not supported; export a Sequential or functional Keras/TF.js model.`);
}

/**
 * A functional model may list an Input that no layer reads (Keras saves it and expects it in predict); the graph
 * leaves it out, one line each, as long as another Input remains.
 */
function withoutUnusedInputs(layers: RawLayer[]): { layers: RawLayer[]; unused: string[] } {
  const read = new Set(layers.flatMap((l) => l.inbound.map((i) => i.name)));
  const unused = layers.filter((l) => l.className === 'InputLayer' && !read.has(l.name));
  if (unused.length === 0 || unused.length === layers.filter((l) => l.className === 'InputLayer').length) return { layers, unused: [] };
  const names = new Set(unused.map((l) => l.name));
  return {
    layers: layers.filter((l) => !names.has(l.name)),
    unused: unused.map((l) => `Input ${l.name} feeds no layer (Keras keeps it as a model input that predict still expects); it is left out.`),
  };
}

/** Model classes that may appear as a layer of another model. */
const NESTED = new Set(['Sequential', 'Model', 'Functional']);

/** A file's layer in the Keras 2 dialect (keras-dialect.ts rewrites Keras 1 names, Merge and the CuDNN layers). */
function rawLayer(name: string, className: string, config: Json, inbound: Inbound[], custom = false): RawLayer {
  const k2 = toKeras2(className, config, name);
  // A wrapper's layer (Bidirectional's) is in its file's dialect too.
  const inner = k2.config.layer;
  if (isObj(inner) && typeof inner.class_name === 'string' && isObj(inner.config)) {
    const { className: cls, config: c, note } = toKeras2(inner.class_name, inner.config, String(inner.config.name ?? name));
    k2.config = { ...k2.config, layer: { ...inner, class_name: cls, config: c } };
    if (note) k2.note = note;
  }
  return { name, ...k2, fileClass: className, inbound, ...(custom ? { custom } : {}) };
}

const pushAll = (out: RawLayer[], more: RawLayer[]): RawLayer[] => (out.push(...more), more);
/** The layer whose output a nested model returns: a functional model's one output layer, a Sequential's last layer. */
function outputOf(model: Json, layers: RawLayer[]): string {
  const list = outputLayers(model);
  if (!list.length) return layers[layers.length - 1]?.name ?? refuse('A model inside the model has no layers.');
  if (list.length !== 1) refuse(`A model used as a layer has ${list.length} outputs; RNN Studio inlines nested models with one output.`);
  return list[0];
}

/**
 * A nested model's layers, fed by `inbound` (its caller's input) instead of its own InputLayer (or, for a Sequential
 * read without one, into its first layer). With no inbound (the nested model is the first layer) its InputLayer
 * stays. One input and its last layer as output, as a Sequential has.
 */
function inlineModel(layers: RawLayer[], inbound: Inbound[]): RawLayer[] {
  if (inbound.length === 0) return layers;
  const inputs = new Set(layers.filter((l) => l.className === 'InputLayer').map((l) => l.name));
  if (inputs.size > 1) refuse(`A model used as a layer has ${inputs.size} inputs; RNN Studio inlines nested models with one input.`);
  return layers.filter((l) => !inputs.has(l.name)).map((l) => ({ ...l, inbound: l.inbound.length ? l.inbound.flatMap((x) => (inputs.has(x.name) ? inbound : [x])) : inbound }));
}

/**
 * The input shape of a Sequential model that has no InputLayer, with the batch axis: from its first layer's
 * `batch_input_shape` (Keras 1/2, TF.js) or `batch_shape`, Keras 3's `build_config`, the model's `build_input_shape`,
 * or else the shape the user gives ([T, F], or [T] of token ids when the model starts with an Embedding).
 */
function firstInputShape(first: Json, model: unknown, name: string, given?: number[]): unknown[] {
  const c = first.config as Json;
  const build = isObj(first.build_config) ? first.build_config.input_shape : undefined;
  const noBatch = Array.isArray(c.input_shape) ? [null, ...(c.input_shape as unknown[])] : undefined;
  const stored = [c.batch_input_shape, c.batch_shape, noBatch, build, isObj(model) ? model.build_input_shape : undefined].find(Array.isArray);
  if (stored) return stored as unknown[];
  const tokens = first.class_name === 'Embedding';
  const what = tokens ? 'its length in time steps (token ids)' : 'its time steps and features';
  if (!given) throw new RefusalWith(`The file does not say the model's input shape: its first layer, ${name} (${String(first.class_name)}), has no batch_input_shape, so ${what} must be given.`, { kind: 'input-shape', tokens });
  if (given.length !== (tokens ? 1 : 2) || !given.every((d) => Number.isInteger(d) && d >= 1))
    throw new RefusalWith(`The input shape must be ${tokens ? 'one whole number, the time steps (the model starts with an Embedding, which takes token ids)' : 'two whole numbers, time steps and features'}; got ${given.join(',')}.`, { kind: 'input-shape', tokens });
  return [null, ...given];
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
function inboundNames(nodes: unknown, layer: string, className: string, format: ImportedModel['format']): Inbound[] {
  if (!Array.isArray(nodes) || nodes.length === 0) return [];
  if (nodes.length > 1) refuse(`Layer ${layer} (${className}) is used ${nodes.length} times (a shared layer, one set of weights for several inputs); RNN Studio layers are used once.`);
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

/** Keras 3 names a class that is not Keras's own (`registered_name` "package>Class"); built-in layers have null there. */
const isCustom = (entry: Json) => typeof entry.registered_name === 'string' && entry.registered_name !== entry.class_name;

/** Why RNN Studio cannot open a layer of class `l.className` (one it has no kind for). */
function unsupportedWhy(l: RawLayer): string {
  if (l.className === 'Lambda') return "it runs Python code saved in the file, which RNN Studio does not run";
  if (/(2|3)D$|ConvLSTM/.test(l.className)) return "it is an image (2-D) or volume (3-D) layer, and RNN Studio's layers work on sequences";
  if (l.custom) return 'it is a custom class defined in the Python code that saved the model, which is not in the file';
  return 'RNN Studio has no layer that computes it (a custom class or a Keras layer outside RNN Studio\'s set)';
}

/**
 * The file's layers without those RNN Studio has no kind for, when `drop` (what was removed, one line each); else
 * refuses, naming the first such layer, its class and why, and offering the removal when it leaves a valid graph.
 */
function withoutUnsupported(layers: RawLayer[], format: KerasFormat, drop: boolean): { layers: RawLayer[]; removed: string[] } {
  const unsupported = layers.filter((l) => !KIND_OF_CLASS.has(l.className));
  if (unsupported.length === 0) return { layers, removed: [] };
  const names = unsupported.map((l) => l.name);
  const r = dropLayers(layers, new Set(names), (c) => KIND_OF_CLASS.get(c)?.category === 'merge');
  // The rest opens when it converts and compiles (shapes included).
  let problem = r.ok ? '' : r.error;
  if (r.ok)
    try {
      const ir = compile(toGraph(r.layers, format).doc);
      if (!ir.ir) problem = ir.diagnostics.find((d) => d.severity === 'error')?.message ?? 'it does not compile';
    } catch (e) {
      if (!(e instanceof Refusal)) throw e;
      problem = e.message;
    }
  const first = unsupported[0];
  const more = unsupported.length > 1 ? ` (so are ${unsupported.slice(1).map((l) => `${l.name}, a ${l.fileClass}`).join('; ')})` : '';
  const refusal = `Layer ${first.name} is a ${first.fileClass}, which RNN Studio cannot open: ${unsupportedWhy(first)}${more}.`;
  if (problem) refuse(`${refusal}${drop ? ` Without ${names.join(', ')} the rest is not a valid model: ${problem.replace(/\.$/, '')}.` : ''}`);
  if (!drop) throw new RefusalWith(refusal, { kind: 'drop', layers: names });
  return r as { layers: RawLayer[]; removed: string[] };
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
    if (l.note) warn(l.note);
    // Classes without a kind were refused or removed before (withoutUnsupported).
    const spec = KIND_OF_CLASS.get(l.className)!;
    const read = spec.keras.read(l.config, readCtx(l.name, l.fileClass));
    // A recurrent layer's initial states: Keras 3 names them; Keras 2 and TF.js list them after its input.
    const statesGiven = spec.recurrent && l.inbound.length > 1;
    const states = statesGiven ? (l.inbound.some((i) => i.state) ? l.inbound.filter((i) => i.state) : l.inbound.slice(1)) : [];
    const stateNames = stateNamesOf(spec.kind);
    if (states.length > stateNames.length) refuse(`Layer ${l.name} (${l.className}) is given ${states.length} initial states; a ${l.className} carries ${stateNames.join(' and ')}.`);
    const id = add(l, spec.kind, states.length ? { ...read.params, stateInputs: true } : read.params);
    if (read.inner) {
      const { name, kind, className, config } = read.inner;
      add({ name, className, fileClass: className, config, inbound: [] }, kind, LAYERS[kind].keras.read(config, readCtx(name, className)).params, id);
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
 * The names of a functional model's output layers in its `output_layers` order (`[[name, node, tensor], …]`, or one
 * `[name, node, tensor]` as Keras 3 writes a single output); none for a Sequential model.
 */
function outputLayers(topology: Json): string[] {
  const list = isObj(topology.config) ? (topology.config as Json).output_layers : undefined;
  if (!Array.isArray(list)) return [];
  return (Array.isArray(list[0]) ? list : [list]).map((o) => (Array.isArray(o) && typeof o[0] === 'string' ? o[0] : ''));
}

/**
 * The loss weights of a model with several outputs, as its file records how it was compiled: Keras 3's
 * `compile_config`, Keras 2's and TF.js's `training_config` (keras/src/trainers/compile_utils.py: a dict by output
 * name, or a list in the order of `output_layers`). Each goes to its output's Dense as `lossWeight`; without them every
 * output weighs 1, as in Keras.
 */
function setLossWeights(conv: Pick<ImportedModel, 'doc' | 'nodeOfLayer' | 'warnings'>, root: Json, outputs: string[]) {
  const settings = [root.compile_config, root.training_config, isObj(root.modelTopology) ? (root.modelTopology as Json).training_config : undefined].find(isObj) as Json | undefined;
  const given = settings?.loss_weights;
  if (given === undefined || given === null) return;
  const pairs: [string, unknown][] = Array.isArray(given) ? given.map((w, i) => [outputs[i] ?? '', w]) : isObj(given) ? Object.entries(given) : [];
  if (!pairs.length) refuse(`The file's loss_weights (${JSON.stringify(given).slice(0, 80)}) are neither a list nor a dict by output name.`);
  for (const [name, w] of pairs) {
    const node = outputs.includes(name) ? conv.doc.nodes.find((n) => n.id === conv.nodeOfLayer.get(name)) : undefined;
    if (!node) refuse(`The file's loss_weights name ${JSON.stringify(name)}, which is not an output of the model.`);
    if (typeof w !== 'number' || !Number.isFinite(w)) refuse(`The loss weight of output ${name} is ${JSON.stringify(w)}, not a number.`);
    if (node!.data.kind === 'Dense') node!.data.params = { ...node!.data.params, lossWeight: w };
    else if (w !== 1) conv.warnings.push(`Output ${name} is a ${node!.data.kind}, which has no loss weight here: it trains with weight 1, not ${w}.`);
  }
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
