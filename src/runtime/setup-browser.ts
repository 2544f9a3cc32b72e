/**
 * Browser start-up (page or worker): the wasm binaries come through Vite `?url` imports, so they are fingerprinted
 * and served from our own origin (reference/platform.md trap 8). Threads stay off (trap 6).
 */
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { initTf, type BackendName } from './setup.ts';
import rnnKernels from './simd/rnn.wasm?url';

export const WASM_URLS = {
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
};

/** Fetches src/runtime/simd/rnn.wasm (the recurrent SIMD kernels) from our own origin. */
export const fetchSimdKernels = async (): Promise<ArrayBuffer> => (await fetch(rnnKernels)).arrayBuffer();

export const initTfBrowser = (backend: BackendName = 'wasm'): Promise<string> =>
  initTf(backend, backend === 'wasm' ? WASM_URLS : undefined, fetchSimdKernels);
