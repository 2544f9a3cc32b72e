/**
 * Saved weight layouts → the Keras 2 layout the importer loads, as Keras 2's `preprocess_weights_for_loading`
 * (keras/engine/saving.py, 2.2.4) converts them. Keras 1's, when a legacy `.h5` has no `keras_version` on its
 * `model_weights`:
 * - LSTM saved with `consume_less='cpu'|'mem'`: 12 arrays `W_i, U_i, b_i, W_c, U_c, b_c, W_f, U_f, b_f, W_o, U_o, b_o`
 *   → kernel, recurrent kernel and bias concatenated on the last axis in gate order i, f, c, o (indices 0 6 3 9, …);
 * - GRU with `consume_less='cpu'|'mem'`: 9 arrays `W_z, U_z, b_z, W_r, U_r, b_r, W_h, U_h, b_h` → z, r, h;
 * - Convolution1D: the kernel is 4-D, `(filter_length, 1, input_dim, nb_filter)`, or in Keras 1.1's format
 *   `(nb_filter, input_dim, filter_length, 1)` (transposed (2, 3, 1, 0) first) → `(filter_length, input_dim, nb_filter)`;
 * - a Bidirectional's arrays are its forward layer's then its backward layer's, each converted as its class;
 * - CuDNNLSTM / CuDNNGRU arrays (any version) → LSTM / GRU(reset_after=True), see `fromCuDNN`;
 * - Dense, Embedding, SimpleRNN, BatchNormalization and the `consume_less='gpu'` LSTM/GRU already have Keras 2's
 *   layout and pass unchanged.
 * Pure: arrays are read lazily, after the caller has checked every declared shape.
 */

/** One saved array: its declared shape and how to decode it (float32, C order). */
export interface WeightArray {
  shape: number[];
  where: string;
  read: () => Float32Array;
}

/** Concatenates arrays of equal leading shape on their last axis. */
function concatLast(parts: WeightArray[]): WeightArray {
  const cols = parts.map((p) => p.shape.at(-1) ?? 1);
  const lead = parts[0].shape.slice(0, -1);
  const rows = lead.reduce((a, b) => a * b, 1);
  const width = cols.reduce((a, b) => a + b, 0);
  return {
    shape: [...lead, width],
    where: parts.map((p) => p.where).join(' + '),
    read: () => {
      const out = new Float32Array(rows * width);
      let at = 0;
      parts.forEach((p, k) => {
        const data = p.read();
        for (let r = 0; r < rows; r++) out.set(data.subarray(r * cols[k], (r + 1) * cols[k]), r * width + at);
        at += cols[k];
      });
      return out;
    },
  };
}

const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** Keras 1.1's Convolution1D kernel `(f, in, k, 1)` → `(k, in, f)`: out[j][i][o] = w[o][i][j][0]. */
function legacyConvKernel(w: WeightArray, k: number, inDim: number, f: number): WeightArray {
  return {
    shape: [k, inDim, f],
    where: w.where,
    read: () => {
      const src = w.read();
      const out = new Float32Array(k * inDim * f);
      for (let o = 0; o < f; o++) for (let i = 0; i < inDim; i++) for (let j = 0; j < k; j++) out[(j * inDim + i) * f + o] = src[(o * inDim + i) * k + j];
      return out;
    },
  };
}

/** Applies `f` to each gate block (columns `g·u … (g+1)·u`) of a `(rows, n·u)` array; `f` maps (block, rows, u) → block. */
function perGate(w: WeightArray, n: number, f: (block: Float32Array, rows: number, u: number) => Float32Array): WeightArray {
  const [rows, cols] = w.shape;
  const u = cols / n;
  return {
    ...w,
    read: () => {
      const src = w.read();
      const out = new Float32Array(rows * cols);
      for (let g = 0; g < n; g++) {
        const block = new Float32Array(rows * u);
        for (let r = 0; r < rows; r++) block.set(src.subarray(r * cols + g * u, r * cols + (g + 1) * u), r * u);
        const t = f(block, rows, u);
        for (let r = 0; r < rows; r++) out.set(t.subarray(r * u, (r + 1) * u), r * cols + g * u);
      }
      return out;
    },
  };
}

/**
 * CuDNNLSTM / CuDNNGRU arrays → LSTM / GRU(reset_after=True) ones (Keras 2's `_convert_rnn_weights`), told apart by
 * the bias shape as Keras does: 8u for a CuDNNLSTM against the LSTM's 4u (or (2, 4u) for the two-bias LSTM); 6u for a
 * CuDNNGRU against (2, 3u). Each gate's input kernel k (in, u) becomes `k.T.reshape(k.shape, order='F')`, each recurrent
 * kernel its transpose; the two biases become the two rows, or add up for a one-bias LSTM (as Keras converts them).
 */
function fromCuDNN(arrays: WeightArray[], want: number[][]): WeightArray[] {
  if (arrays.length !== 3 || want.length !== 3) return arrays;
  const [kernel, recurrent, bias] = arrays;
  const u = recurrent.shape[0];
  const n = recurrent.shape[1] / u;
  const summed = n === 4 && same(bias.shape, [8 * u]) && same(want[2], [4 * u]);
  const rows = same(bias.shape, [2 * n * u]) && same(want[2], [2, n * u]);
  if (!summed && !rows) return arrays;
  // out[p][q] = k.T read in Fortran order at p + q·in, i.e. k[⌊(p + q·in) / u⌋][(p + q·in) mod u].
  const input = perGate(kernel, n, (k, rows, units) => {
    const out = new Float32Array(rows * units);
    for (let p = 0; p < rows; p++) for (let q = 0; q < units; q++) out[p * units + q] = k[Math.floor((p + q * rows) / units) * units + ((p + q * rows) % units)];
    return out;
  });
  const rec = perGate(recurrent, n, (k, rows, units) => {
    const out = new Float32Array(rows * units);
    for (let p = 0; p < rows; p++) for (let q = 0; q < units; q++) out[p * units + q] = k[q * units + p];
    return out;
  });
  const b: WeightArray = summed
    ? { shape: [4 * u], where: bias.where, read: () => (v => v.slice(0, 4 * u).map((x, i) => x + v[i + 4 * u]))(bias.read()) }
    : { ...bias, shape: [2, n * u] };
  return [input, rec, b];
}

/**
 * The layer's arrays in the Keras 2 layout, as Keras 2's `preprocess_weights_for_loading` gives them: converted from
 * Keras 1's layouts when `keras1`, and from the CuDNN layers' in any case. `want` is what the layer needs (Keras 2
 * shapes, in order), which tells the layouts apart; `inner` is a Bidirectional's wrapped class.
 */
export function toKeras2Layout(className: string, arrays: WeightArray[], want: number[][], o: { keras1: boolean; inner?: string }): WeightArray[] {
  if (className === 'Bidirectional' && o.inner) {
    const [half, wantHalf] = [arrays.length / 2, want.length / 2];
    const side = (a: WeightArray[], w: number[][]) => toKeras2Layout(o.inner!, a, w, { keras1: o.keras1 });
    return [...side(arrays.slice(0, half), want.slice(0, wantHalf)), ...side(arrays.slice(half), want.slice(wantHalf))];
  }
  return fromCuDNN(o.keras1 ? fromKeras1(className, arrays, want) : arrays, want);
}

function fromKeras1(className: string, arrays: WeightArray[], want: number[][]): WeightArray[] {
  if (className === 'LSTM' && arrays.length === 12) return [0, 1, 2].map((part) => concatLast([0, 6, 3, 9].map((g) => arrays[g + part])));
  if (className === 'GRU' && arrays.length === 9) return [0, 1, 2].map((part) => concatLast([0, 3, 6].map((g) => arrays[g + part])));
  if ((className === 'Convolution1D' || className === 'Conv1D') && arrays[0]?.shape.length === 4 && want[0]?.length === 3) {
    const [k, inDim, f] = want[0];
    const w = arrays[0];
    if (same(w.shape, [k, 1, inDim, f])) return [{ ...w, shape: [k, inDim, f] }, ...arrays.slice(1)];
    if (same(w.shape, [f, inDim, k, 1])) return [legacyConvKernel(w, k, inDim, f), ...arrays.slice(1)];
  }
  return arrays;
}
