/**
 * A Keras file import in progress: what the progress bar shows, and Cancel. The file is read in its own worker
 * (runtime/import.worker.ts), started for each import and ended by Cancel, so a slow or stuck read never holds the
 * page. One import at a time: a new one cancels the last.
 */
import * as Comlink from 'comlink';
import { create } from 'zustand';
import type { KerasFileResult } from '../codegen/import-keras-file.ts';
import type { ImportOptions, ImportRemedy } from '../codegen/import-keras.ts';
import type { ImportWorker } from '../runtime/import.worker.ts';

export interface ImportJob {
  name: string;
  /** 0–1. */
  fraction: number;
  /** What is being read, for the label. */
  what: string;
}

/** A file that did not open as it is, and what the user can add to open it (an input shape, removing layers). */
export interface ImportOffer {
  name: string;
  /** Why it did not open, one line. */
  error: string;
  remedy: ImportRemedy;
  /** Imports the file again with what the user gave. */
  retry: (o: ImportOptions) => Promise<boolean>;
}

export const useImport = create<{ job: ImportJob | null; offer: ImportOffer | null }>()(() => ({ job: null, offer: null }));

export const offerImport = (offer: ImportOffer) => useImport.setState({ offer });
export const dismissImportOffer = () => useImport.setState({ offer: null });

let controller: AbortController | null = null;

/** Starts showing an import of `name`; the signal aborts when the user presses Cancel (or starts another import). */
export function beginImport(name: string): AbortSignal {
  controller?.abort();
  controller = new AbortController();
  useImport.setState({ job: { name, fraction: 0, what: 'reading the file' }, offer: null });
  return controller.signal;
}

export const setImportProgress = (fraction: number, what: string) => useImport.setState((s) => (s.job ? { job: { ...s.job, fraction, what } } : s));

/** Ends the import started with `signal` (unless another one has started since). */
export function endImport(signal: AbortSignal): void {
  if (controller?.signal !== signal) return;
  controller = null;
  useImport.setState({ job: null });
}

export const cancelImport = () => controller?.abort();

/** Reads a Keras file in a fresh import worker; null when cancelled (the worker is ended at once). */
export async function readKerasInWorker(name: string, bytes: Uint8Array, signal: AbortSignal, options: ImportOptions = {}): Promise<KerasFileResult | null> {
  const worker = new Worker(new URL('../runtime/import.worker.ts', import.meta.url), { type: 'module' });
  const api = Comlink.wrap<ImportWorker>(worker);
  try {
    return await new Promise<KerasFileResult | null>((resolve, reject) => {
      if (signal.aborted) return resolve(null);
      signal.addEventListener('abort', () => resolve(null), { once: true });
      const progress = Comlink.proxy((fraction: number, what: string) => !signal.aborted && setImportProgress(fraction, what));
      api.read(Comlink.transfer(bytes, [bytes.buffer]), name, progress, options).then(resolve, reject);
    });
  } finally {
    worker.terminate();
  }
}
