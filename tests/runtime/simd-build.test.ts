/**
 * The committed src/runtime/simd/rnn.wasm is what its AssemblyScript source compiles to (`npm run build:wasm`), and it
 * imports nothing but TF.js's memory: a stale or hand-edited binary fails here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildWasm, OUTPUT } from '../../scripts/build-wasm.ts';

describe('rnn.wasm', () => {
  it('equals a fresh build of src/runtime/simd/assembly/rnn.ts', async () => {
    const fresh = await buildWasm();
    const committed = new Uint8Array(readFileSync(OUTPUT));
    expect(committed.length).toBe(fresh.length);
    expect(Buffer.compare(Buffer.from(committed), Buffer.from(fresh))).toBe(0);
  });

  it('imports only env.memory and exports a forward and a backward kernel per kind, the input projection and gradients, the optimizer updates, the convolution and its gradients, the max-pooling gradient and the panel of the matrix products', async () => {
    const mod = await WebAssembly.compile(readFileSync(OUTPUT));
    expect(WebAssembly.Module.imports(mod)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    expect(WebAssembly.Module.exports(mod).map((e) => e.name).sort()).toEqual(
      ['PANEL_FLOATS', 'adam', 'convFilterGrad', 'convForward', 'convInputGrad', 'gruBackward', 'gruForward', 'inputGrads', 'inputProjection', 'lstmBackward', 'lstmForward', 'maxPoolGrad', 'momentum', 'rmsprop', 'simpleBackward', 'simpleForward', 'usePanel'],
    );
  });
});
