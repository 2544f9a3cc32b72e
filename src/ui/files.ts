/** Save, open and share: the browser side of `store/persistence.ts`. */
import { serializeDocument } from '../graph/index.ts';
import { encodeShare, fileNameFor, loadDocument, markSaved, notify, useStore } from '../store/index.ts';
import { parseDocument } from '../graph/index.ts';

/** Downloads the document as a versioned `.rnn.json` file. */
export function saveToFile(): void {
  const doc = useStore.getState().doc;
  const url = URL.createObjectURL(new Blob([serializeDocument(doc)], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileNameFor(doc);
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  markSaved();
  notify(`Saved ${a.download}.`);
}

/** Opens a graph file. A bad file is refused with the reason; the current graph is not touched. */
export async function openFile(file: File): Promise<boolean> {
  const text = await file.text();
  const r = parseDocument(text);
  if (!r.ok) {
    notify(`Could not open ${file.name}: ${r.error}`, 'error');
    return false;
  }
  loadDocument(r.doc, { saved: true });
  notify(r.migratedFrom ? `Opened ${file.name} (upgraded from file version ${r.migratedFrom}).` : `Opened ${file.name}.`);
  return true;
}

/** The share link for the current document. */
export const shareUrl = (): string => `${location.origin}${location.pathname}${location.search}${encodeShare(useStore.getState().doc)}`;
