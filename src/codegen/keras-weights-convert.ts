/**
 * Keras 1 weight layouts → the Keras 2 layout the importer loads, as Keras 2's `preprocess_weights_for_loading`
 * (keras/engine/saving.py, 2.2.4) converts them when a legacy `.h5` has no `keras_version` on its `model_weights`:
 * - LSTM saved with `consume_less='cpu'|'mem'`: 12 arrays `W_i, U_i, b_i, W_c, U_c, b_c, W_f, U_f, b_f, W_o, U_o, b_o`
 *   → kernel, recurrent kernel and bias concatenated on the last axis in gate order i, f, c, o (indices 0 6 3 9, …);
 * - GRU with `consume_less='cpu'|'mem'`: 9 arrays `W_z, U_z, b_z, W_r, U_r, b_r, W_h, U_h, b_h` → z, r, h;
 * - Convolution1D: the kernel is 4-D, `(filter_length, 1, input_dim, nb_filter)`, or in Keras 1.1's format
 *   `(nb_filter, input_dim, filter_length, 1)` (transposed (2, 3, 1, 0) first) → `(filter_length, input_dim, nb_filter)`;
 * - a Bidirectional's arrays are its forward layer's then its backward layer's, each converted as its class;
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

/**
 * The layer's arrays in Keras 2's layout. `want` is what the layer needs (Keras 2 shapes, in order), which tells the two
 * Convolution1D kernel formats apart; `inner` is a Bidirectional's wrapped class.
 */
export function fromKeras1(className: string, arrays: WeightArray[], want: number[][], inner?: string): WeightArray[] {
  if (className === 'Bidirectional' && inner) {
    const half = arrays.length / 2;
    return [...fromKeras1(inner, arrays.slice(0, half), want.slice(0, want.length / 2)), ...fromKeras1(inner, arrays.slice(half), want.slice(want.length / 2))];
  }
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
