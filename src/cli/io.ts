/** CLI plumbing shared by every command: reading graph files, printing, exit codes. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { importModelJson, type ImportOptions, type ImportRemedy } from '../codegen/import-keras.ts';
import { parseModelText } from '../codegen/model-text.ts';
import { bytesText } from '../codegen/bounded-zip.ts';
import { IMPORT_MAX_BYTES, isKerasFile, readKerasFile } from '../codegen/import-keras-file.ts';
import { FILE_TYPE, parseDocument, type GraphDoc } from '../graph/index.ts';
import type { WeightBytes } from '../runtime/model-io.ts';

/** A user-facing failure: printed as one line, no stack trace. `code` 2 = unreadable input, 1 = invalid model. */
export class CliError extends Error {
  constructor(message: string, readonly code = 2) {
    super(message);
  }
}

export function readText(path: string | undefined, what = 'graph file'): string {
  return new TextDecoder().decode(readBytes(path, what));
}

/** Reads a whole file, after checking its size against `maxBytes`. */
function readBytes(path: string | undefined, what: string, maxBytes = IMPORT_MAX_BYTES): Uint8Array {
  if (!path) throw new CliError(`Missing the ${what} argument.`);
  try {
    const size = statSync(path).size;
    if (size > maxBytes) throw new CliError(`${path} is ${bytesText(size)}; the limit is ${bytesText(maxBytes)} (raise it with --max-bytes).`);
    return readFileSync(path);
  } catch (e) {
    if (e instanceof CliError) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new CliError(`Cannot read ${path}: ${err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'it is a folder' : err.message}.`);
  }
}

/** Reads and validates a graph file; exits with code 2 (via CliError) when it cannot be used. */
export function readGraph(path: string | undefined): GraphDoc {
  const r = parseDocument(readText(path));
  if (!r.ok) throw new CliError(`${path}: ${r.error}`);
  return r.doc;
}

/** A graph, from an RNN Studio graph file or an imported Keras / TF.js model JSON, with weights when the file has them. */
export interface LoadedModel {
  doc: GraphDoc;
  /** Weights named as the graph's compiled layers (TF.js model.json files carry them in their manifest). */
  weights?: WeightBytes;
  /** Import notes (options read but not kept). */
  warnings: string[];
}

/**
 * Taken by every command that reads a model file: `--max-bytes` (the file size and weight bytes it may declare),
 * `--input-shape T,F` (or `T` of token ids) for a model whose file does not say it, and `--drop-unsupported` to open
 * a Keras model without the layers RNN Studio does not have.
 */
export const MODEL_FILE_OPTIONS = { 'max-bytes': { type: 'string' }, 'input-shape': { type: 'string' }, 'drop-unsupported': { type: 'boolean' } } as const;

/** The `MODEL_FILE_OPTIONS` values a command was given, for `readGraphOrModel`. */
export const modelFileFlags = (values: Record<string, string | boolean | undefined>): ReadModelOptions => ({
  maxBytes: values['max-bytes'],
  inputShape: values['input-shape'],
  dropUnsupported: values['drop-unsupported'] === true,
});

/** `--input-shape 100,64` (time steps, features) or `100` (time steps of token ids). */
function inputShapeOf(v: string | boolean | undefined): number[] | undefined {
  if (v === undefined) return undefined;
  const dims = String(v).split(',').map((d) => Number(d.trim()));
  if (typeof v !== 'string' || !dims.every((d) => Number.isInteger(d) && d >= 1))
    throw new CliError(`--input-shape must be time steps and features, such as 100,64, or time steps alone (token ids), such as 100; got "${String(v)}".`);
  return dims;
}

/** What the CLI adds to an import refusal the user can act on: the flag that does it. */
function remedyHint(r: ImportRemedy | undefined): string {
  if (r?.kind === 'input-shape') return r.tokens ? ' Give it with --input-shape T (the number of time steps, e.g. --input-shape 100).' : ' Give it with --input-shape T,F (time steps, features, e.g. --input-shape 100,64).';
  if (r?.kind === 'drop') return ` Add --drop-unsupported to open the rest without ${r.layers.join(', ')}.`;
  return '';
}

/** `--max-bytes N` with an optional K, M or G (powers of 1024); the default when absent. */
export function maxBytesOf(v: string | boolean | undefined): number {
  if (v === undefined) return IMPORT_MAX_BYTES;
  const m = /^(\d+(?:\.\d+)?)([kmg]?)b?$/i.exec(String(v).trim());
  const n = m ? Math.round(Number(m[1]) * 1024 ** ' kmg'.indexOf((m[2] || ' ').toLowerCase())) : NaN;
  if (!(n >= 1)) throw new CliError(`--max-bytes must be a size such as 600M, 2G or 1000000; got "${String(v)}".`);
  return n;
}

export interface ReadModelOptions {
  /** false reads the architecture only (check, summary): the declared weight shapes are checked, not decoded. */
  weights?: boolean;
  /** The `--max-bytes` value as given. */
  maxBytes?: string | boolean;
  /** The `--input-shape` value as given. */
  inputShape?: string | boolean;
  dropUnsupported?: boolean;
}

/**
 * Reads `graph.json`, `model.json` (Keras `to_json()`, or TF.js with the weight files its manifest names), a Keras
 * `model.yaml` (`to_yaml()`), or a trained Keras file (`.keras` zip or legacy `.h5`, recognised by their first bytes)
 * with its weights.
 * A graph file written by `rnn-studio import` finds its weights in the sibling folder `<name>.weights/`.
 Nothing is read past `--max-bytes` (default 512 MB).
 */
export async function readGraphOrModel(path: string | undefined, o: ReadModelOptions = {}): Promise<LoadedModel> {
  const withWeights = o.weights ?? true;
  const maxBytes = maxBytesOf(o.maxBytes);
  const options: ImportOptions = { inputShape: inputShapeOf(o.inputShape), dropUnsupported: o.dropUnsupported };
  const bytes = readBytes(path, 'graph file', maxBytes);
  if (isKerasFile(bytes)) {
    const r = await readKerasFile(bytes, path!, { weights: withWeights, maxBytes, import: options });
    if (!r.ok) throw new CliError(r.error + remedyHint(r.remedy), 2);
    return { doc: r.model.doc, warnings: r.model.warnings, ...(r.weights ? { weights: r.weights } : {}) };
  }
  const text = new TextDecoder().decode(bytes);
  const parsed = parseModelText(text);
  if (!parsed.ok)
    throw new CliError(`${path}: ${parsed.yaml ? parsed.error : `this is not a JSON file (graph or model JSON), a Keras model YAML, nor a Keras .keras zip or .h5 HDF5 file (${parsed.error}).`}`);
  const raw = parsed.value;
  if ((raw as { type?: unknown })?.type === FILE_TYPE || (raw as { schemaVersion?: unknown })?.schemaVersion !== undefined) {
    const doc = readGraph(path);
    const sibling = weightsDirFor(path!);
    return { doc, warnings: [], ...(withWeights && existsSync(join(sibling, 'model.json')) ? { weights: readWeightsDir(sibling) } : {}) };
  }
  const r = importModelJson(parsed.yaml ? text : raw, options);
  // Neither a graph nor a model we can import: the file cannot be used at all (exit 2), not an invalid model (1).
  if (!r.ok) throw new CliError(`${path}: ${r.error}${remedyHint(r.remedy)}`, 2);
  const m = r.model;
  if (!m.weightsManifest || !withWeights) return { doc: m.doc, warnings: m.warnings };
  const weightBytes = readWeightFiles(dirname(path!), m.weightsManifest.flatMap((g) => g.paths));
  const entries = m.weightsManifest.flatMap((g) => g.weights).map(({ graphName, shape, dtype }) => ({ name: graphName, shape, dtype }));
  return { doc: m.doc, warnings: m.warnings, weights: { entries, bytes: weightBytes } };
}

/** Where `rnn-studio import` puts the weights of `graph.json`: `graph.weights/`. */
export const weightsDirFor = (graphPath: string) => graphPath.replace(/\.(json|keras|h5)$/i, '') + '.weights';

function readWeightFiles(dir: string, paths: string[]): Uint8Array {
  const parts = paths.map((p) => {
    try {
      return readFileSync(join(dir, p));
    } catch {
      throw new CliError(`Cannot read the weight file ${join(dir, p)} named in the manifest.`);
    }
  });
  return new Uint8Array(Buffer.concat(parts));
}

/** Reads `DIR/model.json` + its weight files (TF.js format): weights saved from a model of the same graph (same layer names). */
export function readWeightsDir(dir: string): WeightBytes {
  const path = join(dir, 'model.json');
  // Only the manifest is read: the graph comes from the graph file, so a topology the importer cannot read yet
  // (e.g. an LSTM with return_state) still gives its weights.
  let manifest: { paths: string[]; weights: WeightBytes['entries'] }[] | undefined;
  try {
    manifest = (JSON.parse(readText(path, 'weights model.json')) as { weightsManifest?: typeof manifest }).weightsManifest;
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`${path}: not JSON (${(e as Error).message}).`);
  }
  if (!Array.isArray(manifest) || !manifest.every((g) => Array.isArray(g?.paths) && Array.isArray(g?.weights))) throw new CliError(`${path} has no weightsManifest.`);
  const entries = manifest.flatMap((g) => g.weights).map(({ name, shape, dtype }) => ({ name, shape, dtype }));
  return { entries, bytes: readWeightFiles(dir, manifest.flatMap((g) => g.paths)) };
}

export const print = (s: string) => process.stdout.write(s.endsWith('\n') ? s : s + '\n');
export const printJson = (v: unknown) => print(JSON.stringify(v));

/** A numeric flag's value, checked: undefined when absent, else a number (whole when `int`, ≥ `min`) or a one-line error. */
export function num(v: string | boolean | undefined, flag: string, o: { int?: boolean; min?: number } = {}): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isFinite(n) || (o.int && !Number.isInteger(n)) || (o.min !== undefined && n < o.min))
    throw new CliError(`--${flag} must be ${o.int ? 'an integer' : 'a number'}${o.min !== undefined ? ` ≥ ${o.min}` : ''}; got "${v}".`);
  return n;
}
