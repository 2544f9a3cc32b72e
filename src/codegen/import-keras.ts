/**
 * Keras `model.to_json()` (Keras 2 and 3) and TF.js layers-model `model.json` → a graph document. Pure: the file is
 * read as data, never evaluated. Every layer or option RNN Studio cannot reproduce exactly is refused by name.
 */
import { layerNames } from '../compiler/names.ts';
import { MAX_BYTES, tooLarge, validateGraph } from '../graph/schema.ts';
import type { GraphDoc, GraphEdge, GraphNode, LayerKind, Params } from '../graph/types.ts';
import { ACTIVATIONS } from '../layers/recurrent.ts';

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
  format: 'tfjs' | 'keras2' | 'keras3';
  /**
   * The file's layers in order, and which of them Keras lists in `model.layers` (where saved weights are keyed):
   * Sequential models leave the InputLayer out, functional ones keep it.
   */
  fileLayers: { name: string; className: string; inModelLayers: boolean }[];
}

export type ImportResult = { ok: true; model: ImportedModel } | { ok: false; error: string };

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

class Refusal extends Error {}
function refuse(msg: string): never {
  throw new Refusal(msg);
}

/** A layer as the file describes it, before conversion. */
interface RawLayer {
  name: string;
  className: string;
  config: Json;
  inbound: string[];
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
      out.push({ name, className: (l as Json).class_name as string, config: c, inbound: out.length ? [out[out.length - 1].name] : [] });
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
        if (isObj(node) && isObj(node.kwargs) && isObj(node.kwargs.mask) && isObj(node.kwargs.mask.config) && Array.isArray(node.kwargs.mask.config.keras_history))
          maskOps.add(String(node.kwargs.mask.config.keras_history[0]));
    const entries = ((config as Json).layers as unknown[]).filter((l) => !(isObj(l) && l.class_name === 'NotEqual' && maskOps.has(String(l.name))));
    return entries.map((l, i) => {
      if (!isObj(l) || typeof l.class_name !== 'string' || !isObj(l.config)) refuse(`Layer ${i + 1} of the model is malformed.`);
      const name = typeof l.name === 'string' ? l.name : typeof (l.config as Json).name === 'string' ? ((l.config as Json).name as string) : `layer_${i + 1}`;
      return { name, className: l.class_name as string, config: l.config as Json, inbound: inboundNames(l.inbound_nodes, name, format) };
    });
  }
  return refuse(`Model class ${JSON.stringify(cls)} is not supported; export a Sequential or functional Keras/TF.js model.`);
}

/** Keras 2 / TF.js: [[["name", node, tensor, {}], …]]; Keras 3: [{"args": [tensor | [tensors]], "kwargs": {}}]. */
function inboundNames(nodes: unknown, layer: string, format: ImportedModel['format']): string[] {
  if (!Array.isArray(nodes) || nodes.length === 0) return [];
  if (nodes.length > 1) refuse(`Layer ${layer} is used ${nodes.length} times (a shared layer); RNN Studio layers are used once.`);
  const node = nodes[0];
  if (format === 'keras3' && isObj(node)) {
    const kwargs = isObj(node.kwargs) ? node.kwargs : {};
    for (const k of Object.keys(kwargs))
      if (k !== 'mask' && k !== 'training') refuse(`Layer ${layer} is called with ${k}=…; only plain calls are supported.`);
    const names: string[] = [];
    const visit = (a: unknown) => {
      if (Array.isArray(a)) a.forEach(visit);
      else if (isObj(a) && a.class_name === '__keras_tensor__' && isObj(a.config) && Array.isArray(a.config.keras_history)) {
        const from = a.config.keras_history[0];
        names.push(typeof from === 'string' ? from : refuse(`Layer ${layer} has malformed inbound_nodes.`));
      }
    };
    visit(node.args);
    return names;
  }
  if (!Array.isArray(node)) return refuse(`Layer ${layer} has malformed inbound_nodes.`);
  return (node as unknown[]).map((t) => {
    if (!Array.isArray(t) || typeof t[0] !== 'string') refuse(`Layer ${layer} has malformed inbound_nodes.`);
    const kw = (t as unknown[])[3];
    if (isObj(kw) && Object.keys(kw).some((k) => k !== 'mask' && k !== 'training')) refuse(`Layer ${layer} is called with ${Object.keys(kw).join(', ')}; only plain calls are supported.`);
    return (t as unknown[])[0] as string;
  });
}

// ── layer conversion ────────────────────────────────────────────────────────────────────────────────────────

const num = (c: Json, k: string, layer: string, def?: number): number =>
  typeof c[k] === 'number' ? (c[k] as number) : c[k] == null && def !== undefined ? def : refuse(`Layer ${layer}: ${k} must be a number.`);
const flag = (c: Json, k: string, def: boolean): boolean => (typeof c[k] === 'boolean' ? (c[k] as boolean) : def);

/** An option that must have one value (e.g. stateful=false); anything else is refused with its name. */
function mustBe(c: Json, layer: string, cls: string, k: string, allowed: unknown[], why = ''): void {
  if (!(k in c) || c[k] === null && allowed.includes(false)) return;
  if (!allowed.includes(c[k])) refuse(`Layer ${layer} (${cls}) has ${k}=${JSON.stringify(c[k])}, which RNN Studio does not support${why ? `: ${why}` : ''}.`);
}

function activation(c: Json, k: string, layer: string, cls: string, allowed: readonly string[]): string {
  const v = c[k] ?? 'linear';
  const name = isObj(v) && typeof v.class_name === 'string' && v.class_name === 'function' ? v.config : v;
  if (typeof name !== 'string') return refuse(`Layer ${layer} (${cls}) has a custom ${k}; only built-in activations are supported.`);
  if (!allowed.includes(name)) refuse(`Layer ${layer} (${cls}) has ${k}=${JSON.stringify(name)}; supported: ${allowed.join(', ')}.`);
  return name;
}

/** A Map, so a class name such as `constructor` finds nothing rather than Object's prototype. */
const INITIALIZERS = new Map(Object.entries({
  GlorotUniform: 'glorotUniform', glorot_uniform: 'glorotUniform', GlorotNormal: 'glorotNormal', glorot_normal: 'glorotNormal',
  HeUniform: 'heUniform', he_uniform: 'heUniform', HeNormal: 'heNormal', he_normal: 'heNormal',
  Orthogonal: 'orthogonal', orthogonal: 'orthogonal', Identity: 'identity', identity: 'identity', Zeros: 'zeros', zeros: 'zeros',
}));

/** Initializers only matter for fresh training; unknown ones fall back to the Keras default with a warning. */
function initializer(c: Json, k: string, fallback: string, warn: (s: string) => void, layer: string): string {
  const v = c[k];
  if (v == null) return fallback;
  const cls = isObj(v) ? String(v.class_name) : String(v);
  const cfg = isObj(v) && isObj(v.config) ? v.config : {};
  if (cls === 'VarianceScaling') {
    const mode = cfg.mode, dist = String(cfg.distribution ?? ''), scale = cfg.scale;
    if (mode === 'fan_avg' && scale === 1) return dist === 'uniform' ? 'glorotUniform' : 'glorotNormal';
    if (mode === 'fan_in' && scale === 2) return dist === 'uniform' ? 'heUniform' : 'heNormal';
  }
  const known = INITIALIZERS.get(cls);
  if (known) return known;
  warn(`Layer ${layer}: ${k} ${cls} has no RNN Studio equivalent; using ${fallback} (it only affects fresh training).`);
  return fallback;
}

const RNN_ACTS = ACTIVATIONS as readonly string[];
const DENSE_ACTS = ['linear', 'softmax', 'relu', 'tanh', 'sigmoid'] as const;

function recurrentParams(cls: string, c: Json, layer: string, format: ImportedModel['format'], warn: (s: string) => void): Params {
  for (const [k, v] of [['return_state', [false]], ['stateful', [false]], ['time_major', [false]]] as const) mustBe(c, layer, cls, k, [...v]);
  if (cls === 'GRU') mustBe(c, layer, cls, 'reset_after', [true, false]);
  const p: Params = {
    units: num(c, 'units', layer),
    activation: activation(c, 'activation', layer, cls, RNN_ACTS),
    returnSequences: flag(c, 'return_sequences', false),
    goBackwards: flag(c, 'go_backwards', false),
    useBias: flag(c, 'use_bias', true),
    dropout: num(c, 'dropout', layer, 0),
    recurrentDropout: num(c, 'recurrent_dropout', layer, 0),
    kernelInitializer: initializer(c, 'kernel_initializer', 'glorotUniform', warn, layer),
    recurrentInitializer: initializer(c, 'recurrent_initializer', 'orthogonal', warn, layer),
  };
  if (cls !== 'SimpleRNN') {
    const ra = activation(c, 'recurrent_activation', layer, cls, ['sigmoid', 'hard_sigmoid']);
    if (ra === 'hard_sigmoid' && format === 'keras3')
      refuse(`Layer ${layer} (${cls}) has recurrent_activation="hard_sigmoid", which in Keras 3 is clip(x/6 + 0.5, 0, 1), not TF.js's clip(0.2x + 0.5, 0, 1).`);
    p.recurrentActivation = ra === 'hard_sigmoid' ? 'hardSigmoid' : 'sigmoid';
  }
  if (cls === 'LSTM') p.unitForgetBias = flag(c, 'unit_forget_bias', false); // TF.js writes null for "off"
  // Keras's GRU class default is reset_after=True (tf.keras 2 and Keras 3); TF.js's GRU is reset-before only.
  if (cls === 'GRU') p.resetAfter = flag(c, 'reset_after', format !== 'tfjs');
  if (c.zero_output_for_mask === true && p.returnSequences)
    warn(`Layer ${layer}: Keras zero-fills the padded steps of its sequence output; RNN Studio (as TF.js) repeats the last state there. Real steps are identical.`);
  return p;
}

const RECURRENT = ['SimpleRNN', 'LSTM', 'GRU'];

function toGraph(layers: RawLayer[], format: ImportedModel['format']): Omit<ImportedModel, 'format' | 'fileLayers'> {
  const warnings: string[] = [];
  const warn = (s: string) => warnings.push(s);
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const nodeOfLayer = new Map<string, string>();
  const consumers = (name: string) => layers.filter((l) => l.inbound.includes(name));
  let y = 0;
  const add = (layer: RawLayer, kind: LayerKind, params: Params, parentId?: string): string => {
    const id = parentId ? `${parentId}_inner` : `n${nodes.filter((n) => !n.parentId).length + 1}`;
    nodes.push({ id, position: parentId ? { x: 20, y: 40 } : { x: 0, y }, ...(parentId ? { parentId } : {}), data: { kind, name: layer.name.slice(0, 100), params } });
    if (!parentId) y += 130;
    if (nodeOfLayer.has(layer.name)) refuse(`Two layers are named ${JSON.stringify(layer.name)}; layer names in a model are unique.`);
    nodeOfLayer.set(layer.name, id);
    return id;
  };
  for (const l of layers) {
    const c = l.config;
    const cls = l.className;
    let id: string;
    switch (cls) {
      case 'InputLayer': {
        const shape = (c.batch_input_shape ?? c.batch_shape ?? (Array.isArray(c.shape) ? [null, ...(c.shape as unknown[])] : undefined)) as unknown[] | undefined;
        if (!Array.isArray(shape) || shape.length < 2 || shape.length > 3) refuse(`Input ${l.name} has shape ${JSON.stringify(shape)}; RNN Studio takes [batch, time] token ids or [batch, time, features] floats.`);
        const dtype = String(isObj(c.dtype) ? (c.dtype as Json).config && ((c.dtype as Json).config as Json).name : c.dtype ?? 'float32');
        const length = typeof shape![1] === 'number' ? (shape![1] as number) : 0;
        if (shape!.length === 2) {
          const emb = consumers(l.name).find((k) => k.className === 'Embedding');
          if (!dtype.startsWith('int') && !emb) refuse(`Input ${l.name} is [batch, time] ${dtype}; RNN Studio reads a 2-D input as token ids for an Embedding.`);
          id = add(l, 'Input', { inputType: 'tokens', vocabSize: emb ? num(emb.config, 'input_dim', emb.name) : 20000, length });
        } else {
          if (typeof shape![2] !== 'number') refuse(`Input ${l.name} has no fixed feature size.`);
          id = add(l, 'Input', { inputType: 'features', features: shape![2] as number, length });
        }
        break;
      }
      case 'Embedding':
        for (const k of ['embeddings_regularizer', 'embeddings_constraint', 'activity_regularizer']) if (c[k] != null) warn(`Layer ${l.name}: ${k} is not kept.`);
        id = add(l, 'Embedding', { inputDim: num(c, 'input_dim', l.name), outputDim: num(c, 'output_dim', l.name), maskZero: flag(c, 'mask_zero', false) });
        break;
      case 'SimpleRNN':
      case 'LSTM':
      case 'GRU':
        id = add(l, cls, recurrentParams(cls, c, l.name, format, warn));
        break;
      case 'Bidirectional': {
        const inner = c.layer;
        if (!isObj(inner) || typeof inner.class_name !== 'string' || !isObj(inner.config)) return refuse(`Bidirectional ${l.name} has no wrapped layer.`);
        if (!RECURRENT.includes(inner.class_name)) refuse(`Bidirectional ${l.name} wraps a ${inner.class_name}; only SimpleRNN, LSTM and GRU are supported.`);
        const mode = c.merge_mode ?? null;
        if (!['concat', 'sum', 'mul', 'ave'].includes(mode as string)) refuse(`Bidirectional ${l.name} has merge_mode=${JSON.stringify(mode)}; supported: concat, sum, mul, ave.`);
        if (isObj(c.backward_layer) && isObj(c.backward_layer.config)) {
          const b = c.backward_layer as Json, bc = b.config as Json, fc = inner.config as Json;
          const differs = Object.keys(fc).filter((k) => !['name', 'go_backwards', 'trainable'].includes(k) && JSON.stringify(fc[k]) !== JSON.stringify(bc[k]) && !k.endsWith('initializer'));
          if (b.class_name !== inner.class_name || differs.length) refuse(`Bidirectional ${l.name} has a backward layer that differs from the forward one (${differs.join(', ') || b.class_name}); RNN Studio uses a mirrored copy.`);
        }
        id = add(l, 'Bidirectional', { mergeMode: mode as string });
        const innerName = typeof (inner.config as Json).name === 'string' ? ((inner.config as Json).name as string) : `${l.name}_inner`;
        add({ name: innerName, className: inner.class_name as string, config: inner.config as Json, inbound: [] }, inner.class_name as LayerKind,
          recurrentParams(inner.class_name as string, inner.config as Json, innerName, format, warn), id);
        break;
      }
      case 'Dense':
        for (const k of ['kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'bias_constraint']) if (c[k] != null) warn(`Layer ${l.name}: ${k} is not kept.`);
        id = add(l, 'Dense', {
          units: num(c, 'units', l.name), activation: activation(c, 'activation', l.name, cls, DENSE_ACTS), useBias: flag(c, 'use_bias', true),
          kernelInitializer: initializer(c, 'kernel_initializer', 'glorotUniform', warn, l.name),
        });
        break;
      case 'Dropout':
        if (c.noise_shape != null) refuse(`Layer ${l.name} (Dropout) has noise_shape=${JSON.stringify(c.noise_shape)}; only plain dropout is supported.`);
        id = add(l, 'Dropout', { rate: num(c, 'rate', l.name) });
        break;
      case 'Concatenate':
        mustBe(c, l.name, cls, 'axis', [-1], 'RNN Studio joins branches along the last (features) axis');
        id = add(l, 'Concatenate', {});
        break;
      case 'Add':
        id = add(l, 'Add', {});
        break;
      case 'GlobalAveragePooling1D':
      case 'GlobalMaxPooling1D':
        mustBe(c, l.name, cls, 'data_format', ['channels_last']);
        mustBe(c, l.name, cls, 'keepdims', [false]);
        id = add(l, cls, {});
        break;
      default:
        return refuse(`Layer ${l.name} is a ${cls}, which RNN Studio does not support (supported: InputLayer, Embedding, SimpleRNN, LSTM, GRU, Bidirectional, Dense, Dropout, Concatenate, Add, GlobalAveragePooling1D, GlobalMaxPooling1D).`);
    }
    for (const src of l.inbound) {
      const source = nodeOfLayer.get(src);
      if (source === undefined) refuse(`Layer ${l.name} takes its input from ${src}, which comes later or does not exist.`);
      edges.push({ id: `e${edges.length + 1}`, source: source!, target: id });
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
