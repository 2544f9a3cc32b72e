/**
 * Checked allocations on the wasm backend. tfjs-wasm places every tensor with `_malloc(bytes)` in `move`
 * (tfjs-backend-wasm 4.22 backend_wasm.ts). A malloc that fails returns 0, which the backend keeps as the tensor's
 * offset: the next kernel (ours in src/runtime/simd, or a stock one) then writes over the start of the heap, where
 * tfjs's own state and older tensors live. And `bytes` crosses into wasm as an i32, so a size of 4 GiB or more wraps
 * modulo 2³² into a small block that the kernel overruns. `checkHeap` makes both a HeapError that names the tensor,
 * before any kernel or upload touches the block. It costs one multiply and two comparisons per allocation.
 */
import * as tf from '@tensorflow/tfjs';

/** A tensor the wasm heap cannot hold. Its message is one line for the user, with what to change. */
export class HeapError extends Error {
  override name = 'HeapError';
}

interface WasmBackend {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(id: object): { memoryOffset: number } };
  move(dataId: object, values: ArrayBufferView | null, shape: number[], dtype: tf.DataType, refCount: number): void;
  disposeData(dataId: object, force?: boolean): boolean;
}

/** Sizes above what a byte offset of wasm32 can address. */
const LIMIT = 2 ** 32;
const ADVICE = 'Use a smaller batch, a shorter sequence (T) or fewer units or input features.';

const size = (bytes: number) =>
  bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.ceil(bytes / 1e3)} kB`;

const guarded = new WeakSet<object>();

/**
 * Refuses, with a HeapError, any allocation of `backend` (the wasm backend) that is 4 GiB or more or that malloc cannot
 * place. Nothing is written and nothing stays allocated when it throws. Idempotent.
 */
export function checkHeap(backend: object): void {
  if (guarded.has(backend)) return;
  guarded.add(backend);
  const b = backend as WasmBackend;
  const move = b.move.bind(b);
  b.move = (dataId, values, shape, dtype, refCount) => {
    if (dtype === 'string') return move(dataId, values, shape, dtype, refCount);
    const bytes = tf.util.sizeFromShape(shape) * tf.util.bytesPerElement(dtype);
    if (bytes >= LIMIT)
      throw new HeapError(`A tensor of shape [${shape.join(', ')}] needs ${size(bytes)}, more than the 4.3 GB (2³² bytes) that wasm memory can address. ${ADVICE}`);
    // Allocate without the values, so that a failed malloc (offset 0) writes nothing; then copy them as `move` does.
    move(dataId, null, shape, dtype, refCount);
    const offset = b.dataIdMap.get(dataId).memoryOffset;
    if (offset === 0) {
      b.disposeData(dataId, true);
      throw new HeapError(`Out of memory: a tensor of shape [${shape.join(', ')}] (${size(bytes)}) does not fit in the ${size(b.wasm.HEAPU8.length)} of wasm memory. ${ADVICE}`);
    }
    if (values) b.wasm.HEAPU8.set(new Uint8Array(values.buffer, values.byteOffset, bytes), offset);
  };
}
