/**
 * The one start-up function for tfjs, called by the app, the worker, the CLI and the tests:
 * installs our UnsortedSegmentSum kernel (Embedding gradients; reference/platform.md trap 1) and, on wasm, a row-copy
 * Embedding gather, the Conv1D gradients and the max-pooling gradient (simd/kernels.ts replaces these three with
 * faster ones where wasm SIMD runs), and a gradient for dilated convolutions
 * (tfjs has none), sets the wasm paths and flags, selects the backend and, on wasm, checks every allocation (heap.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { checkHeap } from './heap.ts';
import { loadSimdKernels } from './simd/kernels.ts';

export type BackendName = 'wasm' | 'cpu' | 'webgl';

interface AnyBackend {
  readSync(dataId: object): ArrayLike<number>;
  makeOutput?(shape: number[], dtype: string, memoryOffset?: number, values?: Float32Array): tf.TensorInfo;
  makeTensorInfo?(shape: number[], dtype: string, values?: Float32Array): tf.TensorInfo;
  typedArrayFromHeap?(t: tf.TensorInfo): Float32Array;
}

/** Heap views of wasm tensors (after every allocation of the kernel: an allocation may grow and detach the heap). */
const heap = (b: AnyBackend, ...ts: tf.TensorInfo[]) => ts.map((t) => b.typedArrayFromHeap!(t));
const rowSize = (shape: number[]) => shape.slice(1).reduce((a, d) => a * d, 1);

/**
 * out[s] = Σ_{i: ids[i] = s} x[i], row by row. tfjs's gather gradient calls this kernel; it is missing on wasm
 * and loops over segments on cpu (one call took 21 s at vocab 5000), so we register a linear-time version. On wasm
 * it adds straight into the output on the heap (no temporary array, no copy).
 */
const unsortedSegmentSum: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const numSegments = (attrs as { numSegments: number }).numSegments;
  const b = backend as unknown as AnyBackend;
  const row = rowSize(x.shape);
  const shape = [numSegments, ...x.shape.slice(1)];
  // The cpu backend also has a makeOutput, with another signature (values, shape, dtype) that returns a Tensor:
  // call it only on wasm, recognised by its heap accessor.
  const onHeap = b.typedArrayFromHeap ? b.makeOutput!(shape, 'float32') : null;
  const [xv, ids, out] = onHeap
    ? heap(b, x, segmentIds, onHeap).map((v, k) => (k === 1 ? new Int32Array(v.buffer, v.byteOffset, v.length) : v))
    : [b.readSync(x.dataId), b.readSync(segmentIds.dataId), new Float32Array(numSegments * row)];
  (out as Float32Array).fill(0);
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    const o = s * row;
    const xi = i * row;
    for (let k = 0; k < row; k++) (out as Float32Array)[o + k] += xv[xi + k];
  }
  return onHeap ?? b.makeTensorInfo!(shape, 'float32', out as Float32Array);
};

/**
 * Embedding look-ups on wasm as row copies on the heap: gather(x [V, E] float32, ids int32) along axis 0 (the stock
 * wasm kernel measured ≈ 3 ms for 1,600 rows of 64). Anything else, or an id out of range (the stock kernel says so),
 * goes to the stock kernel.
 */
function rowGather(stock: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x, indices } = args.inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
    const { axis, batchDims } = args.attrs as { axis: number; batchDims: number };
    const b = args.backend as unknown as AnyBackend;
    if (x.dtype !== 'float32' || indices.dtype !== 'int32' || x.shape.length !== 2 || axis !== 0 || batchDims !== 0) return stock(args);
    const [V, E] = x.shape;
    const out = b.makeOutput!([...indices.shape, E], 'float32');
    const [src, idsF, dst] = heap(b, x, indices, out);
    const ids = new Int32Array(idsF.buffer, idsF.byteOffset, idsF.length);
    // Copies within one view of the whole heap (no subarray per row); offsets in floats.
    const all = new Float32Array(src.buffer);
    const s0 = src.byteOffset >> 2, d0 = dst.byteOffset >> 2;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (id < 0 || id >= V) {
        (b as unknown as { disposeData(d: object): void }).disposeData(out.dataId);
        return stock(args);
      }
      all.copyWithin(d0 + i * E, s0 + id * E, s0 + id * E + E);
    }
    return out;
  };
}

/**
 * Identity (tf.clone) on wasm as a second reference to the same heap block, as the cpu backend does, instead of a copy.
 * Tensors are immutable on the heap (no kernel of the backend writes into an input) so sharing is safe; the one
 * exception, the optimizers' moment slots that RnnSimdAdam & co. update in place, move to a block of their own before
 * an update whenever another tensor shares theirs (simd/optimizers.ts). tfjs-core clones every tensor a gradient
 * saves, so on wasm each save used to copy the saved data.
 */
const sharedIdentity: tf.KernelFunc = ({ inputs, backend }) => {
  const x = inputs.x as tf.TensorInfo;
  (backend as unknown as { incRef(id: object): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
};

/**
 * Every tap of a convolution's windows that lands inside the input (not in the padding): `f(m, k, xi)` with m the
 * output position (n·OH + y)·OW + x, k = (r·FW + c)·I the tap's first row of the [FH·FW·I, O] filter, xi the offset
 * of the I input channels it reads (NHWC).
 */
function forEachTap(info: tf.backend_util.Conv2DInfo, f: (m: number, k: number, xi: number) => void) {
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: I, outHeight: OH, outWidth: OW, filterHeight: FH, filterWidth: FW, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  for (let n = 0; n < N; n++)
    for (let y = 0; y < OH; y++)
      for (let xo = 0; xo < OW; xo++)
        for (let r = 0; r < FH; r++) {
          const xr = r + y * sh - top;
          if (xr < 0 || xr >= H) continue;
          for (let c = 0; c < FW; c++) {
            const xc = c + xo * sw - left;
            if (xc >= 0 && xc < W) f((n * OH + y) * OW + xo, (r * FW + c) * I, ((n * H + xr) * W + xc) * I);
          }
        }
}

type ConvBackend = AnyBackend & { disposeData(id: object): void };
const convInfo = (xShape: number[], attrs: tf.Conv2DBackpropFilterAttrs | tf.Conv2DBackpropInputAttrs, filterShape: number[]) => {
  if (attrs.dataFormat !== 'NHWC') throw new Error('Conv2D gradients on wasm support channels-last data only.');
  return tf.backend_util.computeConv2DInfo(xShape as [number, number, number, number], filterShape as [number, number, number, number], attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
};

/**
 * The gradients of a convolution (Conv1D runs as a conv2d of height 1) on wasm as one matrix product each, through
 * the backend's BatchMatMul (`matMul`, which takes transpose flags), with col [N·OH·OW, FH·FW·I] the input's windows
 * (zeros where they reach into the padding) and dY read as [N·OH·OW, O]:
 *   filter: dW = colᵀ·dY (tfjs 4.22's wasm backend has no such kernel; a plain loop over the sum measured 670–760 ms
 *           per step for the Conv1D(64, 5) bench row);
 *   input:  dCol = dY·Wᵀ, each window's rows added back where they were read (col2im; the stock kernel measured
 *           130–290 ms for the same row).
 */
const conv2DBackpropFilter = (matMul: tf.KernelFunc): tf.KernelFunc => ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const a = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const info = convInfo(x.shape, a, a.filterShape);
  const b = backend as unknown as ConvBackend;
  const M = info.batchSize * info.outHeight * info.outWidth, I = info.inChannels, K = info.filterHeight * info.filterWidth * I;
  const col = b.makeOutput!([M, K], 'float32');
  try {
    const [xv, cv] = heap(b, x, col);
    cv.fill(0);
    forEachTap(info, (m, k, xi) => cv.set(xv.subarray(xi, xi + I), m * K + k));
    const product = matMul({ inputs: { a: col, b: { ...dy, shape: [M, info.outChannels] } }, backend, attrs: { transposeA: true, transposeB: false } }) as tf.TensorInfo;
    return { ...product, shape: a.filterShape };
  } finally {
    b.disposeData(col.dataId);
  }
};

const conv2DBackpropInput = (matMul: tf.KernelFunc): tf.KernelFunc => ({ inputs, backend, attrs }) => {
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const a = attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const info = convInfo(a.inputShape, a, filter.shape);
  const b = backend as unknown as ConvBackend;
  const M = info.batchSize * info.outHeight * info.outWidth, I = info.inChannels, O = info.outChannels, K = info.filterHeight * info.filterWidth * I;
  const dCol = matMul({ inputs: { a: { ...dy, shape: [M, O] }, b: { ...filter, shape: [K, O] } }, backend, attrs: { transposeA: false, transposeB: true } }) as tf.TensorInfo;
  try {
    const dx = b.makeOutput!(a.inputShape, 'float32');
    const [dv, dc] = heap(b, dx, dCol);
    dv.fill(0);
    forEachTap(info, (m, k, xi) => {
      for (let i = 0; i < I; i++) dv[xi + i] += dc[m * K + k + i];
    });
    return dx;
  } finally {
    b.disposeData(dCol.dataId);
  }
};

/**
 * The gradient of a max pooling on wasm: each window's dY goes to the first of its largest inputs (row by row, as
 * tfjs-backend-cpu's maxPoolPositions and PyTorch choose); windows may overlap. tfjs 4.22's wasm MaxPoolGrad gives a
 * window whose values are all negative no gradient at all (tests/runtime/conv-grad-wasm-stock.test.ts).
 */
const maxPoolGrad: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.MaxPoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, filterHeight: FH, filterWidth: FW, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const b = backend as unknown as AnyBackend;
  const dx = b.makeOutput!(input.shape, 'float32');
  const [xv, dyv, dxv] = heap(b, input, dy, dx);
  dxv.fill(0);
  // Per channel: the largest value so far in the window and where it is.
  const best = new Float32Array(C), at = new Int32Array(C);
  for (let n = 0; n < N; n++)
    for (let y = 0; y < OH; y++)
      for (let xo = 0; xo < OW; xo++) {
        best.fill(-Infinity);
        at.fill(-1);
        for (let r = Math.max(0, y * sh - top); r < Math.min(H, y * sh - top + FH); r++)
          for (let c = Math.max(0, xo * sw - left); c < Math.min(W, xo * sw - left + FW); c++) {
            const i0 = ((n * H + r) * W + c) * C;
            for (let d = 0; d < C; d++)
              if (xv[i0 + d] > best[d]) {
                best[d] = xv[i0 + d];
                at[d] = i0 + d;
              }
          }
        const o = ((n * OH + y) * OW + xo) * C;
        for (let d = 0; d < C; d++) if (at[d] >= 0) dxv[at[d]] += dyv[o + d];
      }
  return dx;
};

/** A [FH, FW, I, O] filter with d − 1 zeros between its taps along `axis` (0 or 1): what a dilated conv applies. */
function dilateFilter(w: tf.Tensor4D, axis: 0 | 1, d: number): tf.Tensor4D {
  if (d === 1) return w;
  const k = w.shape[axis];
  const pad: [number, number][] = [[0, 0], [0, 0], [0, 0], [0, 0], [0, 0]];
  pad[axis + 1] = [0, d - 1];
  const spread = tf.pad(tf.expandDims(w, axis + 1), pad);
  const shape = [...w.shape] as [number, number, number, number];
  shape[axis] = k * d;
  const size = [...w.shape] as [number, number, number, number];
  size[axis] = (k - 1) * d + 1;
  return tf.slice(tf.reshape(spread, shape) as tf.Tensor4D, [0, 0, 0, 0], size);
}

/**
 * tfjs 4.22 has no gradient for a dilated conv2d (Conv1D with dilationRate > 1). A dilated convolution is the plain
 * convolution with the zero-spread filter, so its gradients are the stock ones for that filter; the filter's gradient
 * is the spread filter's, read at the taps.
 */
function dilatedConvGradient(stock: tf.GradConfig): tf.GradConfig {
  return {
    ...stock,
    gradFunc: (dy, saved, attrs) => {
      const { dilations } = attrs as unknown as tf.Conv2DAttrs;
      const [dh, dw] = typeof dilations === 'number' ? [dilations, dilations] : dilations;
      if (dh === 1 && dw === 1) return stock.gradFunc(dy, saved, attrs);
      const [x, filter] = saved;
      const spread = dilateFilter(dilateFilter(filter as tf.Tensor4D, 0, dh), 1, dw);
      const grads = stock.gradFunc(dy, [x, spread], { ...attrs, dilations: [1, 1] } as unknown as tf.NamedAttrMap);
      return { x: grads.x, filter: () => tf.stridedSlice(grads.filter(), [0, 0, 0, 0], spread.shape, [dh, dw, 1, 1]) };
    },
  };
}

/**
 * tfjs 4.22's wasm BatchMatMul with transposeA or transposeB (what every matMul gradient asks for) measured 14–17×
 * slower than an explicit transpose and a plain product: x̃ᵀ·dY for [1600, 64] and [1600, 5000] took 1.8 s against
 * 0.13 s, the gradient of a per-step Dense over a 5000-word vocabulary. This runs the flagged operands through the
 * backend's Transpose (last two axes) and the product without flags.
 */
function flagFreeMatMul(stock: tf.KernelFunc, transpose: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return stock(args);
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const temps: tf.TensorInfo[] = [];
    const flip = (t: tf.TensorInfo) => {
      const r = t.shape.length;
      const perm = [...t.shape.keys()].map((i) => (i < r - 2 ? i : 2 * r - 3 - i));
      const out = transpose({ inputs: { x: t }, backend: args.backend, attrs: { perm } }) as tf.TensorInfo;
      temps.push(out);
      return out;
    };
    const inputs = { a: transposeA ? flip(a) : a, b: transposeB ? flip(b) : b };
    try {
      return stock({ ...args, inputs, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
    } finally {
      for (const t of temps) (args.backend as unknown as { disposeData(id: object): void }).disposeData(t.dataId);
    }
  };
}

let kernelsInstalled = false;
function installKernels() {
  if (kernelsInstalled) return;
  for (const backendName of ['cpu', 'wasm']) {
    if (tf.getKernel('UnsortedSegmentSum', backendName)) tf.unregisterKernel('UnsortedSegmentSum', backendName);
    tf.registerKernel({ kernelName: 'UnsortedSegmentSum', backendName, kernelFunc: unsortedSegmentSum });
  }
  const stockGather = tf.getKernel('GatherV2', 'wasm');
  if (stockGather) {
    tf.unregisterKernel('GatherV2', 'wasm');
    tf.registerKernel({ ...stockGather, kernelFunc: rowGather(stockGather.kernelFunc) });
  }
  const [stockMatMul, stockTranspose] = [tf.getKernel('BatchMatMul', 'wasm'), tf.getKernel('Transpose', 'wasm')];
  if (stockMatMul && stockTranspose) {
    tf.unregisterKernel('BatchMatMul', 'wasm');
    tf.registerKernel({ ...stockMatMul, kernelFunc: flagFreeMatMul(stockMatMul.kernelFunc, stockTranspose.kernelFunc) });
    const matMul = tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc;
    if (!tf.getKernel('Conv2DBackpropFilter', 'wasm')) tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2DBackpropFilter(matMul) });
    if (tf.getKernel('Conv2DBackpropInput', 'wasm')) tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
    tf.registerKernel({ kernelName: 'Conv2DBackpropInput', backendName: 'wasm', kernelFunc: conv2DBackpropInput(matMul) });
  }
  if (tf.getKernel('MaxPoolGrad', 'wasm')) {
    tf.unregisterKernel('MaxPoolGrad', 'wasm');
    tf.registerKernel({ kernelName: 'MaxPoolGrad', backendName: 'wasm', kernelFunc: maxPoolGrad });
  }
  tf.registerGradient(dilatedConvGradient(tf.getGradient('Conv2D')));
  if (tf.getKernel('Identity', 'wasm')) {
    tf.unregisterKernel('Identity', 'wasm');
    tf.registerKernel({ kernelName: 'Identity', backendName: 'wasm', kernelFunc: sharedIdentity });
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
  if (tf.getBackend() === 'wasm') {
    checkHeap(tf.backend());
    if (simdKernels) await loadSimdKernels(await simdKernels());
  }
  return tf.getBackend();
}
