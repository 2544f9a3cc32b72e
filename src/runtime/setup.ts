/**
 * The one start-up function for tfjs, called by the app, the worker, the CLI and the tests:
 * installs our UnsortedSegmentSum kernel (Embedding gradients; reference/platform.md trap 1), sets the wasm
 * paths and flags, and selects the backend.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { loadSimdKernels } from './simd/kernels.ts';

export type BackendName = 'wasm' | 'cpu' | 'webgl';

interface AnyBackend {
  readSync(dataId: object): ArrayLike<number>;
  makeOutput?(shape: number[], dtype: string, memoryOffset?: number, values?: Float32Array): tf.TensorInfo;
  makeTensorInfo?(shape: number[], dtype: string, values?: Float32Array): tf.TensorInfo;
  typedArrayFromHeap?(t: tf.TensorInfo): Float32Array;
}

/**
 * out[s] = Σ_{i: ids[i] = s} x[i], row by row. tfjs's gather gradient calls this kernel; it is missing on wasm
 * and loops over segments on cpu (one call took 21 s at vocab 5000), so we register a linear-time version.
 */
const unsortedSegmentSum: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const numSegments = (attrs as { numSegments: number }).numSegments;
  const b = backend as unknown as AnyBackend;
  const xv = b.readSync(x.dataId);
  const ids = b.readSync(segmentIds.dataId);
  const row = x.shape.slice(1).reduce((a, d) => a * d, 1);
  const out = new Float32Array(numSegments * row);
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    const o = s * row;
    const xi = i * row;
    for (let k = 0; k < row; k++) out[o + k] += xv[xi + k];
  }
  const shape = [numSegments, ...x.shape.slice(1)];
  // The cpu backend also has a makeOutput, with another signature (values, shape, dtype) that returns a Tensor:
  // call it only on wasm, recognised by its heap accessor.
  return b.typedArrayFromHeap ? b.makeOutput!(shape, 'float32', undefined, out) : b.makeTensorInfo!(shape, 'float32', out);
};

let kernelsInstalled = false;
function installKernels() {
  if (kernelsInstalled) return;
  for (const backendName of ['cpu', 'wasm']) {
    if (tf.getKernel('UnsortedSegmentSum', backendName)) tf.unregisterKernel('UnsortedSegmentSum', backendName);
    tf.registerKernel({ kernelName: 'UnsortedSegmentSum', backendName, kernelFunc: unsortedSegmentSum });
  }
  kernelsInstalled = true;
}

/**
 * Selects a backend (default wasm) and returns the one actually in use. On wasm it also loads RNN Studio's recurrent
 * SIMD kernels (src/runtime/simd) when `simdKernels` gives their bytes and the runtime has wasm SIMD.
 * @param wasmPaths folder prefix (Node) or per-file URLs (browser, from Vite `?url` imports)
 * @param simdKernels reads src/runtime/simd/rnn.wasm (from disk in Node, by fetch in the browser)
 */
export async function initTf(backend: BackendName = 'wasm', wasmPaths?: string | Record<string, string>, simdKernels?: () => Promise<BufferSource>): Promise<string> {
  installKernels();
  if (backend === 'wasm') {
    // Threaded wasm breaks in a minified build and gains nothing on 2 cores (platform.md trap 6).
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    if (wasmPaths) setWasmPaths(wasmPaths as string);
  }
  if (tf.getBackend() !== backend) {
    const ok = await tf.setBackend(backend);
    if (!ok) throw new Error(`The ${backend} backend could not start here.`);
  }
  await tf.ready();
  if (tf.getBackend() === 'wasm' && simdKernels) await loadSimdKernels(await simdKernels());
  return tf.getBackend();
}
