/**
 * AssemblyScript source of RNN Studio's recurrent kernels (WebAssembly SIMD), built by `npm run build:wasm` into
 * src/runtime/simd/rnn.wasm. The module imports TF.js's own wasm memory and works in place on tensors' heap
 * offsets: every pointer below is a byte offset into that memory, every array float32, row-major.
 *
 * One forward and one backward function per cell kind. Layouts (B batch, T steps, H units, k gate blocks,
 * s = processing step, tt = input time index: tt = s, or T − 1 − s with goBackwards):
 *   xp   [B·T, kH]  x̃·K, batch-major in input time order (`inputProjection`, before the loop)
 *   bias [kH] or 0;  R [H, kH];  mask [B·T] floats or 0;  recMask [B, H] or 0
 *   hAll [T, B, H]  h after each processing step;  cAll [T, B, H] (LSTM)
 *   save [T, B, W]  what the backward needs, W per kind (below)
 *   out  [B, T, H] (returnSequences, processing order as tfjs) or [B, H]
 *   h0, c0 [B, H]  the state before the first step, or 0 for zeros
 *   dhT, dcT [B, H]  ∂L/∂(final state) from outside the output (returnState), or 0;  dh0, dc0 [B, H]  ∂L/∂h0, ∂L/∂c0, or 0
 *   dZ   [B·T, kH]  ∂L/∂(x·K + b), same rows as xp, so ∂L/∂K = x̃ᵀ·dZ and ∂L/∂x = dZ·Kᵀ follow (`inputGrads`).
 * Equations: tfjs-layers 4.22 (shared/reference/rnn-math.md §2), masked steps carry the state over (§7).
 * Also Conv1D's convolution and gradients and MaxPooling1D's gradient (sections below), on the same matrix product.
 * No data segments, no allocation: the module only reads and writes the memory it is given.
 */

// ---------------------------------------------------------------------------------------------------------------
// Activations, vector and scalar. 0 linear, 1 tanh, 2 sigmoid, 3 relu, 4 hardSigmoid (tfjs: clip(0.2x + 0.5, 0, 1)).

const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const LOG2E: f32 = 1.44269504088896341;

/** e^x, Cephes expf polynomial (relative error ≈ 1e-7), inputs clamped to the normal range. */
// @ts-ignore: decorator
@inline function vexp(x0: v128): v128 {
  const x = f32x4.min(f32x4.max(x0, f32x4.splat(-87.0)), f32x4.splat(88.0));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(LOG2E)));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(n, f32x4.splat(LN2_HI))), f32x4.mul(n, f32x4.splat(LN2_LO)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  const y = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1.0));
  const pow2n = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(y, pow2n);
}

// @ts-ignore: decorator
@inline function vact(kind: i32, x: v128): v128 {
  const one = f32x4.splat(1.0);
  if (kind == 1) {
    // tanh x = 1 − 2 / (e^{2x} + 1), with x clamped where tanh is ±1 in float32
    const xc = f32x4.min(f32x4.max(x, f32x4.splat(-9.0)), f32x4.splat(9.0));
    return f32x4.sub(one, f32x4.div(f32x4.splat(2.0), f32x4.add(vexp(f32x4.add(xc, xc)), one)));
  }
  if (kind == 2) return f32x4.div(one, f32x4.add(one, vexp(f32x4.neg(x))));
  if (kind == 3) return f32x4.max(x, f32x4.splat(0.0));
  if (kind == 4) return f32x4.min(f32x4.max(f32x4.add(f32x4.mul(x, f32x4.splat(0.2)), f32x4.splat(0.5)), f32x4.splat(0.0)), one);
  return x;
}

// @ts-ignore: decorator
@inline function sact(kind: i32, x: f32): f32 {
  return f32x4.extract_lane(vact(kind, f32x4.splat(x)), 0);
}

/** φ′ written through the output y = φ(x) (as src/runtime/fused/activations.ts). */
// @ts-ignore: decorator
@inline function vdact(kind: i32, y: v128): v128 {
  const one = f32x4.splat(1.0);
  const zero = f32x4.splat(0.0);
  if (kind == 1) return f32x4.sub(one, f32x4.mul(y, y));
  if (kind == 2) return f32x4.mul(y, f32x4.sub(one, y));
  if (kind == 3) return v128.and(f32x4.gt(y, zero), one);
  if (kind == 4) return v128.and(v128.and(f32x4.gt(y, zero), f32x4.lt(y, one)), f32x4.splat(0.2));
  return one;
}

// @ts-ignore: decorator
@inline function sdact(kind: i32, y: f32): f32 {
  return f32x4.extract_lane(vdact(kind, f32x4.splat(y)), 0);
}

// ---------------------------------------------------------------------------------------------------------------
// Row helpers. n counts floats; pointers are byte offsets.

// @ts-ignore: decorator
@inline function at(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}

/** dst[0:n] = a[0:n] (+ b[0:n] when b ≠ 0). */
function copyAdd(dst: usize, a: usize, b: usize, n: i32): void {
  let i = 0;
  if (b) {
    for (; i + 4 <= n; i += 4) v128.store(at(dst, i), f32x4.add(v128.load(at(a, i)), v128.load(at(b, i))));
    for (; i < n; i++) store<f32>(at(dst, i), load<f32>(at(a, i)) + load<f32>(at(b, i)));
  } else {
    memory.copy(dst, a, <usize>n << 2);
  }
}

/**
 * z[0:n] += Σ_{k<K} h[k·hStep]·R_k[off:off+n], R_k = R + k·rStep floats (strides may be negative): one row of gemm.
 */
function gemv(z: usize, h: usize, hStep: i32, R: usize, rStep: i32, K: i32, off: i32, n: i32): void {
  const hB = <usize>(hStep << 2), rB = <usize>(rStep << 2);
  let j = 0;
  for (; j + 16 <= n; j += 16) {
    let a0 = v128.load(at(z, j)), a1 = v128.load(at(z, j + 4)), a2 = v128.load(at(z, j + 8)), a3 = v128.load(at(z, j + 12));
    let r = at(R, off + j), hp = h;
    for (let k = 0; k < K; k++) {
      const hk = v128.load32_splat(hp);
      a0 = f32x4.add(a0, f32x4.mul(hk, v128.load(r)));
      a1 = f32x4.add(a1, f32x4.mul(hk, v128.load(r, 16)));
      a2 = f32x4.add(a2, f32x4.mul(hk, v128.load(r, 32)));
      a3 = f32x4.add(a3, f32x4.mul(hk, v128.load(r, 48)));
      r += rB;
      hp += hB;
    }
    v128.store(at(z, j), a0); v128.store(at(z, j + 4), a1); v128.store(at(z, j + 8), a2); v128.store(at(z, j + 12), a3);
  }
  for (; j + 4 <= n; j += 4) {
    let a0 = v128.load(at(z, j));
    let r = at(R, off + j), hp = h;
    for (let k = 0; k < K; k++) {
      a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(hp), v128.load(r)));
      r += rB;
      hp += hB;
    }
    v128.store(at(z, j), a0);
  }
  for (; j < n; j++) {
    let a: f32 = load<f32>(at(z, j));
    let r = at(R, off + j), hp = h;
    for (let k = 0; k < K; k++) {
      a += load<f32>(hp) * load<f32>(r);
      r += rB;
      hp += hB;
    }
    store<f32>(at(z, j), a);
  }
}

/** Inner-dimension chunk of `gemm`: its packed panel holds KC values of four rows, each splatted to a vector. */
const KC = 256;
/** Float count of the panel, which `usePanel` places: 4·KC vectors of four floats. */
export const PANEL_FLOATS = 16 * KC;
let panel: usize = 0;

/** Where `gemm` packs its panel (PANEL_FLOATS floats); the caller sets it before every kernel call. */
export function usePanel(p: usize): void {
  panel = p;
}

/**
 * The one matrix product of the kernels: z_r[0:n] += Σ_{k<K} h_r[k·hStep]·R_k[off:off+n] for r < rows, where
 * z_r = z + r·zStride, h_r = h + r·hStride and R_k = R + k·rStep (floats; strides may be negative).
 * With hStep 1 and rStep the row length it is z += h·R (a step's recurrent product for the batch); with hStride 1
 * and hStep the row length of h it is z += hᵀ·R (a weight gradient, summed over k).
 * Four rows × eight columns stay in registers. The four rows' values are first packed, splatted, into the panel,
 * so that the inner loop is six loads at fixed offsets and eight multiply-adds per k, with no address arithmetic
 * but two pointer increments: the instruction count, not the arithmetic, bounds this loop.
 */
function gemm(z: usize, zStride: i32, h: usize, hStride: i32, hStep: i32, rows: i32, R: usize, rStep: i32, K: i32, off: i32, n: i32): void {
  const hB = <usize>(hStep << 2), rB = <usize>(rStep << 2);
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(KC, K - k0);
    const hc = at(h, k0 * hStep), Rc = at(R, k0 * rStep);
    let r = 0;
    for (; r + 4 <= rows; r += 4) {
      const h0 = at(hc, r * hStride), h1 = at(h0, hStride), h2 = at(h1, hStride), h3 = at(h2, hStride);
      let p = panel, o: usize = 0;
      for (let k = 0; k < kc; k++) {
        v128.store(p, v128.load32_splat(h0 + o)); v128.store(p, v128.load32_splat(h1 + o), 16);
        v128.store(p, v128.load32_splat(h2 + o), 32); v128.store(p, v128.load32_splat(h3 + o), 48);
        p += 64;
        o += hB;
      }
      const pEnd = panel + (<usize>kc << 6);
      const z0 = at(z, r * zStride), z1 = at(z0, zStride), z2 = at(z1, zStride), z3 = at(z2, zStride);
      let j = 0;
      for (; j + 8 <= n; j += 8) {
        let a0 = v128.load(at(z0, j)), b0 = v128.load(at(z0, j + 4));
        let a1 = v128.load(at(z1, j)), b1 = v128.load(at(z1, j + 4));
        let a2 = v128.load(at(z2, j)), b2 = v128.load(at(z2, j + 4));
        let a3 = v128.load(at(z3, j)), b3 = v128.load(at(z3, j + 4));
        let rp = at(Rc, off + j);
        for (let q = panel; q < pEnd; q += 64) {
          const ra = v128.load(rp), rb = v128.load(rp, 16);
          let hk = v128.load(q);
          a0 = f32x4.add(a0, f32x4.mul(hk, ra)); b0 = f32x4.add(b0, f32x4.mul(hk, rb));
          hk = v128.load(q, 16);
          a1 = f32x4.add(a1, f32x4.mul(hk, ra)); b1 = f32x4.add(b1, f32x4.mul(hk, rb));
          hk = v128.load(q, 32);
          a2 = f32x4.add(a2, f32x4.mul(hk, ra)); b2 = f32x4.add(b2, f32x4.mul(hk, rb));
          hk = v128.load(q, 48);
          a3 = f32x4.add(a3, f32x4.mul(hk, ra)); b3 = f32x4.add(b3, f32x4.mul(hk, rb));
          rp += rB;
        }
        v128.store(at(z0, j), a0); v128.store(at(z0, j + 4), b0);
        v128.store(at(z1, j), a1); v128.store(at(z1, j + 4), b1);
        v128.store(at(z2, j), a2); v128.store(at(z2, j + 4), b2);
        v128.store(at(z3, j), a3); v128.store(at(z3, j + 4), b3);
      }
      // Columns left over (n not a multiple of 8): one row at a time.
      if (j < n) {
        gemv(at(z0, j), h0, hStep, Rc, rStep, kc, off + j, n - j);
        gemv(at(z1, j), h1, hStep, Rc, rStep, kc, off + j, n - j);
        gemv(at(z2, j), h2, hStep, Rc, rStep, kc, off + j, n - j);
        gemv(at(z3, j), h3, hStep, Rc, rStep, kc, off + j, n - j);
      }
    }
    for (; r < rows; r++) gemv(at(z, r * zStride), at(hc, r * hStride), hStep, Rc, rStep, kc, off, n);
  }
}

/** z_r[0:n] += h_r[0:K]·R[:, off:off+n] for `rows` rows (R rows have N floats): one step's recurrent product. */
// @ts-ignore: decorator
@inline function gemmAdd(z: usize, zStride: i32, h: usize, hStride: i32, rows: i32, R: usize, K: i32, N: i32, off: i32, n: i32): void {
  gemm(z, zStride, h, hStride, 1, rows, R, N, K, off, n);
}

/**
 * out_r[0:K] = d_r[0:n]·R[:, off:off+n]ᵀ for `rows` rows (out contiguous [rows, K]; d_r = d + r·dStride floats),
 * read through Rt = Rᵀ [N, K] (`transpose`) so that it is a gemm over rows of Rt.
 */
function gemmNT(out: usize, d: usize, dStride: i32, rows: i32, Rt: usize, K: i32, off: i32, n: i32): void {
  zero(out, rows * K);
  gemm(out, K, d, dStride, 1, rows, at(Rt, off * K), K, n, 0, K);
}

/** dst [cols, rows] = srcᵀ (src [rows, cols]). */
function transpose(dst: usize, src: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) store<f32>(at(dst, c * rows + r), load<f32>(at(src, r * cols + c)));
  }
}

/** y[0:n] += a·x[0:n]. */
function axpy(y: usize, a: f32, x: usize, n: i32): void {
  const av = f32x4.splat(a);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(y, i), f32x4.add(v128.load(at(y, i)), f32x4.mul(av, v128.load(at(x, i)))));
  for (; i < n; i++) store<f32>(at(y, i), load<f32>(at(y, i)) + a * load<f32>(at(x, i)));
}

/**
 * dR[k, off + j] += Σ_r h_r[k]·d_r[j] (j < n) over `rows` rows (h_r = h + r·hStride, d_r = d + r·dStride floats; R rows have
 * N floats): one step's ∂L/∂R for the whole batch, as the gemm hᵀ·d.
 */
// @ts-ignore: decorator
@inline function outerBatch(dR: usize, h: usize, hStride: i32, d: usize, dStride: i32, rows: i32, K: i32, N: i32, off: i32, n: i32): void {
  gemm(at(dR, off), N, h, 1, hStride, K, d, dStride, rows, 0, n);
}

/** y = act(y) in place. */
function actRow(kind: i32, y: usize, n: i32): void {
  if (kind == 0) return;
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(y, i), vact(kind, v128.load(at(y, i))));
  for (; i < n; i++) store<f32>(at(y, i), sact(kind, load<f32>(at(y, i))));
}

/** dst = m·a + (1 − m)·prev, i.e. prev + m·(a − prev) (tfjs masked carry); m = 1 copies a. */
function carryRow(dst: usize, a: usize, prev: usize, m: f32, n: i32): void {
  if (m == 1) { memory.copy(dst, a, <usize>n << 2); return; }
  const mv = f32x4.splat(m);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const p = v128.load(at(prev, i));
    v128.store(at(dst, i), f32x4.add(p, f32x4.mul(mv, f32x4.sub(v128.load(at(a, i)), p))));
  }
  for (; i < n; i++) {
    const p = load<f32>(at(prev, i));
    store<f32>(at(dst, i), p + m * (load<f32>(at(a, i)) - p));
  }
}

/** dst = a ⊙ b. */
function mulRow(dst: usize, a: usize, b: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(dst, i), f32x4.mul(v128.load(at(a, i)), v128.load(at(b, i))));
  for (; i < n; i++) store<f32>(at(dst, i), load<f32>(at(a, i)) * load<f32>(at(b, i)));
}

/** y += x. */
function addRow(y: usize, x: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(y, i), f32x4.add(v128.load(at(y, i)), v128.load(at(x, i))));
  for (; i < n; i++) store<f32>(at(y, i), load<f32>(at(y, i)) + load<f32>(at(x, i)));
}

// ---------------------------------------------------------------------------------------------------------------
// Shared bookkeeping.

// @ts-ignore: decorator
@inline function inputStep(s: i32, T: i32, goBack: i32): i32 {
  return goBack ? T - 1 - s : s;
}

// @ts-ignore: decorator
@inline function maskAt(mask: usize, b: i32, T: i32, tt: i32): f32 {
  return mask ? load<f32>(at(mask, b * T + tt)) : 1;
}

/** Writes h_s into the output: [B, T, H] row (b, s) with returnSequences, else [B, H] at the last step. */
function writeOut(out: usize, h: usize, b: i32, s: i32, T: i32, H: i32, retSeq: i32): void {
  if (retSeq) memory.copy(at(out, (b * T + s) * H), h, <usize>H << 2);
  else if (s == T - 1) memory.copy(at(out, b * H), h, <usize>H << 2);
}

/**
 * ∂L/∂h_s for example b = what the output at step s receives + what flowed back from step s + 1 (dhNext row).
 * Written into dh (H floats).
 */
function incoming(dh: usize, dy: usize, dhNext: usize, b: i32, s: i32, T: i32, H: i32, retSeq: i32): void {
  if (retSeq) copyAdd(dh, at(dy, (b * T + s) * H), dhNext, H);
  else if (s == T - 1) copyAdd(dh, at(dy, b * H), dhNext, H);
  else memory.copy(dh, dhNext, <usize>H << 2);
}

/** Zeroes n floats. */
// @ts-ignore: decorator
@inline function zero(p: usize, n: i32): void {
  memory.fill(p, 0, <usize>n << 2);
}

/** dst[0:n] = src[0:n], or zeros when src is 0. */
function copyOrZero(dst: usize, src: usize, n: i32): void {
  if (src) memory.copy(dst, src, <usize>n << 2); else zero(dst, n);
}

/** Example b's row of an initial state [B, H] (h0 or c0), or the zero row when there is none. */
// @ts-ignore: decorator
@inline function initial(s0: usize, zeroRow: usize, b: i32, H: i32): usize {
  return s0 ? at(s0, b * H) : zeroRow;
}

/** Σ over rows of dZ into db (kH). */
function columnSums(db: usize, dZ: usize, rows: i32, n: i32): void {
  zero(db, n);
  for (let r = 0; r < rows; r++) addRow(db, at(dZ, r * n), n);
}

/**
 * ∂L/∂R[:, off:off+n] += Σ_s Σ_b a_{s,b}ᵀ·dZ_{b,tt(s)}[off:off+n] after the time loop, a_{s,b} = the H floats at
 * save + (s·B + b)·W + aOff (h̃ or u of step s): one gemm per example over its T steps, so that the sums stay in
 * registers for T rows rather than for one step's B.
 */
function recurrentGrad(dR: usize, save: usize, W: i32, aOff: i32, dZ: usize, B: i32, T: i32, H: i32, N: i32, goBack: i32, off: i32, n: i32): void {
  const tt0 = goBack ? T - 1 : 0;
  const dStep = goBack ? -N : N;
  for (let b = 0; b < B; b++) gemm(at(dR, off), N, at(save, b * W + aOff), 1, B * W, H, at(dZ, (b * T + tt0) * N + off), dStep, T, 0, n);
}

/** xp [rows, N] = x̃ [rows, E]·K [E, N]: the input part of every step's pre-activations, before the time loop. */
export function inputProjection(xp: usize, x: usize, E: i32, K: usize, rows: i32, N: i32): void {
  zero(xp, rows * N);
  gemm(xp, N, x, E, 1, rows, K, N, E, 0, N);
}

/**
 * After the time loop, the input's gradients from dZ [rows, N] = ∂L/∂(x̃·K + b): ∂L/∂x̃ [rows, E] = dZ·Kᵀ (through
 * Kt = Kᵀ, E·N floats of scratch) and ∂L/∂K [E, N] = x̃ᵀ·dZ over the first kRows rows (0: zeros, when K's gradient
 * is not wanted); gemm takes the rows KC at a time, so a [KC, N] block of dZ stays in cache for all of ∂L/∂K.
 */
export function inputGrads(dX: usize, dK: usize, x: usize, K: usize, Kt: usize, dZ: usize, rows: i32, E: i32, N: i32, kRows: i32): void {
  transpose(Kt, K, E, N);
  zero(dX, rows * E);
  gemm(dX, E, dZ, N, 1, rows, Kt, E, N, 0, E);
  zero(dK, E * N);
  gemm(dK, N, x, 1, E, E, dZ, N, kRows, 0, N);
}

// ---------------------------------------------------------------------------------------------------------------
// Convolution and its gradients (Conv1D runs as a conv2d of height 1), NHWC, on an input already padded: xp [N, Hp, Wp, I]
// (the padding's zeros written in), dy [N, OH, OW, O], filter W [FH, FW, I, O], strides sh, sw, no dilation.
// Output pixel (n, y, x) reads xp rows y·sh + r, columns x·sw + c. For one (n, y, r) the windows' taps of filter row r
// are FW·I consecutive floats of xp, the windows sw·I floats apart: the im2col matrix of that row is xp read with
// row stride sw·I, so each product below is a gemm on the tensors themselves, with no im2col copy.

/** The convolution itself, out [N, OH, OW, O] = Σ_r (rows of xp read as windows)·W_r, per (n, y, r). */
export function convForward(out: usize, xp: usize, W: usize, N: i32, Hp: i32, Wp: i32, I: i32, OH: i32, OW: i32, O: i32, FH: i32, FW: i32, sh: i32, sw: i32): void {
  const K = FW * I;
  zero(out, N * OH * OW * O);
  for (let n = 0; n < N; n++)
    for (let y = 0; y < OH; y++)
      for (let r = 0; r < FH; r++)
        gemm(at(out, (n * OH + y) * OW * O), O, at(xp, ((n * Hp + y * sh + r) * Wp) * I), sw * I, 1, OW, at(W, r * K * O), O, K, 0, O);
}

/** ∂L/∂W [FH, FW, I, O] = Σ_{n,y} Σ_x windowᵀ·dY: per (r, n, y), dW_r += colᵀ·dY_{n,y}, col [OW, FW·I]. */
export function convFilterGrad(dW: usize, xp: usize, dy: usize, N: i32, Hp: i32, Wp: i32, I: i32, OH: i32, OW: i32, O: i32, FH: i32, FW: i32, sh: i32, sw: i32): void {
  const K = FW * I;
  zero(dW, FH * K * O);
  for (let r = 0; r < FH; r++)
    for (let n = 0; n < N; n++)
      for (let y = 0; y < OH; y++)
        gemm(at(dW, r * K * O), O, at(xp, ((n * Hp + y * sh + r) * Wp) * I), 1, sw * I, K, at(dy, (n * OH + y) * OW * O), O, OW, 0, O);
}

/**
 * ∂L/∂xp [N, Hp, Wp, I] (padded like xp; the caller crops it): per tap (r, c) and (n, y), the rows x of dY·W_{r,c}ᵀ
 * are added at xp columns x·sw + c (sw·I floats apart, so a gemm's rows never overlap). Wt: FH·FW·O·I floats of
 * scratch for the taps' transposes W_{r,c}ᵀ [O, I].
 */
export function convInputGrad(dXp: usize, dy: usize, W: usize, Wt: usize, N: i32, Hp: i32, Wp: i32, I: i32, OH: i32, OW: i32, O: i32, FH: i32, FW: i32, sh: i32, sw: i32): void {
  const taps = FH * FW;
  for (let t = 0; t < taps; t++) transpose(at(Wt, t * O * I), at(W, t * I * O), I, O);
  zero(dXp, N * Hp * Wp * I);
  for (let n = 0; n < N; n++)
    for (let y = 0; y < OH; y++)
      for (let r = 0; r < FH; r++)
        for (let c = 0; c < FW; c++)
          gemm(at(dXp, ((n * Hp + y * sh + r) * Wp + c) * I), sw * I, at(dy, (n * OH + y) * OW * O), O, 1, OW, at(Wt, (r * FW + c) * O * I), I, O, 0, I);
}

/**
 * The gradient of a max pooling (NHWC, no dilation): each window's dY goes to the first of its largest inputs, taps in
 * row-major order (tfjs-backend-cpu's maxPoolPositions and PyTorch choose the same one); windows may overlap. Window
 * (y, x) covers rows y·sh − top + [0, FH) and columns x·sw − left + [0, FW), clipped to the input. scratch: C floats
 * (the largest value so far per channel) and C ints (where it is).
 */
export function maxPoolGrad(dx: usize, x: usize, dy: usize, N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, FH: i32, FW: i32, sh: i32, sw: i32, top: i32, left: i32, scratch: usize): void {
  const best = scratch, where = at(scratch, C);
  zero(dx, N * H * W * C);
  for (let n = 0; n < N; n++)
    for (let y = 0; y < OH; y++)
      for (let xo = 0; xo < OW; xo++) {
        for (let d = 0; d < C; d++) {
          store<f32>(at(best, d), -Infinity);
          store<i32>(at(where, d), -1);
        }
        const r1 = min(H, y * sh - top + FH), c1 = min(W, xo * sw - left + FW);
        for (let r = max(0, y * sh - top); r < r1; r++)
          for (let c = max(0, xo * sw - left); c < c1; c++) {
            const i0 = ((n * H + r) * W + c) * C;
            for (let d = 0; d < C; d++) {
              const v = load<f32>(at(x, i0 + d));
              if (v > load<f32>(at(best, d))) {
                store<f32>(at(best, d), v);
                store<i32>(at(where, d), i0 + d);
              }
            }
          }
        const o = ((n * OH + y) * OW + xo) * C;
        for (let d = 0; d < C; d++) {
          const i = load<i32>(at(where, d));
          if (i >= 0) store<f32>(at(dx, i), load<f32>(at(dx, i)) + load<f32>(at(dy, o + d)));
        }
      }
}

// ---------------------------------------------------------------------------------------------------------------
// SimpleRNN:  a = x·K + b + h̃·R,  ĥ = φ(a),  h = masked carry.   save W = 3H: [ĥ | h̃ | a].

export function simpleForward(
  xp: usize, bias: usize, R: usize, mask: usize, recMask: usize, h0: usize, B: i32, T: i32, H: i32, goBack: i32, act: i32,
  save: usize, hAll: usize, out: usize, retSeq: i32, scratch: usize,
): void {
  const W = 3 * H;
  const zeroRow = scratch; // H zeros: h_{−1} without h0
  zero(zeroRow, H);
  for (let s = 0; s < T; s++) {
    const tt = inputStep(s, T, goBack);
    for (let b = 0; b < B; b++) {
      const hPrev = s > 0 ? at(hAll, ((s - 1) * B + b) * H) : initial(h0, zeroRow, b, H);
      const row = at(save, (s * B + b) * W);
      if (recMask) mulRow(at(row, H), hPrev, at(recMask, b * H), H); else memory.copy(at(row, H), hPrev, <usize>H << 2);
      copyAdd(row, at(xp, (b * T + tt) * H), bias, H);
    }
    gemmAdd(at(save, s * B * W), W, at(save, s * B * W + H), W, B, R, H, H, 0, H);
    for (let b = 0; b < B; b++) {
      const hPrev = s > 0 ? at(hAll, ((s - 1) * B + b) * H) : initial(h0, zeroRow, b, H);
      const row = at(save, (s * B + b) * W);
      const hHat = row;
      memory.copy(at(row, 2 * H), hHat, <usize>H << 2);
      actRow(act, hHat, H);
      const h = at(hAll, (s * B + b) * H);
      carryRow(h, hHat, hPrev, maskAt(mask, b, T, tt), H);
      writeOut(out, h, b, s, T, H, retSeq);
    }
  }
}

export function simpleBackward(
  dy: usize, retSeq: i32, save: usize, R: usize, mask: usize, recMask: usize, dhT: usize, dh0: usize, B: i32, T: i32, H: i32, goBack: i32,
  act: i32, dZ: usize, dR: usize, db: usize, dHout: usize, weightGrads: i32, scratch: usize,
): void {
  const W = 3 * H;
  const dhNext = scratch; // [B, H]
  const dhAll = at(scratch, B * H); // [B, H] ∂L/∂h_s of every example
  const Rt = at(scratch, 6 * B * H); // [H, H] Rᵀ
  transpose(Rt, R, H, H);
  copyOrZero(dhNext, dhT, B * H);
  zero(dR, H * H);
  for (let s = T - 1; s >= 0; s--) {
    const tt = inputStep(s, T, goBack);
    for (let b = 0; b < B; b++) {
      const hHat = at(save, (s * B + b) * W);
      const dh = at(dhAll, b * H);
      incoming(dh, dy, at(dhNext, b * H), b, s, T, H, retSeq);
      if (dHout) memory.copy(at(dHout, (s * B + b) * H), dh, <usize>H << 2);
      const m = maskAt(mask, b, T, tt);
      // da = m·∂L/∂h ⊙ φ′(ĥ)
      const da = at(dZ, (b * T + tt) * H);
      let i = 0;
      const mv = f32x4.splat(m);
      for (; i + 4 <= H; i += 4) v128.store(at(da, i), f32x4.mul(f32x4.mul(v128.load(at(dh, i)), mv), vdact(act, v128.load(at(hHat, i)))));
      for (; i < H; i++) store<f32>(at(da, i), load<f32>(at(dh, i)) * m * sdact(act, load<f32>(at(hHat, i))));
    }
    // ∂L/∂h_{s−1} = (da·Rᵀ) ⊙ recMask + (1 − m)·∂L/∂h, the product for the whole batch at once
    gemmNT(dhNext, at(dZ, tt * H), T * H, B, Rt, H, 0, H);
    carryBack(dhNext, dhAll, recMask, mask, B, T, H, tt);
  }
  if (dh0) memory.copy(dh0, dhNext, <usize>(B * H) << 2);
  // ∂L/∂R = Σ h̃ᵀ·da (h̃ at save offset H)
  if (weightGrads) recurrentGrad(dR, save, W, H, dZ, B, T, H, H, goBack, 0, H);
  if (db) columnSums(db, dZ, B * T, H);
}

/** next_b ← next_b ⊙ recMask_b + (1 − m_b)·dh_b for every example: the state gradient that skips the cell. */
function carryBack(next: usize, dh: usize, recMask: usize, mask: usize, B: i32, T: i32, H: i32, tt: i32): void {
  for (let b = 0; b < B; b++) {
    const nb = at(next, b * H);
    if (recMask) mulRow(nb, nb, at(recMask, b * H), H);
    const m = maskAt(mask, b, T, tt);
    if (m != 1) axpy(nb, 1 - m, at(dh, b * H), H);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// LSTM, gate blocks i, f, c̃, o:  z = x·K + b + h̃·R;  ĉ = f⊙c + i⊙g;  ĥ = o⊙φ(ĉ).
// save W = 7H: [i | f | g | o | c_{s−1} | φ(ĉ) | h̃].

export function lstmForward(
  xp: usize, bias: usize, R: usize, mask: usize, recMask: usize, h0: usize, c0: usize, B: i32, T: i32, H: i32, goBack: i32, act: i32,
  recAct: i32, save: usize, hAll: usize, cAll: usize, out: usize, retSeq: i32, scratch: usize,
): void {
  const W = 7 * H, N = 4 * H;
  const zeroRow = scratch; // [H] zeros
  const hHat = at(scratch, H); // [H]
  const cHat = at(scratch, 2 * H); // [H]
  zero(zeroRow, H);
  for (let s = 0; s < T; s++) {
    const tt = inputStep(s, T, goBack);
    for (let b = 0; b < B; b++) {
      const hPrev = s > 0 ? at(hAll, ((s - 1) * B + b) * H) : initial(h0, zeroRow, b, H);
      const cPrev = s > 0 ? at(cAll, ((s - 1) * B + b) * H) : initial(c0, zeroRow, b, H);
      const row = at(save, (s * B + b) * W);
      const hd = at(row, 6 * H);
      if (recMask) mulRow(hd, hPrev, at(recMask, b * H), H); else memory.copy(hd, hPrev, <usize>H << 2);
      memory.copy(at(row, 4 * H), cPrev, <usize>H << 2);
      copyAdd(row, at(xp, (b * T + tt) * N), bias, N);
    }
    gemmAdd(at(save, s * B * W), W, at(save, s * B * W + 6 * H), W, B, R, H, N, 0, N);
    for (let b = 0; b < B; b++) {
      const hPrev = s > 0 ? at(hAll, ((s - 1) * B + b) * H) : initial(h0, zeroRow, b, H);
      const cPrev = s > 0 ? at(cAll, ((s - 1) * B + b) * H) : initial(c0, zeroRow, b, H);
      const row = at(save, (s * B + b) * W);
      const z = row; // i f g o, activated in place
      const pc = at(row, 5 * H);
      actRow(recAct, z, 2 * H);
      actRow(act, at(z, 2 * H), H);
      actRow(recAct, at(z, 3 * H), H);
      const gi = z, gf = at(z, H), gg = at(z, 2 * H), go = at(z, 3 * H);
      let i = 0;
      for (; i + 4 <= H; i += 4) {
        const c = f32x4.add(f32x4.mul(v128.load(at(gf, i)), v128.load(at(cPrev, i))), f32x4.mul(v128.load(at(gi, i)), v128.load(at(gg, i))));
        v128.store(at(cHat, i), c);
        const p = vact(act, c);
        v128.store(at(pc, i), p);
        v128.store(at(hHat, i), f32x4.mul(v128.load(at(go, i)), p));
      }
      for (; i < H; i++) {
        const c = load<f32>(at(gf, i)) * load<f32>(at(cPrev, i)) + load<f32>(at(gi, i)) * load<f32>(at(gg, i));
        store<f32>(at(cHat, i), c);
        const p = sact(act, c);
        store<f32>(at(pc, i), p);
        store<f32>(at(hHat, i), load<f32>(at(go, i)) * p);
      }
      const m = maskAt(mask, b, T, tt);
      const h = at(hAll, (s * B + b) * H);
      carryRow(h, hHat, hPrev, m, H);
      carryRow(at(cAll, (s * B + b) * H), cHat, cPrev, m, H);
      writeOut(out, h, b, s, T, H, retSeq);
    }
  }
}

export function lstmBackward(
  dy: usize, retSeq: i32, save: usize, R: usize, mask: usize, recMask: usize, dhT: usize, dcT: usize, dh0: usize, dc0: usize, B: i32, T: i32, H: i32, goBack: i32,
  act: i32, recAct: i32, dZ: usize, dR: usize, db: usize, dHout: usize, weightGrads: i32, scratch: usize,
): void {
  const W = 7 * H, N = 4 * H;
  const dhNext = scratch; // [B, H]
  const dcNext = at(scratch, B * H); // [B, H]
  const dhAll = at(scratch, 2 * B * H); // [B, H] ∂L/∂h_s of every example
  const Rt = at(scratch, 6 * B * H); // [4H, H] Rᵀ
  transpose(Rt, R, H, N);
  copyOrZero(dhNext, dhT, B * H);
  copyOrZero(dcNext, dcT, B * H);
  zero(dR, H * N);
  for (let s = T - 1; s >= 0; s--) {
    const tt = inputStep(s, T, goBack);
    for (let b = 0; b < B; b++) {
      const row = at(save, (s * B + b) * W);
      const gi = row, gf = at(row, H), gg = at(row, 2 * H), go = at(row, 3 * H);
      const cp = at(row, 4 * H), pc = at(row, 5 * H), hd = at(row, 6 * H);
      const nextH = at(dhNext, b * H), nextC = at(dcNext, b * H);
      const dh = at(dhAll, b * H);
      incoming(dh, dy, nextH, b, s, T, H, retSeq);
      if (dHout) memory.copy(at(dHout, (s * B + b) * H), dh, <usize>H << 2);
      const m = maskAt(mask, b, T, tt);
      const dz = at(dZ, (b * T + tt) * N);
      const mv = f32x4.splat(m), keep = f32x4.splat(1 - m);
      let i = 0;
      for (; i + 4 <= H; i += 4) {
        const dH = v128.load(at(dh, i)), dC = v128.load(at(nextC, i));
        const dhHat = f32x4.mul(dH, mv);
        const o = v128.load(at(go, i)), p = v128.load(at(pc, i));
        const ig = v128.load(at(gi, i)), fg = v128.load(at(gf, i)), g = v128.load(at(gg, i));
        // ∂L/∂ĉ = m·∂L/∂c + m·∂L/∂h ⊙ o ⊙ φ′(ĉ)
        const dcHat = f32x4.add(f32x4.mul(dhHat, f32x4.mul(o, vdact(act, p))), f32x4.mul(dC, mv));
        v128.store(at(dz, i), f32x4.mul(f32x4.mul(dcHat, g), vdact(recAct, ig)));
        v128.store(at(dz, H + i), f32x4.mul(f32x4.mul(dcHat, v128.load(at(cp, i))), vdact(recAct, fg)));
        v128.store(at(dz, 2 * H + i), f32x4.mul(f32x4.mul(dcHat, ig), vdact(act, g)));
        v128.store(at(dz, 3 * H + i), f32x4.mul(f32x4.mul(dhHat, p), vdact(recAct, o)));
        // ∂L/∂c_{s−1} = ∂L/∂ĉ ⊙ f + (1 − m)·∂L/∂c
        v128.store(at(nextC, i), f32x4.add(f32x4.mul(dcHat, fg), f32x4.mul(dC, keep)));
      }
      for (; i < H; i++) {
        const dH = load<f32>(at(dh, i)), dC = load<f32>(at(nextC, i));
        const dhHat = dH * m;
        const o = load<f32>(at(go, i)), p = load<f32>(at(pc, i));
        const ig = load<f32>(at(gi, i)), fg = load<f32>(at(gf, i)), g = load<f32>(at(gg, i));
        const dcHat = dhHat * o * sdact(act, p) + dC * m;
        store<f32>(at(dz, i), dcHat * g * sdact(recAct, ig));
        store<f32>(at(dz, H + i), dcHat * load<f32>(at(cp, i)) * sdact(recAct, fg));
        store<f32>(at(dz, 2 * H + i), dcHat * ig * sdact(act, g));
        store<f32>(at(dz, 3 * H + i), dhHat * p * sdact(recAct, o));
        store<f32>(at(nextC, i), dcHat * fg + dC * (1 - m));
      }
    }
    // ∂L/∂h_{s−1} = (dz·Rᵀ) ⊙ recMask + (1 − m)·∂L/∂h, the product for the whole batch at once
    gemmNT(dhNext, at(dZ, tt * N), T * N, B, Rt, H, 0, N);
    carryBack(dhNext, dhAll, recMask, mask, B, T, H, tt);
  }
  if (dh0) memory.copy(dh0, dhNext, <usize>(B * H) << 2);
  if (dc0) memory.copy(dc0, dcNext, <usize>(B * H) << 2);
  if (weightGrads) recurrentGrad(dR, save, W, 6 * H, dZ, B, T, H, N, goBack, 0, N);
  if (db) columnSums(db, dZ, B * T, N);
}

// ---------------------------------------------------------------------------------------------------------------
// GRU. Gate blocks z, r, h. h̃ = h ⊙ recMask (tfjs uses the dropped h̃ everywhere in the cell, the blend included).
//   reset-before (tfjs): [z, r] = σ(xp_zr + h̃·R_zr);  ȟ = φ(xp_h + (r ⊙ h̃)·R_h)
//   reset-after (Keras/PyTorch): a_r = h̃·R + b_rec;  [z, r] = σ(xp_zr + a_r[zr]);  ȟ = φ(xp_h + r ⊙ a_r[h])
//   ĥ = z ⊙ h̃ + (1 − z) ⊙ ȟ
// save W = 5H: [z | r | ȟ | h̃ | u], u = r ⊙ h̃ (before) or a_r[h] (after).

export function gruForward(
  xp: usize, bias: usize, recBias: usize, R: usize, mask: usize, recMask: usize, h0: usize, B: i32, T: i32, H: i32, goBack: i32,
  act: i32, recAct: i32, resetAfter: i32, save: usize, hAll: usize, out: usize, retSeq: i32, scratch: usize,
): void {
  const W = 5 * H, N = 3 * H;
  const zeroRow = scratch; // [H]
  const hHat = at(scratch, H); // [H]
  const arAll = at(scratch, 2 * H); // [B, 3H] recurrent pre-activations h̃·R + b_rec (reset-after)
  zero(zeroRow, H);
  for (let s = 0; s < T; s++) {
    const tt = inputStep(s, T, goBack);
    const base = at(save, s * B * W);
    // Per example: h̃ and the input part of the pre-activations; then the recurrent products for the whole batch.
    for (let b = 0; b < B; b++) {
      const hPrev = s > 0 ? at(hAll, ((s - 1) * B + b) * H) : initial(h0, zeroRow, b, H);
      const row = at(save, (s * B + b) * W);
      const hd = at(row, 3 * H);
      if (recMask) mulRow(hd, hPrev, at(recMask, b * H), H); else memory.copy(hd, hPrev, <usize>H << 2);
      copyAdd(row, at(xp, (b * T + tt) * N), bias, N); // z r h pre-activations (input part)
      if (resetAfter) {
        if (recBias) memory.copy(at(arAll, b * N), recBias, <usize>N << 2); else zero(at(arAll, b * N), N);
      }
    }
    if (resetAfter) gemmAdd(arAll, N, at(base, 3 * H), W, B, R, H, N, 0, N);
    else gemmAdd(base, W, at(base, 3 * H), W, B, R, H, N, 0, 2 * H); // R_zr = R[:, 0:2H]
    for (let b = 0; b < B; b++) {
      const row = at(save, (s * B + b) * W);
      const gz = row, gr = at(row, H), gh = at(row, 2 * H), hd = at(row, 3 * H), u = at(row, 4 * H);
      if (resetAfter) {
        const ar = at(arAll, b * N);
        addRow(gz, ar, 2 * H);
        actRow(recAct, gz, 2 * H);
        memory.copy(u, at(ar, 2 * H), <usize>H << 2);
        let i = 0;
        for (; i + 4 <= H; i += 4) v128.store(at(gh, i), f32x4.add(v128.load(at(gh, i)), f32x4.mul(v128.load(at(gr, i)), v128.load(at(u, i)))));
        for (; i < H; i++) store<f32>(at(gh, i), load<f32>(at(gh, i)) + load<f32>(at(gr, i)) * load<f32>(at(u, i)));
      } else {
        actRow(recAct, gz, 2 * H);
        mulRow(u, gr, hd, H);
      }
    }
    if (!resetAfter) gemmAdd(at(base, 2 * H), W, at(base, 4 * H), W, B, R, H, N, 2 * H, H); // ȟ += (r ⊙ h̃)·R_h
    for (let b = 0; b < B; b++) {
      const hPrev = s > 0 ? at(hAll, ((s - 1) * B + b) * H) : initial(h0, zeroRow, b, H);
      const row = at(save, (s * B + b) * W);
      const gz = row, gh = at(row, 2 * H), hd = at(row, 3 * H);
      actRow(act, gh, H);
      let i = 0;
      for (; i + 4 <= H; i += 4) {
        const hh = v128.load(at(gh, i));
        v128.store(at(hHat, i), f32x4.add(hh, f32x4.mul(v128.load(at(gz, i)), f32x4.sub(v128.load(at(hd, i)), hh))));
      }
      for (; i < H; i++) {
        const hh = load<f32>(at(gh, i));
        store<f32>(at(hHat, i), hh + load<f32>(at(gz, i)) * (load<f32>(at(hd, i)) - hh));
      }
      const h = at(hAll, (s * B + b) * H);
      carryRow(h, hHat, hPrev, maskAt(mask, b, T, tt), H);
      writeOut(out, h, b, s, T, H, retSeq);
    }
  }
}

export function gruBackward(
  dy: usize, retSeq: i32, save: usize, R: usize, mask: usize, recMask: usize, dhT: usize, dh0: usize, B: i32, T: i32, H: i32, goBack: i32,
  act: i32, recAct: i32, resetAfter: i32, dZ: usize, dR: usize, db: usize, dRecBias: usize, dHout: usize,
  weightGrads: i32, scratch: usize,
): void {
  const W = 5 * H, N = 3 * H;
  // [B, H] each: what flows to step s − 1 (∂L/∂h̃ until carryBack turns it into ∂L/∂h_{s−1}); ∂L/∂h_s; ∂L/∂u.
  const dhNext = scratch, dhAll = at(scratch, B * H), dUAll = at(scratch, 2 * B * H);
  const dArAll = at(scratch, 3 * B * H); // [B, 3H] ∂L/∂a_r of every example (reset-after)
  const Rt = at(scratch, 6 * B * H); // [3H, H] Rᵀ
  transpose(Rt, R, H, N);
  copyOrZero(dhNext, dhT, B * H);
  zero(dR, H * N);
  if (dRecBias) zero(dRecBias, N);
  for (let s = T - 1; s >= 0; s--) {
    const tt = inputStep(s, T, goBack);
    const base = at(save, s * B * W);
    const dzStep = at(dZ, tt * N); // row b of this step's dZ at dzStep + b·T·N floats
    // Per example, the elementwise part: ĥ = ȟ + z ⊙ (h̃ − ȟ):  ∂ĥ/∂a_z = σ′(z)(h̃ − ȟ),  ∂ĥ/∂a_h = (1 − z)φ′(ȟ),
    // ∂ĥ/∂h̃ (direct) = z, written into dhNext.
    for (let b = 0; b < B; b++) {
      const row = at(base, b * W);
      const gz = row, gr = at(row, H), gh = at(row, 2 * H), hd = at(row, 3 * H), u = at(row, 4 * H);
      const dh = at(dhAll, b * H), dhd = at(dhNext, b * H);
      incoming(dh, dy, dhd, b, s, T, H, retSeq);
      if (dHout) memory.copy(at(dHout, (s * B + b) * H), dh, <usize>H << 2);
      const m = maskAt(mask, b, T, tt);
      const dz = at(dzStep, b * T * N);
      const daz = dz, dar = at(dz, H), dah = at(dz, 2 * H);
      const mv = f32x4.splat(m), one = f32x4.splat(1);
      let i = 0;
      for (; i + 4 <= H; i += 4) {
        const d = f32x4.mul(v128.load(at(dh, i)), mv);
        const z = v128.load(at(gz, i)), hh = v128.load(at(gh, i)), hp = v128.load(at(hd, i));
        v128.store(at(daz, i), f32x4.mul(d, f32x4.mul(vdact(recAct, z), f32x4.sub(hp, hh))));
        v128.store(at(dah, i), f32x4.mul(d, f32x4.mul(f32x4.sub(one, z), vdact(act, hh))));
        v128.store(at(dhd, i), f32x4.mul(d, z));
      }
      for (; i < H; i++) {
        const d = load<f32>(at(dh, i)) * m;
        const z = load<f32>(at(gz, i)), hh = load<f32>(at(gh, i)), hp = load<f32>(at(hd, i));
        store<f32>(at(daz, i), d * sdact(recAct, z) * (hp - hh));
        store<f32>(at(dah, i), d * (1 - z) * sdact(act, hh));
        store<f32>(at(dhd, i), d * z);
      }
      if (resetAfter) {
        // ȟ pre-activation = xp_h + r ⊙ u:  ∂/∂r = dah ⊙ u → dar = that ⊙ σ′(r);  ∂L/∂a_r[h] = dah ⊙ r;
        // ∂L/∂a_r[zr] = ∂L/∂a_zr
        const dAr = at(dArAll, b * N);
        for (i = 0; i < H; i++) {
          const r = load<f32>(at(gr, i));
          const dahi = load<f32>(at(dah, i));
          store<f32>(at(dar, i), dahi * load<f32>(at(u, i)) * sdact(recAct, r));
          store<f32>(at(dAr, 2 * H + i), dahi * r);
        }
        memory.copy(dAr, daz, <usize>(2 * H) << 2);
        if (weightGrads && dRecBias) addRow(dRecBias, dAr, N);
      }
    }
    // The recurrent products for the whole batch at once.
    if (resetAfter) {
      // ∂L/∂h̃ += dAr·Rᵀ
      gemmNT(dUAll, dArAll, N, B, Rt, H, 0, N);
      addRow(dhNext, dUAll, B * H);
    } else {
      // u = r ⊙ h̃:  ∂L/∂u = dah·R_hᵀ;  dar = ∂L/∂u ⊙ h̃ ⊙ σ′(r);  ∂L/∂h̃ += ∂L/∂u ⊙ r + dzr·R_zrᵀ
      gemmNT(dUAll, at(dzStep, 2 * H), T * N, B, Rt, H, 2 * H, H);
      for (let b = 0; b < B; b++) {
        const row = at(base, b * W);
        const gr = at(row, H), hd = at(row, 3 * H);
        const dU = at(dUAll, b * H), dhd = at(dhNext, b * H), dar = at(dzStep, b * T * N + H);
        for (let i = 0; i < H; i++) {
          const du = load<f32>(at(dU, i));
          const r = load<f32>(at(gr, i));
          store<f32>(at(dar, i), du * load<f32>(at(hd, i)) * sdact(recAct, r));
          store<f32>(at(dhd, i), load<f32>(at(dhd, i)) + du * r);
        }
      }
      gemmNT(dUAll, dzStep, T * N, B, Rt, H, 0, 2 * H);
      addRow(dhNext, dUAll, B * H);
    }
    // ∂L/∂h_{s−1} = ∂L/∂h̃ ⊙ recMask + (1 − m)·∂L/∂h
    carryBack(dhNext, dhAll, recMask, mask, B, T, H, tt);
    // ∂L/∂R: reset-after, from this step's ∂L/∂a_r (kept for one step only); reset-before, after the loop
    if (weightGrads && resetAfter) outerBatch(dR, at(base, 3 * H), W, dArAll, N, B, H, N, 0, N);
  }
  if (dh0) memory.copy(dh0, dhNext, <usize>(B * H) << 2);
  if (weightGrads && !resetAfter) {
    recurrentGrad(dR, save, W, 3 * H, dZ, B, T, H, N, goBack, 0, 2 * H);
    recurrentGrad(dR, save, W, 4 * H, dZ, B, T, H, N, goBack, 2 * H, H);
  }
  if (db) columnSums(db, dZ, B * T, N);
}

// ---------------------------------------------------------------------------------------------------------------
// Optimizer updates, one call per variable, exactly as tfjs-core 4.22 computes them (float32). The slots (moments)
// are updated in place; the new value goes to `out` (the variable is then re-pointed at it).

/** Adam: m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  w ← w − lr·(m/c₁)/(√(v/c₂) + ε), c = 1 − β^t. */
export function adam(w: usize, g: usize, m: usize, v: usize, out: usize, n: i32, lr: f32, b1: f32, b2: f32, eps: f32, c1: f32, c2: f32): void {
  const vb1 = f32x4.splat(b1), va1 = f32x4.splat(1 - b1), vb2 = f32x4.splat(b2), va2 = f32x4.splat(1 - b2);
  const vc1 = f32x4.splat(c1), vc2 = f32x4.splat(c2), veps = f32x4.splat(eps), vlr = f32x4.splat(-lr);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const gi = v128.load(at(g, i));
    const mi = f32x4.add(f32x4.mul(v128.load(at(m, i)), vb1), f32x4.mul(gi, va1));
    const vi = f32x4.add(f32x4.mul(v128.load(at(v, i)), vb2), f32x4.mul(f32x4.mul(gi, gi), va2));
    v128.store(at(m, i), mi);
    v128.store(at(v, i), vi);
    const step = f32x4.div(f32x4.div(mi, vc1), f32x4.add(f32x4.sqrt(f32x4.div(vi, vc2)), veps));
    v128.store(at(out, i), f32x4.add(f32x4.mul(step, vlr), v128.load(at(w, i))));
  }
  for (; i < n; i++) {
    const gi = load<f32>(at(g, i));
    const mi = load<f32>(at(m, i)) * b1 + gi * (1 - b1);
    const vi = load<f32>(at(v, i)) * b2 + gi * gi * (1 - b2);
    store<f32>(at(m, i), mi);
    store<f32>(at(v, i), vi);
    store<f32>(at(out, i), (mi / c1) / (Mathf.sqrt(vi / c2) + eps) * -lr + load<f32>(at(w, i)));
  }
}

/** RMSProp (not centred): s ← ρs + (1−ρ)g²;  μ ← κμ + lr·g/√(s + ε);  w ← w − μ. */
export function rmsprop(w: usize, g: usize, s: usize, mu: usize, out: usize, n: i32, lr: f32, rho: f32, kappa: f32, eps: f32): void {
  for (let i = 0; i < n; i++) {
    const gi = load<f32>(at(g, i));
    const si = load<f32>(at(s, i)) * rho + gi * gi * (1 - rho);
    const mi = load<f32>(at(mu, i)) * kappa + (gi * lr) / Mathf.sqrt(si + eps);
    store<f32>(at(s, i), si);
    store<f32>(at(mu, i), mi);
    store<f32>(at(out, i), load<f32>(at(w, i)) - mi);
  }
}

/** Momentum (not Nesterov): a ← κa + g;  w ← w − lr·a. */
export function momentum(w: usize, g: usize, a: usize, out: usize, n: i32, lr: f32, kappa: f32): void {
  for (let i = 0; i < n; i++) {
    const ai = kappa * load<f32>(at(a, i)) + load<f32>(at(g, i));
    store<f32>(at(a, i), ai);
    store<f32>(at(out, i), -lr * ai + load<f32>(at(w, i)));
  }
}
