/** The type of a tensor on an edge, without the batch axis. `null` is a free (symbolic) time length. */
export type Dim = number | null;

export interface TensorType {
  /** Dims after the batch axis: `[T]` token ids, `[T, F]` a sequence, `[F]` a vector. */
  dims: Dim[];
  dtype: 'int32' | 'float32';
  /** True when a padding mask (from `Embedding(maskZero)`) travels with the tensor. */
  masked: boolean;
  /** For token ids: the ids are in `[0, vocab)`. */
  vocab?: number;
}

export const isSequence = (t: TensorType) => t.dtype === 'float32' && t.dims.length === 2;
export const isTokens = (t: TensorType) => t.dtype === 'int32';

/** `[batch, T, 64]`: the form shown on edges. A fixed time length is shown as its number. */
export function formatShape(t: TensorType): string {
  const dims = t.dims.map((d, i) => (d === null ? (i === 0 && t.dims.length >= 1 ? 'T' : '?') : String(d)));
  return `[batch, ${dims.join(', ')}]`;
}

/** Keras-style shape with the batch axis: `(None, None, 64)`. */
export function kerasShape(t: TensorType): (number | null)[] {
  return [null, ...t.dims];
}

export function sameDims(a: Dim[], b: Dim[]): boolean {
  return a.length === b.length && a.every((d, i) => d === null || b[i] === null || d === b[i]);
}
