/**
 * The import worker (module worker, comlink): reads a trained Keras file (`.keras` or `.h5`) off the page, with
 * progress. Reading is bounded (import-keras-file.ts); a Cancel ends the worker, whatever it was doing. No tfjs here:
 * the export worker checks the weights against the graph afterwards.
 */
import * as Comlink from 'comlink';
import { readKerasFile, type KerasFileResult } from '../codegen/import-keras-file.ts';
import type { ImportOptions } from '../codegen/import-keras.ts';

const api = {
  /** The graph and weights of the file; the weights' buffer is transferred, not copied. `options`: what the user added. */
  async read(bytes: Uint8Array, name: string, onProgress: (fraction: number, what: string) => void, options: ImportOptions): Promise<KerasFileResult> {
    const r = await readKerasFile(bytes, name, { onProgress, import: options });
    return r.ok && r.weights ? Comlink.transfer(r, [r.weights.bytes.buffer]) : r;
  },
};

export type ImportWorker = typeof api;
Comlink.expose(api);
