/**
 * Two data-movement kernels for the fused loop on the cpu and wasm backends.
 *
 * Measured on wasm (bench/, Node 20): `tf.slice`/`tf.unstack` of a [50, 32, 256] tensor cost ≈ 1 ms PER SLICE
 * (≈ 50 ms per unstack) and a column slice of a [32, 256] tensor ≈ 50 µs, i.e. more than the whole LSTM arithmetic.
 * These kernels do the same moves as plain typed-array copies, and produce many outputs from one dispatch:
 * - `RnnUnstackRows`: x [T, …] → T tensors [… ] (contiguous row blocks);
 * - `RnnPickBlocks`: inputs x_k [B, C_k] and picks (k, column, width) → one [B, width] tensor per pick.
 * Other backends (webgl) use tf.unstack / tf.slice.
 */
import * as tf from '@tensorflow/tfjs';

interface MoveBackend {
  readSync(dataId: object): ArrayLike<number>;
  makeOutput?(shape: number[], dtype: string): tf.TensorInfo;
  typedArrayFromHeap?(t: tf.TensorInfo): Float32Array;
  makeTensorInfo?(shape: number[], dtype: string, values: Float32Array): tf.TensorInfo;
}

const size = (shape: number[]) => shape.reduce((a, d) => a * d, 1);

/**
 * Allocates float32 outputs of the given shapes and lets `fill` copy into them. On wasm the outputs are allocated
 * first and the heap views taken after, because an allocation may grow (and detach) the heap.
 */
function move(backend: unknown, inputs: tf.TensorInfo[], shapes: number[][], fill: (dst: Float32Array[], src: ArrayLike<number>[]) => void) {
  const b = backend as MoveBackend;
  if (b.typedArrayFromHeap && b.makeOutput) {
    const outs = shapes.map((s) => b.makeOutput!(s, 'float32'));
    fill(outs.map((o) => b.typedArrayFromHeap!(o)), inputs.map((i) => b.typedArrayFromHeap!(i)));
    return outs;
  }
  const dst = shapes.map((s) => new Float32Array(size(s)));
  fill(dst, inputs.map((i) => b.readSync(i.dataId)));
  return shapes.map((s, k) => b.makeTensorInfo!(s, 'float32', dst[k]));
}

const unstackRows: tf.KernelFunc = ({ inputs, backend }) => {
  const x = inputs.x as tf.TensorInfo;
  const [T, ...rest] = x.shape;
  const n = size(rest);
  return move(backend, [x], Array.from({ length: T }, () => rest), (dst, [src]) => {
    for (let t = 0; t < T; t++) dst[t].set((src as Float32Array).subarray(t * n, (t + 1) * n));
  });
};

type Pick = [input: number, column: number, width: number];
const pickBlocks: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const xs = Object.keys(inputs).sort().map((k) => inputs[k] as tf.TensorInfo);
  const picks = (attrs as unknown as { picks: Pick[] }).picks;
  const B = xs[0].shape[0];
  return move(backend, xs, picks.map(([, , w]) => [B, w]), (dst, src) => {
    picks.forEach(([k, col, w], p) => {
      const C = xs[k].shape[1];
      const s = src[k] as Float32Array;
      for (let r = 0; r < B; r++) dst[p].set(s.subarray(r * C + col, r * C + col + w), r * w);
    });
  });
};

const FAST_BACKENDS = ['cpu', 'wasm'];
for (const backendName of FAST_BACKENDS) {
  if (!tf.getKernel('RnnUnstackRows', backendName)) tf.registerKernel({ kernelName: 'RnnUnstackRows', backendName, kernelFunc: unstackRows });
  if (!tf.getKernel('RnnPickBlocks', backendName)) tf.registerKernel({ kernelName: 'RnnPickBlocks', backendName, kernelFunc: pickBlocks });
}
const fast = () => FAST_BACKENDS.includes(tf.getBackend());

/** x [T, …] → T tensors, x[t]. Not differentiable (used where the tape is off). */
export function unstackTime(x: tf.Tensor): tf.Tensor[] {
  if (!fast()) return tf.unstack(x);
  return tf.engine().runKernel('RnnUnstackRows', { x }) as unknown as tf.Tensor[];
}

/**
 * Column blocks of 2-D tensors: for each pick (k, column, width), xs[k][:, column : column + width].
 * Not differentiable (used where the tape is off).
 */
export function pickColumns(xs: tf.Tensor[], picks: Pick[]): tf.Tensor[] {
  if (!fast()) return picks.map(([k, col, w]) => tf.slice(xs[k], [0, col], [xs[k].shape[0], w]));
  const named = Object.fromEntries(xs.map((x, k) => [`x${String(k).padStart(2, '0')}`, x]));
  return tf.engine().runKernel('RnnPickBlocks', named, { picks } as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
}
