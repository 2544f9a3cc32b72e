/** Samples → one batch of flat typed arrays (the runtime turns them into tensors). */
import type { Dataset } from './types.ts';

export interface Batch {
  x: Float32Array | Int32Array;
  xShape: number[];
  xDtype: 'float32' | 'int32';
  y: Float32Array | Int32Array;
  yShape: number[];
}

/**
 * Stacks samples `indices` of `ds`. Token ids of different lengths are post-padded with 0 (PAD) to the longest
 * in the batch; `Embedding(maskZero)` then masks the padding (shared/reference/rnn-math.md §7).
 */
export function collate(ds: Dataset, indices: ArrayLike<number>): Batch {
  const B = indices.length;
  const samples = Array.from(indices, (i) => ds.sample(i));
  const T = Math.max(1, ...samples.map((s) => s.T));
  const { input, output } = ds.info;
  const F = input.kind === 'features' ? input.features : 1;
  const x = input.kind === 'tokens' ? new Int32Array(B * T) : new Float32Array(B * T * F);
  samples.forEach((s, b) => x.set(s.x, b * T * F));
  const perStep = output.kind === 'classes' && output.perStep;
  const yw = perStep ? T : output.kind === 'regression' ? output.units : 1;
  const y = output.kind === 'regression' ? new Float32Array(B * yw) : new Int32Array(B * yw);
  samples.forEach((s, b) => y.set(s.y, b * yw));
  return {
    x, xShape: input.kind === 'tokens' ? [B, T] : [B, T, F], xDtype: input.kind === 'tokens' ? 'int32' : 'float32',
    y, yShape: output.kind === 'regression' ? [B, yw] : perStep ? [B, T] : [B],
  };
}
