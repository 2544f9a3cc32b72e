/**
 * Export and import from the page: the code comes from the pure emitters, the weights from the export worker
 * (tfjs never runs on the page), and the zip is put together with JSZip.
 */
import * as Comlink from 'comlink';
import JSZip from 'jszip';
import { exportFiles, type Target } from '../../codegen/export.ts';
import { importModelJson, type ImportOptions } from '../../codegen/import-keras.ts';
import { parseModelText } from '../../codegen/model-text.ts';
import { bytesText } from '../../codegen/bounded-zip.ts';
import { IMPORT_MAX_BYTES, isKerasFile } from '../../codegen/import-keras-file.ts';
import type { ModelIR } from '../../compiler/index.ts';
import { countOf, serializeDocument, type GraphDoc } from '../../graph/index.ts';
import type { ExportWorker, WeightsSource } from '../../runtime/export.worker.ts';
import { beginImport, dismissImportOffer, downloadBaseName, endImport, loadDocument, notify, offerImport, readKerasInWorker, setImportProgress } from '../../store/index.ts';
import { dataIdentityOf, readingOf } from '../../store/training.ts';
import { downloadBlob } from '../download.ts';

let worker: Comlink.Remote<ExportWorker> | null = null;
const client = () => (worker ??= Comlink.wrap<ExportWorker>(new Worker(new URL('../../runtime/export.worker.ts', import.meta.url), { type: 'module' })));

export const SOURCE_LABEL: Record<WeightsSource, string> = {
  trained: 'trained weights (the run in use in the Training tab: the latest, or the one restored there)',
  imported: 'imported weights',
  initial: 'seeded initial weights (train the graph to export trained ones)',
};

export interface Bundle {
  target: Target;
  files: Record<string, string | Uint8Array>;
  source: WeightsSource;
  /** The graph's name made safe for a file name. */
  name: string;
}

/** Every file of the export folder: code from the emitters, weights from the worker. */
export async function buildBundle(doc: GraphDoc, ir: ModelIR, target: Target): Promise<Bundle> {
  const w = await client().weightsFor(serializeDocument(doc), dataIdentityOf(doc));
  const code = exportFiles(ir, target, { title: doc.meta?.name ?? 'RNN Studio model', training: doc.training, trained: w.source !== 'initial', ...(await readingOf(doc)) });
  return { target, source: w.source, name: downloadBaseName(doc), files: { ...code, 'model.json': w.modelJson, 'weights.bin': w.weights } };
}

/** Downloads the bundle as `<graph name>-<target>.zip` (one folder `rnn-studio-<target>` inside). */
export async function downloadZip(b: Bundle): Promise<void> {
  const zip = new JSZip();
  const folder = zip.folder(`rnn-studio-${b.target}`)!;
  for (const [name, data] of Object.entries(b.files)) folder.file(name, data);
  const fileName = `${b.name}-${b.target}.zip`;
  downloadBlob(await zip.generateAsync({ type: 'blob' }), fileName);
  notify(`Downloaded ${fileName}.`);
}

/** True when the text is a Keras / TF.js model JSON or a Keras model YAML rather than an RNN Studio graph file. */
export function isModelJson(text: string): boolean {
  const parsed = parseModelText(text);
  const v = parsed.ok ? (parsed.value as Record<string, unknown>) : undefined;
  // A Keras YAML that does not parse is still a model file: importing it says why it cannot be read.
  return (!parsed.ok && parsed.yaml) || (typeof v === 'object' && v !== null && v.type === undefined && ('modelTopology' in v || ('class_name' in v && 'config' in v)));
}

/**
 * Imports a trained Keras file (`.keras` zip or legacy `.h5`, recognised by its first bytes) with its weights: the
 * file is read in the import worker with a progress bar and Cancel, the weights are checked against the graph and
 * kept for it by the export worker, and only then does the graph replace the canvas (one undo step), so "Probe this
 * graph", Export and "try it" use them until the graph is trained here. Returns false (the canvas unchanged, the
 * reason shown) when the file cannot be imported or the import is cancelled.
 */
export async function importKerasFile(file: File, options: ImportOptions = {}): Promise<boolean> {
  const name = file.name;
  const fail = (why: string) => (notify(`Could not import ${name}: ${why} The graph on the canvas is unchanged.`, 'error'), false);
  // Checked before a byte is read.
  if (file.size > IMPORT_MAX_BYTES) return fail(`it is ${bytesText(file.size)}; the limit is ${bytesText(IMPORT_MAX_BYTES)}.`);
  const signal = beginImport(name);
  const cancelled = () => (notify(`Import of ${name} cancelled. The graph on the canvas is unchanged.`), false);
  try {
    const r = await readKerasInWorker(name, new Uint8Array(await file.arrayBuffer()), signal, options);
    if (!r) return cancelled();
    // What the user can add to open it (an input shape, removing layers) is asked for; the canvas stays as it is.
    if (!r.ok && r.remedy) {
      offerImport({ name, error: r.error, remedy: r.remedy, retry: (o) => importKerasFile(file, { ...options, ...o }) });
      return false;
    }
    if (!r.ok) return fail(r.error);
    if (!r.weights) return fail('the model it describes does not make a valid graph, so its weights cannot be matched.');
    const { doc, warnings } = r.model;
    setImportProgress(1, 'checking the weights against the graph');
    try {
      await client().storeImported(serializeDocument(doc), r.weights);
    } catch (e) {
      return fail(`its weights do not fit the model it describes (${(e as Error).message}).`);
    }
    if (signal.aborted) return cancelled();
    loadDocument(doc, { layout: true, record: true });
    const notes = warnings.length ? ` Notes: ${warnings.join(' ')}` : '';
    notify(`Imported ${name} with its weights (Keras ${r.kerasVersion || 'file'}): ${countOf(doc.nodes.length, 'layer')}. Probe this graph, "try it" and Export use these weights.${notes}`);
    return true;
  } catch (e) {
    return fail(`it could not be read (${(e as Error).message}).`);
  } finally {
    endImport(signal);
  }
}

/** True when the file starts like a `.keras` zip or an HDF5 `.h5` file. */
export const looksLikeKerasFile = async (file: File): Promise<boolean> => isKerasFile(new Uint8Array(await file.slice(0, 4104).arrayBuffer()));

/**
 * Imports a Keras `to_json()` or TF.js `model.json` (with its weight files when they are among `files`) onto the
 * canvas. Weights are checked against the graph and kept for its exports.
 */
export async function importModelFiles(files: File[], options: ImportOptions = {}): Promise<boolean> {
  const jsonFile = files.find((f) => /\.(json|ya?ml)$/i.test(f.name)) ?? files[0];
  if (!jsonFile) return false;
  dismissImportOffer();
  // importModelJson never throws on bad input; only reading a file can.
  const r = await jsonFile.text().then((t) => importModelJson(t, options), (e: Error) => ({ ok: false as const, error: `The file cannot be read (${e.message}).`, remedy: undefined }));
  // What the user can add to open it (an input shape, removing layers) is asked for; the canvas stays as it is.
  if (!r.ok && r.remedy) {
    offerImport({ name: jsonFile.name, error: r.error, remedy: r.remedy, retry: (o) => importModelFiles(files, { ...options, ...o }) });
    return false;
  }
  if (!r.ok) {
    notify(`Could not import ${jsonFile.name}: ${r.error} The graph on the canvas is unchanged.`, 'error');
    return false;
  }
  const { doc, weightsManifest, warnings } = r.model;
  loadDocument(doc, { layout: true, record: true });
  const notes = warnings.length ? ` Notes: ${warnings.join(' ')}` : '';
  if (!weightsManifest) {
    notify(`Imported ${jsonFile.name}: ${countOf(doc.nodes.length, 'layer')} (the file has no weights).${notes}`);
    return true;
  }
  const byName = new Map(files.map((f) => [f.name, f]));
  const paths = weightsManifest.flatMap((g) => g.paths);
  const missing = paths.filter((p) => !byName.has(p));
  if (missing.length) {
    notify(`Imported ${jsonFile.name}: ${countOf(doc.nodes.length, 'layer')}, without weights (choose ${missing.join(', ')} together with model.json to bring them).${notes}`);
    return true;
  }
  const entries = weightsManifest.flatMap((g) => g.weights).map(({ graphName, shape, dtype }) => ({ name: graphName, shape, dtype }));
  const size = paths.reduce((s, p) => s + byName.get(p)!.size, 0);
  if (size > IMPORT_MAX_BYTES) {
    notify(`Imported ${jsonFile.name} without its weights: their files hold ${bytesText(size)}; the limit is ${bytesText(IMPORT_MAX_BYTES)}.${notes}`, 'error');
    return true;
  }
  try {
    const parts = await Promise.all(paths.map(async (p) => new Uint8Array(await byName.get(p)!.arrayBuffer())));
    const bytes = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
    parts.reduce((at, p) => (bytes.set(p, at), at + p.length), 0);
    await client().storeImported(serializeDocument(doc), { entries, bytes });
    notify(`Imported ${jsonFile.name} with its weights: ${countOf(doc.nodes.length, 'layer')}. Probe this graph, "try it" and Export use these weights.${notes}`);
  } catch (e) {
    notify(`Imported ${jsonFile.name}, but its weights do not fit: ${(e as Error).message}`, 'error');
  }
  return true;
}
