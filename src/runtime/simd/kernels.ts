/**
 * The recurrent SIMD kernels (src/runtime/simd/assembly/rnn.ts, compiled to rnn.wasm) registered as two TF.js kernels
 * of the wasm backend, `RnnSimdForward` and `RnnSimdBackward`, with the optimizers' updates, and the module's
 * convolution (forward and both gradients) and max-pooling gradient in place of the wasm backend's own. The module is instantiated on TF.js's own wasm
 * memory, so a kernel receives tensors' heap offsets and writes its outputs in place: no copies in or out.
 * Loaded once by `initTf` (src/runtime/setup.ts) when the wasm backend starts; where it cannot run (another backend,
 * no wasm SIMD) `simdReady()` is false and the recurrent layers keep the fused engine.
 */
import * as tf from '@tensorflow/tfjs';

type Ptr = number;
/** The module's exports (assembly/rnn.ts); pointers are byte offsets, flags 0/1. */
interface RnnWasm {
  simpleForward(xp: Ptr, bias: Ptr, R: Ptr, mask: Ptr, recMask: Ptr, h0: Ptr, B: number, T: number, H: number, goBack: number, act: number, save: Ptr, hAll: Ptr, out: Ptr, retSeq: number, scratch: Ptr): void;
  simpleBackward(dy: Ptr, retSeq: number, save: Ptr, R: Ptr, mask: Ptr, recMask: Ptr, dhT: Ptr, dh0: Ptr, B: number, T: number, H: number, goBack: number, act: number, dZ: Ptr, dR: Ptr, db: Ptr, dH: Ptr, weightGrads: number, scratch: Ptr): void;
  lstmForward(xp: Ptr, bias: Ptr, R: Ptr, mask: Ptr, recMask: Ptr, h0: Ptr, c0: Ptr, B: number, T: number, H: number, goBack: number, act: number, recAct: number, save: Ptr, hAll: Ptr, cAll: Ptr, out: Ptr, retSeq: number, scratch: Ptr): void;
  lstmBackward(dy: Ptr, retSeq: number, save: Ptr, R: Ptr, mask: Ptr, recMask: Ptr, dhT: Ptr, dcT: Ptr, dh0: Ptr, dc0: Ptr, B: number, T: number, H: number, goBack: number, act: number, recAct: number, dZ: Ptr, dR: Ptr, db: Ptr, dH: Ptr, weightGrads: number, scratch: Ptr): void;
  gruForward(xp: Ptr, bias: Ptr, recBias: Ptr, R: Ptr, mask: Ptr, recMask: Ptr, h0: Ptr, B: number, T: number, H: number, goBack: number, act: number, recAct: number, resetAfter: number, save: Ptr, hAll: Ptr, out: Ptr, retSeq: number, scratch: Ptr): void;
  inputProjection(xp: Ptr, x: Ptr, E: number, K: Ptr, rows: number, N: number): void;
  inputGrads(dX: Ptr, dK: Ptr, x: Ptr, K: Ptr, Kt: Ptr, dZ: Ptr, rows: number, E: number, N: number, kRows: number): void;
  convFilterGrad(dW: Ptr, xp: Ptr, dy: Ptr, N: number, Hp: number, Wp: number, I: number, OH: number, OW: number, O: number, FH: number, FW: number, sh: number, sw: number): void;
  convInputGrad(dXp: Ptr, dy: Ptr, W: Ptr, Wt: Ptr, N: number, Hp: number, Wp: number, I: number, OH: number, OW: number, O: number, FH: number, FW: number, sh: number, sw: number): void;
  convForward(out: Ptr, xp: Ptr, W: Ptr, N: number, Hp: number, Wp: number, I: number, OH: number, OW: number, O: number, FH: number, FW: number, sh: number, sw: number): void;
  maxPoolGrad(dx: Ptr, x: Ptr, dy: Ptr, N: number, H: number, W: number, C: number, OH: number, OW: number, FH: number, FW: number, sh: number, sw: number, top: number, left: number, scratch: Ptr): void;
  gruBackward(dy: Ptr, retSeq: number, save: Ptr, R: Ptr, mask: Ptr, recMask: Ptr, dhT: Ptr, dh0: Ptr, B: number, T: number, H: number, goBack: number, act: number, recAct: number, resetAfter: number, dZ: Ptr, dR: Ptr, db: Ptr, dRecBias: Ptr, dH: Ptr, weightGrads: number, scratch: Ptr): void;
  usePanel(p: Ptr): void;
  PANEL_FLOATS: WebAssembly.Global;
  adam(w: Ptr, g: Ptr, m: Ptr, v: Ptr, out: Ptr, n: number, lr: number, b1: number, b2: number, eps: number, c1: number, c2: number): void;
  rmsprop(w: Ptr, g: Ptr, s: Ptr, mu: Ptr, out: Ptr, n: number, lr: number, rho: number, kappa: number, eps: number): void;
  momentum(w: Ptr, g: Ptr, a: Ptr, out: Ptr, n: number, lr: number, kappa: number): void;
}

/** Activation codes of the wasm module. */
export const ACTIVATION_CODES: Record<string, number> = { linear: 0, tanh: 1, sigmoid: 2, relu: 3, hardSigmoid: 4 };

export type SimdCellKind = 'SimpleRNN' | 'LSTM' | 'GRU';

/** Per kind: gate blocks k (kernel [D, kH]) and the floats saved per (step, example) for the backward pass. */
export const SIMD_LAYOUT: Record<SimdCellKind, { blocks: number; save: number }> = {
  SimpleRNN: { blocks: 1, save: 3 }, // [ĥ | h̃ | a]
  LSTM: { blocks: 4, save: 7 }, // [i | f | g | o | c_{t−1} | φ(ĉ) | h̃]
  GRU: { blocks: 3, save: 5 }, // [z | r | ȟ | h̃ | u]
};

interface WasmBackend {
  wasm: { asm: { memory: WebAssembly.Memory } };
  dataIdMap: { get(id: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: string): tf.TensorInfo;
  disposeData(id: object): boolean;
}

let kernels: RnnWasm | null = null;

/** Attributes both kernels take (numbers only: TF.js attrs). */
export interface SimdAttrs {
  cell: SimdCellKind;
  steps: number;
  units: number;
  goBackwards: boolean;
  returnSequences: boolean;
  act: number;
  recAct: number;
  resetAfter: boolean;
}

/** A tensor's heap offset, or 0 for "no tensor": no tensor sits at 0, since checkHeap (../heap.ts) refuses that offset. */
const ptr = (b: WasmBackend, t: tf.TensorInfo | undefined): Ptr => (t ? b.dataIdMap.get(t.dataId).memoryOffset : 0);
const flag = (x: boolean) => (x ? 1 : 0);

/**
 * Allocates the kernel's float32 outputs and a scratch buffer (the matrix products' panel, then `scratch` floats);
 * runs `body`; frees the scratch. When an allocation is refused (a HeapError, ../heap.ts), the ones made before it are
 * freed and the kernel runs on nothing.
 */
function withOutputs(b: WasmBackend, shapes: number[][], scratch: number, body: (outs: tf.TensorInfo[], scratch: Ptr) => void): tf.TensorInfo[] {
  const outs: tf.TensorInfo[] = [];
  const panel = kernels!.PANEL_FLOATS.value as number;
  let tmp: tf.TensorInfo | undefined;
  try {
    for (const s of shapes) outs.push(b.makeOutput(s, 'float32'));
    tmp = b.makeOutput([panel + scratch], 'float32');
    kernels!.usePanel(ptr(b, tmp));
    body(outs, ptr(b, tmp) + 4 * panel);
  } catch (e) {
    for (const o of outs) b.disposeData(o.dataId);
    throw e;
  } finally {
    if (tmp) b.disposeData(tmp.dataId);
  }
  return outs;
}

/**
 * Forward: inputs x (x̃ [B·T, D], batch-major), K [D, kH], R, optional bias [kH], recBias [kH] (reset-after GRU),
 * mask [B, T] float32, recMask [B, H], initial states h0 [B, H] and c0 [B, H] (LSTM; absent: zeros). Outputs: out ([B, T, H] or [B, H]), save [T, B, W·H], hAll [T, B, H], and
 * cAll [T, B, H] for an LSTM. The input projection x̃·K of every step goes to scratch first.
 */
const forward: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as unknown as WasmBackend;
  const k = kernels!;
  const a = attrs as unknown as SimdAttrs;
  const { x, K, R, bias, recBias, mask, recMask, h0, c0 } = inputs as Record<string, tf.TensorInfo | undefined>;
  const H = a.units;
  const steps = a.steps;
  const [rows, D] = x!.shape;
  const batch = rows / steps;
  const kH = SIMD_LAYOUT[a.cell].blocks * H;
  const W = SIMD_LAYOUT[a.cell].save * H;
  const shapes = [a.returnSequences ? [batch, steps, H] : [batch, H], [steps, batch, W], [steps, batch, H]];
  if (a.cell === 'LSTM') shapes.push([steps, batch, H]);
  const pMask = ptr(b, mask), pRec = ptr(b, recMask);
  const dims = [batch, steps, H, flag(a.goBackwards)] as const;
  // scratch: the cell's rows (3H + 3BH), then xp [B·T, kH]
  const own = 3 * H + 3 * batch * H;
  return withOutputs(b, shapes, own + rows * kH, ([out, save, hAll, cAll], s) => {
    const xp = s + 4 * own;
    k.inputProjection(xp, ptr(b, x), D, ptr(b, K), rows, kH);
    const o = ptr(b, out), sv = ptr(b, save), hs = ptr(b, hAll);
    const rs = flag(a.returnSequences);
    if (a.cell === 'SimpleRNN') k.simpleForward(xp, ptr(b, bias), ptr(b, R), pMask, pRec, ptr(b, h0), ...dims, a.act, sv, hs, o, rs, s);
    else if (a.cell === 'LSTM') k.lstmForward(xp, ptr(b, bias), ptr(b, R), pMask, pRec, ptr(b, h0), ptr(b, c0), ...dims, a.act, a.recAct, sv, hs, ptr(b, cAll), o, rs, s);
    else k.gruForward(xp, ptr(b, bias), ptr(b, recBias), ptr(b, R), pMask, pRec, ptr(b, h0), ...dims, a.act, a.recAct, flag(a.resetAfter), sv, hs, o, rs, s);
  });
};

/**
 * Backward: inputs dy (the output's gradient), save, R, x (x̃ [B·T, D]), K, optional mask, recMask, and dhT, dcT
 * [B, H] (∂L/∂ of the final states when the layer returns them). Outputs: dX [B·T, D], dK [D, kH] (zeros unless
 * attrs.weightGrads), dR [H, kH], db [kH], dRecBias [kH] (reset-after GRU), ∂L/∂h0 and (LSTM) ∂L/∂c0 [B, H] when
 * attrs.stateGrads, and ∂L/∂h_t [T, B, H] when attrs.tapH. dZ = ∂L/∂(x̃·K + b) [B·T, kH] lives in scratch.
 */
const backward: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as unknown as WasmBackend;
  const k = kernels!;
  const a = attrs as unknown as SimdAttrs & { weightGrads: boolean; stateGrads: boolean; tapH: boolean };
  const { dy, save, R, x, K, mask, recMask, dhT, dcT } = inputs as Record<string, tf.TensorInfo | undefined>;
  const H = a.units;
  const [T, B] = save!.shape;
  const D = x!.shape[1];
  const kH = SIMD_LAYOUT[a.cell].blocks * H;
  const gru = a.cell === 'GRU';
  const shapes = [[B * T, D], [D, kH], [H, kH], [kH]];
  if (gru && a.resetAfter) shapes.push([kH]);
  const nStates = a.stateGrads ? (a.cell === 'LSTM' ? 2 : 1) : 0;
  for (let i = 0; i < nStates; i++) shapes.push([B, H]);
  if (a.tapH) shapes.push([T, B, H]);
  // scratch: six [B, H] rows (state gradients) and Rᵀ [kH, H] for the cell, then dZ [B·T, kH] and Kᵀ [kH, D]
  const own = 6 * B * H + kH * H;
  const outs = withOutputs(b, shapes, own + B * T * kH + kH * D, (o, s) => {
    const [dX, dK, dR, db] = o.map((t) => ptr(b, t));
    const dZ = s + 4 * own, Kt = dZ + 4 * B * T * kH;
    const dRecBias = gru && a.resetAfter ? ptr(b, o[4]) : 0;
    const dH = a.tapH ? ptr(b, o[o.length - 1]) : 0;
    const first = shapes.length - nStates - (a.tapH ? 1 : 0);
    const dh0 = nStates ? ptr(b, o[first]) : 0, dc0 = nStates > 1 ? ptr(b, o[first + 1]) : 0;
    const lead = [ptr(b, dy), flag(a.returnSequences), ptr(b, save), ptr(b, R), ptr(b, mask), ptr(b, recMask)] as const;
    const dims = [B, T, H, flag(a.goBackwards)] as const;
    const wg = flag(a.weightGrads);
    if (a.cell === 'SimpleRNN') k.simpleBackward(...lead, ptr(b, dhT), dh0, ...dims, a.act, dZ, dR, db, dH, wg, s);
    else if (a.cell === 'LSTM') k.lstmBackward(...lead, ptr(b, dhT), ptr(b, dcT), dh0, dc0, ...dims, a.act, a.recAct, dZ, dR, db, dH, wg, s);
    else k.gruBackward(...lead, ptr(b, dhT), dh0, ...dims, a.act, a.recAct, flag(a.resetAfter), dZ, dR, db, dRecBias, dH, wg, s);
    k.inputGrads(dX, dK, ptr(b, x), ptr(b, K), Kt, dZ, B * T, D, kH, wg ? B * T : 0);
  });
  return outs;
};

/**
 * A convolution's geometry (NHWC, no dilation: setup.ts's gradient spreads a dilated filter first) with its padded
 * input's size, Hp = top + H + bottom and Wp = left + W + right, and the module's dimension arguments.
 */
function convGeometry(xShape: number[], filterShape: number[], attrs: Pick<tf.Conv2DAttrs, 'strides' | 'pad' | 'dimRoundingMode' | 'dataFormat'>) {
  if (attrs.dataFormat !== 'NHWC') throw new Error('Conv2D gradients on wasm support channels-last data only.');
  const info = tf.backend_util.computeConv2DInfo(xShape as [number, number, number, number], filterShape as [number, number, number, number], attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const { top, bottom, left, right } = info.padInfo;
  const Hp = info.inHeight + top + bottom, Wp = info.inWidth + left + right;
  const dims = [info.batchSize, Hp, Wp, info.inChannels, info.outHeight, info.outWidth, info.outChannels, info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth] as const;
  return { info, padded: Hp * Wp !== info.inHeight * info.inWidth, size: info.batchSize * Hp * Wp * info.inChannels, dims };
}
type ConvGeometry = ReturnType<typeof convGeometry>;

/** The whole heap as floats (a fresh view: an allocation may have grown the memory and detached older views). */
const floats = (b: WasmBackend) => new Float32Array(b.wasm.asm.memory.buffer);

/**
 * Copies the rows of an unpadded [N, H, W, I] tensor at byte offset `u` to or from a padded [N, Hp, Wp, I] one at `p`
 * (its padding untouched).
 */
function padRows(b: WasmBackend, u: Ptr, p: Ptr, { info }: ConvGeometry, toPadded: boolean) {
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: I } = info;
  const { top, bottom, left, right } = info.padInfo;
  const Hp = H + top + bottom, Wp = W + left + right;
  const f = floats(b);
  for (let n = 0; n < N; n++)
    for (let y = 0; y < H; y++) {
      const a = (u >> 2) + (n * H + y) * W * I, q = (p >> 2) + ((n * Hp + y + top) * Wp + left) * I;
      if (toPadded) f.copyWithin(q, a, a + W * I);
      else f.copyWithin(a, q, q + W * I);
    }
}

/** The input x as the module reads it: x itself, or (when the convolution pads) its padded copy written at `s`. */
function paddedInput(b: WasmBackend, x: tf.TensorInfo, g: ConvGeometry, s: Ptr): Ptr {
  if (!g.padded) return ptr(b, x);
  floats(b).fill(0, s >> 2, (s >> 2) + g.size);
  padRows(b, ptr(b, x), s, g, true);
  return s;
}

/** Runs the module's `call` on the input x (padded when the convolution pads) and one more tensor, into `shape`. */
const onInput = (b: WasmBackend, call: 'convForward' | 'convFilterGrad', x: tf.TensorInfo, other: tf.TensorInfo, g: ConvGeometry, shape: number[]) =>
  withOutputs(b, [shape], g.padded ? g.size : 0, ([out], s) => kernels![call](ptr(b, out), paddedInput(b, x, g, s), ptr(b, other), ...g.dims))[0];

/**
 * Conv2D (Conv1D runs as a conv2d of height 1) by the module's matrix product on the input itself (assembly/rnn.ts
 * convForward); a dilated or channels-first one goes to the stock kernel (XNNPACK).
 */
const convForward = (stock: tf.KernelFunc): tf.KernelFunc => (args) => {
  const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
  const a = args.attrs as unknown as tf.Conv2DAttrs;
  if (a.dataFormat !== 'NHWC' || [a.dilations ?? 1].flat().some((d) => d !== 1)) return stock(args);
  const g = convGeometry(x.shape, filter.shape, a);
  return onInput(args.backend as unknown as WasmBackend, 'convForward', x, filter, g, g.info.outShape);
};

/**
 * The filter gradient of a convolution: ∂L/∂W = Σ windowᵀ·dY (assembly/rnn.ts convFilterGrad). Inputs x, dy; attrs
 * filterShape, strides, pad (tfjs-core's Conv2DBackpropFilter, which has no dilations).
 */
const convFilterGrad: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const a = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  return onInput(backend as unknown as WasmBackend, 'convFilterGrad', x, dy, convGeometry(x.shape, a.filterShape, a), a.filterShape);
};

/**
 * The input gradient of a convolution: each window's dY·W_{r,c}ᵀ added where the window read (assembly/rnn.ts
 * convInputGrad), into scratch and then cropped when the convolution pads. Inputs dy, filter; attrs inputShape,
 * strides, pad (tfjs-core's Conv2DBackpropInput).
 */
const convInputGrad: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as unknown as WasmBackend;
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const a = attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const g = convGeometry(a.inputShape, filter.shape, a);
  const taps = filter.shape.reduce((p, d) => p * d, 1);
  return withOutputs(b, [a.inputShape], taps + (g.padded ? g.size : 0), ([dX], s) => {
    const dXp = g.padded ? s + 4 * taps : ptr(b, dX);
    kernels!.convInputGrad(dXp, ptr(b, dy), ptr(b, filter), s, ...g.dims);
    if (g.padded) padRows(b, ptr(b, dX), dXp, g, false);
  })[0];
};

/**
 * The gradient of a max pooling (assembly/rnn.ts maxPoolGrad): inputs dy, input (and output, unused); attrs
 * filterSize, strides, pad, dimRoundingMode (tfjs-core's MaxPoolGrad). For the Conv1D-LSTM bench row's
 * MaxPooling1D(2) at T 200 it measured 2.2 ms of CPU per step, setup.ts's (plain JS) 4.7 ms, the stock one 11 ms.
 */
const maxPoolGrad: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as unknown as WasmBackend;
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.MaxPoolGradAttrs;
  const i = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  return withOutputs(b, [input.shape], 2 * i.inChannels, ([dx], s) => kernels!.maxPoolGrad(ptr(b, dx), ptr(b, input), ptr(b, dy), i.batchSize, i.inHeight, i.inWidth,
    i.inChannels, i.outHeight, i.outWidth, i.filterHeight, i.filterWidth, i.strideHeight, i.strideWidth, i.padInfo.top, i.padInfo.left, s))[0];
};

/**
 * An optimizer update: inputs w (the variable), g and the optimizer's slots (updated in place); output the new value.
 * `call` receives the pointers in the order of `slots` and the element count.
 */
const optimizerKernel = (slots: string[], call: (k: RnnWasm, p: Ptr[], n: number, attrs: Record<string, number>) => void): tf.KernelFunc =>
  ({ inputs, backend, attrs }) => {
    const b = backend as unknown as WasmBackend;
    const w = inputs.w as tf.TensorInfo;
    const out = b.makeOutput(w.shape, 'float32');
    const n = w.shape.reduce((a, d) => a * d, 1);
    call(kernels!, [w, inputs.g, ...slots.map((k) => inputs[k]), out].map((t) => ptr(b, t as tf.TensorInfo)), n, attrs as unknown as Record<string, number>);
    return out;
  };

const OPTIMIZER_KERNELS: Record<string, tf.KernelFunc> = {
  RnnSimdAdam: optimizerKernel(['m', 'v'], (k, [w, g, m, v, out], n, a) => k.adam(w, g, m, v, out, n, a.lr, a.b1, a.b2, a.eps, a.c1, a.c2)),
  RnnSimdRMSProp: optimizerKernel(['s', 'mu'], (k, [w, g, s, mu, out], n, a) => k.rmsprop(w, g, s, mu, out, n, a.lr, a.rho, a.kappa, a.eps)),
  RnnSimdMomentum: optimizerKernel(['a'], (k, [w, g, acc, out], n, a) => k.momentum(w, g, acc, out, n, a.lr, a.kappa)),
};

/**
 * Instantiates the kernels on the running wasm backend's memory and registers them. Returns false (and registers
 * nothing) where wasm SIMD is missing or the backend is not wasm.
 * @param bytes rnn.wasm
 */
export async function loadSimdKernels(bytes: BufferSource): Promise<boolean> {
  if (kernels) return true;
  const backend = tf.findBackend('wasm') as unknown as WasmBackend | undefined;
  const memory = backend?.wasm?.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory) || !WebAssembly.validate(bytes)) return false;
  const { instance } = await WebAssembly.instantiate(bytes, { env: { memory } });
  kernels = instance.exports as unknown as RnnWasm;
  tf.registerKernel({ kernelName: 'RnnSimdForward', backendName: 'wasm', kernelFunc: forward });
  tf.registerKernel({ kernelName: 'RnnSimdBackward', backendName: 'wasm', kernelFunc: backward });
  // Conv1D's and MaxPooling1D's kernels: they replace the stock Conv2D and setup.ts's gradients (matrix products
  // through TF.js's kernels, a JS max-pooling gradient), which stay where the module cannot run.
  const stockConv2D = tf.getKernel('Conv2D', 'wasm')!.kernelFunc;
  for (const [kernelName, kernelFunc] of Object.entries({ Conv2D: convForward(stockConv2D), Conv2DBackpropFilter: convFilterGrad, Conv2DBackpropInput: convInputGrad, MaxPoolGrad: maxPoolGrad })) {
    if (tf.getKernel(kernelName, 'wasm')) tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  }
  for (const [kernelName, kernelFunc] of Object.entries(OPTIMIZER_KERNELS)) tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  return true;
}

/** Can the SIMD kernels run now (wasm backend active and the module loaded)? */
export const simdReady = (): boolean => kernels !== null && tf.getBackend() === 'wasm';
