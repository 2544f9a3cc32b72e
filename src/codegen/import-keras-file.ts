/**
 * Trained Keras model files → a graph document and its weights. Two layouts (shared/reference/keras-files.md):
 * - `.keras` (Keras 3): a zip of `config.json` (the model config) and `model.weights.h5`, whose datasets sit at
 *   `layers/<snake_case class>[_N]/vars/<i>`, an RNN's under `cell/`, a Bidirectional's under `forward_layer/` and
 *   `backward_layer/`, a TimeDistributed's under `layer/` (its attribute; `saving_lib.py`);
 * - legacy `.h5` (Keras 2 / tf.keras, or Keras 3's legacy writer): the root attribute `model_config` and a
 *   `model_weights` group with one subgroup per layer whose `weight_names` attribute orders its datasets
 *   (`hdf5_format.py`).
 * The architecture goes through `importModelJson` (so the same refusals apply); the weights come out in the TF.js
 * manifest format, named as the graph's compiled layers. HDF5 is read with jsfive (pure JS, works in the browser and
 * in Node; chosen by measurement, see docs/export.md). Never throws on bad input: returns a message instead.
 *
 * Bounded: every size a file declares is checked before anything is inflated or decoded — the file against the
 * limit, the zip's directory (bounded-zip.ts), the model's weights against the limit, the weights file against what
 * the architecture needs, and each dataset's declared shape and dtype against the layer it belongs to.
 */
import * as hdf5 from 'jsfive';
import { compile, layerNames, snakeKind } from '../compiler/index.ts';
import { MAX_BYTES } from '../graph/schema.ts';
import { LAYERS } from '../layers/index.ts';
import { bytesText, ZipRefusal, zipEntries, zipRead } from './bounded-zip.ts';
import { toKeras2Layout, type WeightArray } from './keras-weights-convert.ts';
import { importModelJson, renameWeight, type ImportedModel, type ImportOptions, type ImportRemedy } from './import-keras.ts';

/** Weights in the TF.js manifest format, named as the compiled graph names its layers (= runtime WeightBytes). */
export interface NamedWeights {
  entries: { name: string; shape: number[]; dtype: 'float32' }[];
  bytes: Uint8Array;
}

/**
 * `weights` is absent when the model does not compile (its diagnostics say why) or when only the architecture was
 * asked for; in that case the declared weight shapes were still checked against the layers.
 */
export type KerasFileResult = { ok: true; model: ImportedModel; weights?: NamedWeights; kerasVersion: string } | { ok: false; error: string; remedy?: ImportRemedy };

/** The largest file, and the most weight bytes a model may declare, unless the caller says otherwise (CLI `--max-bytes`). */
export const IMPORT_MAX_BYTES = 512 * 2 ** 20;

export interface ReadOptions {
  /** false: read the architecture and check the declared weight shapes, decode nothing (check, summary). Default true. */
  weights?: boolean;
  /** Default `IMPORT_MAX_BYTES`. */
  maxBytes?: number;
  /** Called as the file is read: the fraction done (0–1) and what is being read. */
  onProgress?: (fraction: number, what: string) => void;
  /** What the user added to open a file that does not open alone (an input shape, removing unsupported layers). */
  import?: ImportOptions;
}

class Refusal extends Error {}
function refuse(msg: string): never {
  throw new Refusal(msg);
}

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const startsWith = (b: Uint8Array, sig: number[], at = 0) => sig.every((v, i) => b[at + i] === v);
/** HDF5's superblock sits at 0, 512, 1024, 2048, … (after an optional user block). */
const isHdf5 = (b: Uint8Array) => [0, 512, 1024, 2048, 4096].some((at) => startsWith(b, HDF5_SIGNATURE, at));
const isZip = (b: Uint8Array) => startsWith(b, [0x50, 0x4b, 0x03, 0x04]);

/** True when the bytes look like a `.keras` zip or an HDF5 file (what `readKerasFile` takes). */
export const isKerasFile = (b: Uint8Array): boolean => isZip(b) || isHdf5(b);

/** Reads a `.keras` or `.h5` file. `name` is only used in messages, which are always one line. */
export async function readKerasFile(bytes: Uint8Array, name: string, o: ReadOptions = {}): Promise<KerasFileResult> {
  const r = await readAny(bytes, name, o);
  if (r.ok) return r;
  // Names from a damaged file can hold line breaks, control characters and kilobytes of padding.
  const error = r.error.replace(/[\x00-\x1f\x7f]+/g, ' ');
  return { ...r, error: error.length > 600 ? `${error.slice(0, 599)}…` : error };
}

async function readAny(bytes: Uint8Array, name: string, o: ReadOptions): Promise<KerasFileResult> {
  const opts = { weights: o.weights ?? true, maxBytes: o.maxBytes ?? IMPORT_MAX_BYTES, onProgress: o.onProgress ?? (() => {}), import: o.import ?? {} };
  try {
    if (bytes.length > opts.maxBytes) refuse(`${name} is ${bytesText(bytes.length)}; the limit is ${bytesText(opts.maxBytes)}.`);
    if (isZip(bytes)) return await readKerasZip(bytes, name, opts);
    if (isHdf5(bytes)) return quietly(() => readLegacyH5(bytes, name, opts));
    return { ok: false, error: `${name} is neither a Keras 3 .keras file (a zip) nor a Keras .h5 file (HDF5), nor a model JSON.` };
  } catch (e) {
    if (e instanceof Refusal || e instanceof ZipRefusal) return { ok: false, error: e.message };
    // jsfive throws strings and errors from deep inside; a damaged file is a user error, not a crash.
    const why = (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 200);
    return { ok: false, error: `${name} could not be read as ${isZip(bytes) ? 'a .keras zip' : 'an HDF5 file'} (${why}).` };
  }
}

type Opts = Required<ReadOptions>;

// ── .keras ──────────────────────────────────────────────────────────────────────────────────────────────────────

async function readKerasZip(bytes: Uint8Array, name: string, o: Opts): Promise<KerasFileResult> {
  const zip = zipEntries(bytes, name, o.maxBytes);
  if (zip.has('model.weights.npz')) refuse(`${name} keeps its weights in model.weights.npz (pickled arrays), which RNN Studio does not read; save the model as .keras with the default weights format.`);
  const configEntry = zip.get('config.json');
  const weightsEntry = zip.get('model.weights.h5');
  if (!configEntry) refuse(`${name} is a zip without config.json, so it is not a Keras .keras file.`);
  if (!weightsEntry) refuse(`${name} has no model.weights.h5 (the weights); sharded or external weights are not supported.`);
  const text = async (entry: string) => {
    const e = zip.get(entry)!;
    // A model description larger than a graph file could not become one.
    if (e.size > MAX_BYTES) refuse(`${name}/${entry} declares ${bytesText(e.size)}; a model description is at most ${bytesText(MAX_BYTES)}.`);
    return new TextDecoder().decode(await zipRead(bytes, e, `${name}/${entry}`));
  };
  const kerasVersion = zip.has('metadata.json') ? String(parseJson(await text('metadata.json'), `${name}/metadata.json`).keras_version ?? '') : '';
  const config = parseJson(await text('config.json'), `${name}/config.json`);
  o.onProgress(0.05, 'architecture');
  const r = importModelJson(kerasVersion ? { ...config, keras_version: kerasVersion } : config, o.import);
  if (!r.ok) return r;
  const plan = weightPlan(r.model, name, o.maxBytes);
  if (!plan) return { ok: true, model: r.model, kerasVersion };
  // The weights file holds the weights, HDF5's bookkeeping and, for a compiled model, the optimizer's slots (Adam:
  // two per weight, AMSGrad three): more than that is not this model's file.
  const allowance = 4 * plan.bytes + 2 ** 20 + 16384 * plan.layers.length;
  if (weightsEntry!.size > allowance)
    refuse(`${name}/model.weights.h5 declares ${bytesText(weightsEntry!.size)}, but the model's weights take ${bytesText(plan.bytes)} (at most ${bytesText(allowance)} with optimizer state); the file does not belong to this model.`);
  const h5bytes = await zipRead(bytes, weightsEntry!, `${name}/model.weights.h5`);
  o.onProgress(0.1, 'weights');
  return quietly(() => kerasWeights(openH5(h5bytes, `${name}/model.weights.h5`), r.model, plan, kerasVersion, name, o));
}

/** The weights of a `.keras` file, from its `model.weights.h5`. */
function kerasWeights(file: H5Node, model: ImportedModel, plan: Plan, kerasVersion: string, name: string, o: Opts): KerasFileResult {
  const h5 = has(file, 'layers') ? file : backslashed(file);
  if (!h5)
    refuse(`${name}/model.weights.h5 has no "layers" group${has(file, '_layer_checkpoint_dependencies') ? ' (a tf.keras 2.12–2.15 .keras file; save it as .h5 or with Keras 3)' : ''}.`);
  const found = new Map<string, Declared[]>();
  const counts = new Map<string, number>();
  for (const l of model.fileLayers.filter((x) => x.inModelLayers)) {
    // saving_lib names each layer's group by its class in snake_case plus a per-name counter, in model.layers order.
    const base = snakeKind(l.className);
    const n = counts.get(base) ?? 0;
    counts.set(base, n + 1);
    const path = `layers/${n ? `${base}_${n}` : base}`;
    if (l.dropped) continue;
    const attr = has(h5, `${path}/vars`) ? h5.get(`${path}/vars`).attrs?.name : undefined;
    if (typeof attr === 'string' && attr !== l.name) refuse(`${name}: the weights at ${path} belong to ${JSON.stringify(attr.slice(0, 100))}, not to layer "${l.name}"; the file's layers and weights disagree.`);
    const at = (p: string) => vars(h5, p, `${name}: ${p}`);
    if (l.className === 'Bidirectional') found.set(l.name, [...at(`${path}/forward_layer/cell`), ...at(`${path}/backward_layer/cell`)]);
    else if (['SimpleRNN', 'LSTM', 'GRU'].includes(l.className)) found.set(l.name, at(`${path}/cell`));
    else if (l.className === 'TimeDistributed') found.set(l.name, [...at(`${path}/layer`), ...nested(h5, `${path}/layer`, at)]);
    else found.set(l.name, at(path));
  }
  return { ok: true, model, kerasVersion, ...matchWeights(plan, found, name, o) };
}

// ── legacy .h5 ──────────────────────────────────────────────────────────────────────────────────────────────────

function readLegacyH5(bytes: Uint8Array, name: string, o: Opts): KerasFileResult {
  const h5 = openH5(bytes, name);
  const attrs = h5.attrs ?? {};
  if (attrs.model_config === undefined)
    refuse(`${name} is an HDF5 file without a model_config attribute: a weights-only file (save_weights), which has no architecture. Save the whole model (model.save) instead.`);
  const kerasVersion = text(attrs.keras_version);
  const config = parseJson(text(attrs.model_config), `${name} model_config`);
  o.onProgress(0.05, 'architecture');
  // training_config: how the model was compiled (its outputs' loss weights), when it was saved compiled.
  const training = attrs.training_config === undefined ? {} : { training_config: parseJson(text(attrs.training_config), `${name} training_config`) };
  const r = importModelJson({ ...config, keras_version: kerasVersion, ...training }, o.import);
  if (!r.ok) return r;
  const plan = weightPlan(r.model, name, o.maxBytes);
  if (!plan) return { ok: true, model: r.model, kerasVersion };
  if (!has(h5, 'model_weights')) refuse(`${name} has a model_config but no model_weights group.`);
  const mw = h5.get('model_weights');
  // Keras 2 reads a model_weights group without keras_version as Keras 1's, whose layouts it converts (saving.py).
  const keras1 = mw.attrs?.keras_version === undefined;
  const found = new Map<string, Declared[]>();
  for (const l of r.model.fileLayers.filter((x) => x.inModelLayers)) {
    if (l.dropped) continue;
    if (!has(mw, l.name)) refuse(`${name}: model_weights has no group for layer "${l.name}".`);
    const g = mw.get(l.name);
    const names = strings(g.attrs?.weight_names);
    // A layer holds at most six arrays (a Bidirectional); a longer list is not a layer's.
    if (names.length > 64) refuse(`${name}: model_weights/${l.name} lists ${names.length} weights.`);
    // Take the order from weight_names; each name's last segment says what it is (kernel:0, recurrent_kernel, …).
    const arrays = names.map((w) => declared(g, w, `${name}: model_weights/${l.name}/${w}`));
    const inner = r.model.doc.nodes.find((n) => n.parentId === r.model.nodeOfLayer.get(l.name))?.data.kind;
    const want = plan.layers.find((w) => w.layer.name === l.name)?.weights.map((w) => w.shape) ?? [];
    found.set(l.name, toKeras2Layout(l.className, arrays, want, { keras1, inner }));
  }
  return { ok: true, model: r.model, kerasVersion, ...matchWeights(plan, found, name, o) };
}

// ── what the architecture needs, and what the file declares ─────────────────────────────────────────────────────

interface Wanted {
  /** The layer as the file names it. */
  layer: { name: string; className: string };
  /** TF.js weight names (`kernel`, `forward_lstm/bias`, …) in Keras's `get_weights()` order, with their shapes. */
  weights: { name: string; shape: number[] }[];
}
interface Plan {
  model: ImportedModel;
  layers: Wanted[];
  /** float32 bytes of all weights. */
  bytes: number;
}

/**
 * The weights the model needs, layer by layer, from its compiled graph; null when it does not compile (its
 * diagnostics are the answer then). Refused when they exceed the limit, before the weights file is opened.
 */
function weightPlan(model: ImportedModel, file: string, maxBytes: number): Plan | null {
  const ir = compile(model.doc).ir;
  if (!ir) return null;
  const byId = new Map(ir.layers.map((l) => [l.id, l]));
  const layers = model.fileLayers.map((fl): Wanted => {
    const id = model.nodeOfLayer.get(fl.name)!;
    const l = byId.get(id);
    if (!l) return { layer: fl, weights: [] };
    // TF.js names a Bidirectional's arrays after the wrapped layer's name in the file, which renameWeight maps.
    const inner = l.inner && { ...l.inner, name: model.doc.nodes.find((n) => n.parentId === id)?.data.name ?? 'rnn' };
    return { layer: fl, weights: LAYERS[l.kind].keras.weights(l.params, l.inputShapes[0]?.dims.at(-1) as number, inner) };
  });
  const params = layers.reduce((s, l) => s + l.weights.reduce((t, w) => t + w.shape.reduce((a, b) => a * b, 1), 0), 0);
  const bytes = 4 * params;
  if (bytes > maxBytes) refuse(`${file}: the model declares ${params.toLocaleString('en-US')} parameters, ${bytesText(bytes)} of float32 weights; the limit is ${bytesText(maxBytes)}.`);
  return { model, layers, bytes };
}

/** A dataset as its HDF5 header declares it; `read` decodes it (only after every declaration was checked). */
type Declared = WeightArray;

const shapeText = (s: number[]) => `[${s.join(', ')}]`;

/**
 * Checks that each layer's declared arrays are the ones it needs (count, then shape), in Keras's order, then
 * decodes them (unless only the architecture was asked for) into the TF.js manifest format, named as the compiled
 * graph names its layers.
 */
function matchWeights(plan: Plan, found: Map<string, Declared[]>, file: string, o: Opts): { weights?: NamedWeights } {
  const graphNames = layerNames(plan.model.doc.nodes);
  const entries: NamedWeights['entries'] = [];
  const arrays: Declared[] = [];
  for (const { layer: l, weights: want } of plan.layers) {
    const got = found.get(l.name) ?? [];
    if (got.length !== want.length)
      refuse(`${file}: layer "${l.name}" (${l.className}) needs ${want.length} weight arrays (${want.map((w) => w.name.split('/').pop()).join(', ') || 'none'}) but the file holds ${got.length}${got.length ? ` (${got.map((a) => a.where).join(', ')})` : ''}.`);
    got.forEach((a, i) => {
      if (shapeText(a.shape) !== shapeText(want[i].shape))
        refuse(`${a.where} has shape ${shapeText(a.shape)}; layer "${l.name}" (${l.className}) needs ${shapeText(want[i].shape)} for its ${want[i].name.split('/').pop()}.`);
      entries.push({ name: renameWeight(`${l.name}/${want[i].name}`, plan.model, (id) => graphNames.get(id)!), shape: a.shape, dtype: 'float32' });
      arrays.push(a);
    });
  }
  if (!o.weights) return {};
  const bytes = new Uint8Array(plan.bytes);
  let at = 0;
  for (const a of arrays) {
    const data = a.read();
    bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    at += data.byteLength;
    o.onProgress(0.1 + (0.9 * at) / Math.max(1, plan.bytes), 'weights');
  }
  return { weights: { entries, bytes } };
}

// ── HDF5 via jsfive ─────────────────────────────────────────────────────────────────────────────────────────────

type H5Node = hdf5.Group;

/** Runs jsfive code without its console warnings (it prints attribute names of damaged files, binary and all). */
function quietly<T>(f: () => T): T {
  const warn = console.warn;
  console.warn = () => {};
  try {
    return f();
  } finally {
    console.warn = warn;
  }
}

function openH5(bytes: Uint8Array, name: string): H5Node {
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return new hdf5.File(buf, name);
}

function has(g: H5Node, path: string): boolean {
  try {
    g.get(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * tf.keras 2.13–2.15 on Windows joined a layer's path with backslashes (os.path.join in saving_lib), so its groups are
 * `layers\lstm\cell/vars` rather than `layers/lstm/cell/vars` (Keras 3 joins with "/" everywhere). The file is read
 * as if written with "/": a path's part before `/vars` is looked up with backslashes. Undefined for any other layout.
 */
function backslashed(file: H5Node): H5Node | undefined {
  if (!(file.keys ?? []).some((k: string) => k.startsWith('layers\\'))) return undefined;
  const windows = (path: string) => {
    const at = path.search(/\/vars(\/|$)/);
    return at < 0 ? path.replaceAll('/', '\\') : path.slice(0, at).replaceAll('/', '\\') + path.slice(at);
  };
  return { keys: file.keys, attrs: file.attrs, get: (path: string) => file.get(windows(path)) } as H5Node;
}

/** A nested Sequential's one layer (TimeDistributed of a Sequential): the datasets of `<path>/layers/<its group>`. */
function nested(h5: H5Node, path: string, at: (p: string) => Declared[]): Declared[] {
  if (!has(h5, `${path}/layers`)) return [];
  return ((h5.get(`${path}/layers`) as H5Node).keys ?? []).flatMap((k: string) => at(`${path}/layers/${k}`));
}

/** The datasets `<path>/vars/0`, `/1`, … in order (none when the group is absent or empty). */
function vars(h5: H5Node, path: string, where: string): Declared[] {
  if (!has(h5, `${path}/vars`)) return [];
  const g = h5.get(`${path}/vars`) as H5Node;
  const keys = (g.keys ?? []).filter((k: string) => /^\d+$/.test(k)).map(Number).sort((a: number, b: number) => a - b);
  if (keys.some((k: number, i: number) => k !== i)) refuse(`${where}/vars holds ${keys.slice(0, 8).join(', ')}${keys.length > 8 ? ', …' : ''}; expected 0, 1, … in order.`);
  return keys.map((k: number) => declared(g, String(k), `${where}/vars/${k}`));
}

/** HDF5 message types and layout classes (HDF5 file format spec, IV.A.2). */
const DATA_LAYOUT_MSG = 0x0008;
const CONTIGUOUS = 1;
const UNDEFINED_ADDRESS = 2n ** 64n - 1n;

/**
 * A float32 dataset's declared shape, from its header only. Filtered (compressed) datasets are refused: Keras never
 * compresses weights, and a compressed chunk could inflate without bound. Contiguous data (what h5py writes) is read
 * straight from the file's bytes after checking that it lies inside them.
 */
function declared(g: H5Node, key: string, where: string): Declared {
  let d: hdf5.Dataset;
  try {
    d = g.get(key) as unknown as hdf5.Dataset;
  } catch {
    return refuse(`${where} is missing.`);
  }
  if (d.attrs?.dtype === 'bfloat16' || d.dtype !== '<f4') refuse(`${where} has dtype ${d.attrs?.dtype === 'bfloat16' ? 'bfloat16' : d.dtype}; only float32 weights are supported (quantized or mixed-precision models are not).`);
  const shape = [...d.shape].map(Number);
  const dobj = d._dataobjects;
  if (dobj.filter_pipeline) refuse(`${where} is stored compressed (HDF5 filters); RNN Studio reads uncompressed weights, as Keras writes them.`);
  const read = (): Float32Array => {
    const n = shape.reduce((a, b) => a * b, 1);
    const off = dobj.find_msg_type(DATA_LAYOUT_MSG)[0]?.get('offset_to_message') ?? refuse(`${where} has no data layout; the file is damaged.`);
    const [, , layout, prop] = dobj._get_data_message_properties(off);
    if (layout !== CONTIGUOUS) return Float32Array.from(d.value);
    const fh = new DataView(dobj.fh);
    const address = fh.getBigUint64(prop, true);
    if (address === UNDEFINED_ADDRESS) return new Float32Array(n); // never written: HDF5's fill value, 0
    if (address + BigInt(4 * n) > BigInt(fh.byteLength)) refuse(`${where}: its ${n.toLocaleString('en-US')} floats lie past the end of the file; the file is truncated or damaged.`);
    return new Float32Array(dobj.fh.slice(Number(address), Number(address) + 4 * n));
  };
  return { shape, where, read };
}

function text(v: unknown): string {
  if (typeof v === 'string') return v.replace(/\0+$/, '');
  if (v instanceof Uint8Array) return new TextDecoder().decode(v).replace(/\0+$/, '');
  if (Array.isArray(v) && v.length === 1) return text(v[0]);
  return v == null ? '' : String(v);
}

/** A string-list attribute: variable- or fixed-length (NUL-padded), or an empty float array for "none". */
function strings(v: unknown): string[] {
  if (v == null) return [];
  if (typeof v === 'string') return [text(v)];
  return Array.from(v as ArrayLike<unknown>).filter((x) => typeof x === 'string' || x instanceof Uint8Array).map(text);
}

function parseJson(s: string, where: string): Record<string, unknown> {
  try {
    const v = JSON.parse(s);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) refuse(`${where} is not a JSON object.`);
    return v;
  } catch (e) {
    if (e instanceof Refusal) throw e;
    return refuse(`${where} is not valid JSON (${(e as Error).message}).`);
  }
}
