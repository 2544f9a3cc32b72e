/**
 * Builds the recurrent SIMD kernels: src/runtime/simd/assembly/rnn.ts (AssemblyScript) → src/runtime/simd/rnn.wasm.
 * `npm run build:wasm`; the .wasm is committed, and tests/runtime/simd-build.test.ts rebuilds it and fails when the
 * committed file differs from its source. Nothing is downloaded: the compiler is the `assemblyscript` npm package.
 */
import asc from 'assemblyscript/asc';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SOURCE = fileURLToPath(new URL('../src/runtime/simd/assembly/rnn.ts', import.meta.url));
export const OUTPUT = fileURLToPath(new URL('../src/runtime/simd/rnn.wasm', import.meta.url));

/** The module imports TF.js's memory and has no runtime, no data segments and no abort import. */
const FLAGS = ['-O3', '--runtime', 'stub', '--importMemory', '--enable', 'simd', '--noAssert', '--use', 'abort=', '--noExportMemory'];

/** Compiles the kernels and returns the wasm bytes. */
export async function buildWasm(): Promise<Uint8Array> {
  let binary: Uint8Array | null = null;
  const { error, stderr } = await asc.main([SOURCE, ...FLAGS, '--outFile', 'rnn.wasm'], {
    writeFile: (name: string, contents: Uint8Array | string) => {
      if (name.endsWith('.wasm')) binary = contents as Uint8Array;
    },
  });
  if (error) throw new Error(`AssemblyScript build failed: ${error.message}\n${stderr.toString()}`);
  if (!binary) throw new Error('AssemblyScript wrote no .wasm');
  return binary;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const bytes = await buildWasm();
  writeFileSync(OUTPUT, bytes);
  console.log(`${OUTPUT}: ${bytes.length} bytes`);
}
