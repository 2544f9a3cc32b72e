/** Samples → one batch of flat typed arrays (the runtime turns them into tensors). */
import { END, PAD, START } from './pairs.ts';
import type { Dataset } from './types.ts';

export interface Batch {
  x: Float32Array | Int32Array;
  xShape: number[];
  xDtype: 'float32' | 'int32';
  y: Float32Array | Int32Array;
  yShape: number[];
  /**
   * Sequence targets only: the decoder input of teacher forcing, the target shifted right behind START
   * (`[B, Ty]`, like `y`): decoderIn[b, 0] = START, decoderIn[b, t] = y[b, t − 1].
   */
  decoderIn?: Int32Array;
  /** A task with several heads (`TaskInfo.heads`): each head's targets, `[B, units]` numbers or `[B]` class ids. */
  heads?: { y: Float32Array | Int32Array; yShape: number[] }[];
}

/**
 * Stacks samples `indices` of `ds`. Token ids of different lengths are post-padded with 0 (PAD) to the longest
 * in the batch; `Embedding(maskZero)` then masks the padding (shared/reference/rnn-math.md §7). A sequence target
 * (a pair task) is padded to the longest target of the batch, on its own length, and comes with its decoder input.
 */
export function collate(ds: Dataset, indices: ArrayLike<number>): Batch {
  const B = indices.length;
  const samples = Array.from(indices, (i) => ds.sample(i));
  const T = Math.max(1, ...samples.map((s) => s.T));
  const { input, output } = ds.info;
  const F = input.kind === 'features' ? input.features : 1;
  const x = input.kind === 'tokens' ? new Int32Array(B * T) : new Float32Array(B * T * F);
  samples.forEach((s, b) => x.set(s.x, b * T * F));
  const xPart = { x, xShape: input.kind === 'tokens' ? [B, T] : [B, T, F], xDtype: input.kind === 'tokens' ? 'int32' as const : 'float32' as const };
  if (output.kind === 'sequence') {
    const Ty = Math.max(1, ...samples.map((s) => s.y.length));
    const y = new Int32Array(B * Ty);
    const decoderIn = new Int32Array(B * Ty);
    samples.forEach((s, b) => {
      y.set(s.y, b * Ty);
      decoderIn[b * Ty] = START;
      for (let t = 1; t < s.y.length; t++) decoderIn[b * Ty + t] = s.y[t - 1];
    });
    return { ...xPart, y, yShape: [B, Ty], decoderIn };
  }
  if (ds.info.heads) {
    let at = 0;
    const heads = ds.info.heads.map(({ output: o }) => {
      const w = o.kind === 'regression' ? o.units : 1;
      const y = o.kind === 'regression' ? new Float32Array(B * w) : new Int32Array(B * w);
      samples.forEach((s, b) => y.set(Array.prototype.slice.call(s.y, at, at + w) as number[], b * w));
      at += w;
      return { y, yShape: o.kind === 'regression' ? [B, w] : [B] };
    });
    return { ...xPart, ...heads[0], heads };
  }
  const perStep = output.kind === 'classes' && output.perStep;
  const yw = perStep ? T : output.kind === 'regression' ? output.units : 1;
  const y = output.kind === 'regression' ? new Float32Array(B * yw) : new Int32Array(B * yw);
  samples.forEach((s, b) => y.set(s.y, b * yw));
  return { ...xPart, y, yShape: output.kind === 'regression' ? [B, yw] : perStep ? [B, T] : [B] };
}

/**
 * A pair task's targets for a one-Input model that outputs `n` steps at once (`FitResult.aligned`): each row of
 * `y` ([B, Ty], ending in END) without its END, post-padded with PAD (or cut) to n steps → [B, n].
 */
export function alignedTargets(y: Int32Array, yShape: number[], n: number): Int32Array {
  const [B, Ty] = yShape;
  const out = new Int32Array(B * n).fill(PAD);
  for (let b = 0; b < B; b++)
    for (let t = 0; t < Math.min(n, Ty) && y[b * Ty + t] !== END && y[b * Ty + t] !== PAD; t++) out[b * n + t] = y[b * Ty + t];
  return out;
}
