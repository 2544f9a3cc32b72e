/** Save, open and share: the browser side of `store/persistence.ts`. */
import { MAX_BYTES, serializeDocument, tooLarge } from '../graph/index.ts';
import { encodeShare, fileNameFor, markSaved, notify, openDocumentText, useStore } from '../store/index.ts';
import { downloadText } from './download.ts';
import { importKerasFile, importModelFiles, isModelJson, looksLikeKerasFile } from './export/actions.ts';

/** Downloads the document as a versioned `.rnn.json` file. */
export function saveToFile(): void {
  const doc = useStore.getState().doc;
  const name = fileNameFor(doc);
  downloadText(serializeDocument(doc), name);
  markSaved();
  notify(`Saved ${name}.`);
}

/**
 * Opens a graph file (picker or drop); see `openDocumentText` for validation. A Keras / TF.js model JSON is imported,
 * with its weights when their files are among `all` (dropped together); a `.keras` or `.h5` file with its weights.
 * Sizes are checked before anything is read.
 */
export async function openFile(file: File, all: File[] = [file]): Promise<boolean> {
  if (await looksLikeKerasFile(file)) return importKerasFile(file);
  // Checked before reading: a graph or model JSON is at most MAX_BYTES.
  if (file.size > MAX_BYTES) {
    notify(`Could not open ${file.name}: ${tooLarge(file.size)}`, 'error');
    return false;
  }
  const text = await file.text();
  return isModelJson(text) ? importModelFiles([file, ...all.filter((f) => f !== file)]) : openDocumentText(file.name, text);
}

/** The share link for the current document, or why it cannot have one (too large). */
export function shareUrl(): { ok: true; url: string } | { ok: false; error: string } {
  const r = encodeShare(useStore.getState().doc);
  return r.ok ? { ok: true, url: `${location.origin}${location.pathname}${location.search}${r.hash}` } : r;
}
