/** The worker thread of scripts/fuzz-imports.ts: reads one file at a time with its weights and says how long it took. */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort } from 'node:worker_threads';
import { readKerasFile } from '../src/codegen/import-keras-file.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

parentPort!.on('message', async (m: { id: number } & ({ type: 'gc' } | { type: 'read'; name: string; bytes: Uint8Array })) => {
  if (m.type === 'gc') {
    gc();
    parentPort!.postMessage({ id: m.id, answer: true });
    return;
  }
  const t0 = performance.now();
  const r = await readKerasFile(m.bytes, m.name);
  parentPort!.postMessage({ id: m.id, answer: { ok: r.ok && !!r.weights, invalid: r.ok && !r.weights, error: r.ok ? null : r.error, ms: performance.now() - t0 } });
});
parentPort!.postMessage('ready');
