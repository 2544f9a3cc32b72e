/** Node-only start-up: finds the wasm binaries in node_modules. Browser code uses `setup-browser.ts`. */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { initTf, type BackendName } from './setup.ts';

const wasmDir = () => join(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';

export function initTfNode(backend: BackendName = 'wasm'): Promise<string> {
  return initTf(backend, backend === 'wasm' ? wasmDir() : undefined, () => readFile(new URL('./simd/rnn.wasm', import.meta.url)));
}
