/**
 * Trained Keras model files → a graph document and its weights. Two layouts (shared/reference/keras-files.md):
 * - `.keras` (Keras 3): a zip of `config.json` (the model config) and `model.weights.h5`, whose datasets sit at
 *   `layers/<snake_case class>[_N]/vars/<i>`, an RNN's under `cell/`, a Bidirectional's under `forward_layer/` and
 *   `backward_layer/` (`saving_lib.py`);
 * - legacy `.h5` (Keras 2 / tf.keras, or Keras 3's legacy writer): the root attribute `model_config` and a
 *   `model_weights` group with one subgroup per layer whose `weight_names` attribute orders its datasets
 *   (`hdf5_format.py`).
 * The architecture goes through `importModelJson` (so the same refusals apply); the weights come out in the TF.js
 * manifest format, named as the graph's compiled layers. HDF5 is read with jsfive (pure JS, works in the browser and
 * in Node; chosen by measurement, see docs/export.md). Never throws on bad input: returns a message instead.
 */
import * as hdf5 from 'jsfive';
import JSZip from 'jszip';
import { layerNames, snakeKind } from '../compiler/index.ts';
import { LAYERS } from '../layers/index.ts';
import { importModelJson, renameWeight, type ImportedModel } from './import-keras.ts';

/** Weights in the TF.js manifest format, named as the compiled graph names its layers (= runtime WeightBytes). */
export interface NamedWeights {
  entries: { name: string; shape: number[]; dtype: 'float32' }[];
  bytes: Uint8Array;
}

export type KerasFileResult = { ok: true; model: ImportedModel; weights: NamedWeights; kerasVersion: string } | { ok: false; error: string };

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

/** Reads a `.keras` or `.h5` file. `name` is only used in messages. */
export async function readKerasFile(bytes: Uint8Array, name: string): Promise<KerasFileResult> {
  try {
    if (isZip(bytes)) return await readKerasZip(bytes, name);
    if (isHdf5(bytes)) return readLegacyH5(bytes, name);
    return { ok: false, error: `${name} is neither a Keras 3 .keras file (a zip) nor a Keras .h5 file (HDF5), nor a model JSON.` };
  } catch (e) {
    if (e instanceof Refusal) return { ok: false, error: e.message };
    // jsfive throws strings and errors from deep inside; a damaged file is a user error, not a crash.
    return { ok: false, error: `${name} could not be read as ${isZip(bytes) ? 'a .keras zip' : 'an HDF5 file'} (${e instanceof Error ? e.message : String(e)}).` };
  }
}

// ── .keras ──────────────────────────────────────────────────────────────────────────────────────────────────────

async function readKerasZip(bytes: Uint8Array, name: string): Promise<KerasFileResult> {
  const zip = await JSZip.loadAsync(bytes);
  if (zip.file('model.weights.npz')) refuse(`${name} keeps its weights in model.weights.npz (pickled arrays), which RNN Studio does not read; save the model as .keras with the default weights format.`);
  const configFile = zip.file('config.json');
  const weightsFile = zip.file('model.weights.h5');
  if (!configFile) refuse(`${name} is a zip without config.json, so it is not a Keras .keras file.`);
  if (!weightsFile) refuse(`${name} has no model.weights.h5 (the weights); sharded or external weights are not supported.`);
  const meta = zip.file('metadata.json');
  const kerasVersion = meta ? String(parseJson(await meta.async('string'), `${name}/metadata.json`).keras_version ?? '') : '';
  const config = parseJson(await configFile!.async('string'), `${name}/config.json`);
  const r = importModelJson(kerasVersion ? { ...config, keras_version: kerasVersion } : config);
  if (!r.ok) return r;
  const h5 = openH5(await weightsFile!.async('uint8array'), `${name}/model.weights.h5`);
  if (!has(h5, 'layers'))
    refuse(`${name}/model.weights.h5 has no "layers" group${has(h5, '_layer_checkpoint_dependencies') ? ' (a tf.keras 2.12–2.15 .keras file; save it as .h5 or with Keras 3)' : ''}.`);
  const arrays = new Map<string, Arr[]>();
  const counts = new Map<string, number>();
  for (const l of r.model.fileLayers.filter((x) => x.inModelLayers)) {
    // saving_lib names each layer's group by its class in snake_case plus a per-name counter, in model.layers order.
    const base = snakeKind(l.className);
    const n = counts.get(base) ?? 0;
    counts.set(base, n + 1);
    const path = `layers/${n ? `${base}_${n}` : base}`;
    const check = (p: string, expected: string) => {
      const attr = has(h5, `${p}/vars`) ? h5.get(`${p}/vars`).attrs?.name : undefined;
      if (typeof attr === 'string' && attr !== expected) refuse(`${name}: the weights at ${p} belong to "${attr}", not to layer "${expected}"; the file's layers and weights disagree.`);
    };
    check(path, l.name);
    if (l.className === 'Bidirectional') arrays.set(l.name, [...vars(h5, `${path}/forward_layer/cell`), ...vars(h5, `${path}/backward_layer/cell`)]);
    else if (['SimpleRNN', 'LSTM', 'GRU'].includes(l.className)) arrays.set(l.name, vars(h5, `${path}/cell`));
    else arrays.set(l.name, vars(h5, path));
  }
  return { ok: true, model: r.model, weights: nameWeights(r.model, arrays, name), kerasVersion };
}

// ── legacy .h5 ──────────────────────────────────────────────────────────────────────────────────────────────────

function readLegacyH5(bytes: Uint8Array, name: string): KerasFileResult {
  const h5 = openH5(bytes, name);
  const attrs = h5.attrs ?? {};
  if (attrs.model_config === undefined)
    refuse(`${name} is an HDF5 file without a model_config attribute: a weights-only file (save_weights), which has no architecture. Save the whole model (model.save) instead.`);
  const kerasVersion = text(attrs.keras_version);
  const config = parseJson(text(attrs.model_config), `${name} model_config`);
  const r = importModelJson({ ...config, keras_version: kerasVersion });
  if (!r.ok) return r;
  if (!has(h5, 'model_weights')) refuse(`${name} has a model_config but no model_weights group.`);
  const mw = h5.get('model_weights');
  const arrays = new Map<string, Arr[]>();
  for (const l of r.model.fileLayers.filter((x) => x.inModelLayers)) {
    if (!has(mw, l.name)) refuse(`${name}: model_weights has no group for layer "${l.name}".`);
    const g = mw.get(l.name);
    const names = strings(g.attrs?.weight_names);
    // Take the order from weight_names; each name's last segment says what it is (kernel:0, recurrent_kernel, …).
    arrays.set(l.name, names.map((w) => dataset(g, w, `${name}: model_weights/${l.name}/${w}`)));
  }
  return { ok: true, model: r.model, weights: nameWeights(r.model, arrays, name), kerasVersion };
}

// ── weights → TF.js names ───────────────────────────────────────────────────────────────────────────────────────

interface Arr {
  shape: number[];
  data: Float32Array;
  /** The dataset's path, for messages. */
  where: string;
}

/**
 * Names each layer's arrays as TF.js does (`<layer>/kernel`, `<bidi>/forward_<rnn>/kernel`, …) in Keras's
 * `get_weights()` order (its kind's `keras.weights`), then renames them to the compiled graph's layer names. Counts
 * are checked here (a weight missing or left over is refused by name); shapes are checked when the weights are loaded.
 */
function nameWeights(m: ImportedModel, arrays: Map<string, Arr[]>, file: string): NamedWeights {
  const graphNames = layerNames(m.doc.nodes);
  const entries: NamedWeights['entries'] = [];
  const parts: Float32Array[] = [];
  for (const l of m.fileLayers) {
    const got = arrays.get(l.name) ?? [];
    const node = m.doc.nodes.find((n) => n.id === m.nodeOfLayer.get(l.name))!;
    const inner = m.doc.nodes.find((n) => n.parentId === node.id);
    const names = LAYERS[node.data.kind].keras.weights(node.data.params, inner && { name: inner.data.name ?? 'rnn', params: inner.data.params });
    if (got.length !== names.length)
      refuse(`${file}: layer "${l.name}" (${l.className}) needs ${names.length} weight arrays (${names.map((w) => w.split('/').pop()).join(', ') || 'none'}) but the file holds ${got.length}${got.length ? ` (${got.map((a) => a.where).join(', ')})` : ''}.`);
    got.forEach((a, i) => {
      entries.push({ name: renameWeight(`${l.name}/${names[i]}`, m, (id) => graphNames.get(id)!), shape: a.shape, dtype: 'float32' });
      parts.push(a.data);
    });
  }
  const bytes = new Uint8Array(parts.reduce((s, a) => s + a.byteLength, 0));
  parts.reduce((at, a) => (bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at), at + a.byteLength), 0);
  return { entries, bytes };
}

// ── HDF5 via jsfive ─────────────────────────────────────────────────────────────────────────────────────────────

type H5Node = hdf5.Group;

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

/** The datasets `<path>/vars/0`, `/1`, … in order (none when the group is absent or empty). */
function vars(h5: H5Node, path: string): Arr[] {
  if (!has(h5, `${path}/vars`)) return [];
  const g = h5.get(`${path}/vars`) as H5Node;
  const keys = (g.keys ?? []).filter((k: string) => /^\d+$/.test(k)).map(Number).sort((a: number, b: number) => a - b);
  if (keys.some((k: number, i: number) => k !== i)) refuse(`${path}/vars holds ${keys.join(', ')}; expected 0, 1, … in order.`);
  return keys.map((k: number) => dataset(g, String(k), `${path}/vars/${k}`));
}

function dataset(g: H5Node, key: string, where: string): Arr {
  let d: hdf5.Dataset;
  try {
    d = g.get(key) as unknown as hdf5.Dataset;
  } catch {
    return refuse(`${where} is missing.`);
  }
  if (d.attrs?.dtype === 'bfloat16' || d.dtype !== '<f4') refuse(`${where} has dtype ${d.attrs?.dtype === 'bfloat16' ? 'bfloat16' : d.dtype}; only float32 weights are supported (quantized or mixed-precision models are not).`);
  return { shape: [...d.shape], data: Float32Array.from(d.value as ArrayLike<number>), where };
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
