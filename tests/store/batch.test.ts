import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { batcher } from '../../src/store/batch.ts';

describe('batcher: per-step events applied in batches', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('applies everything pushed before the next frame at once, in order', () => {
    const got: number[][] = [];
    const b = batcher<number>((xs) => got.push(xs));
    for (let i = 0; i < 5; i++) b.push(i);
    expect(got).toEqual([]);
    vi.advanceTimersByTime(16);
    expect(got).toEqual([[0, 1, 2, 3, 4]]);
    b.push(5);
    vi.advanceTimersByTime(16);
    expect(got).toEqual([[0, 1, 2, 3, 4], [5]]);
  });

  it('with minMs, applies at most once per interval however fast items come', () => {
    const got: number[][] = [];
    const b = batcher<number>((xs) => got.push(xs), 100);
    for (let t = 0; t < 300; t += 5) {
      b.push(t);
      vi.advanceTimersByTime(5);
    }
    vi.advanceTimersByTime(200);
    expect(got.flat()).toEqual(Array.from({ length: 60 }, (_, i) => i * 5)); // nothing lost, order kept
    expect(got.length).toBeGreaterThanOrEqual(3);
    expect(got.length).toBeLessThanOrEqual(5); // 300 ms of items: about one batch per 100 ms, not 60
  });

  it('flush() applies the pending items now and cancels nothing later', () => {
    const got: number[][] = [];
    const b = batcher<number>((xs) => got.push(xs), 100);
    b.push(1);
    b.push(2);
    b.flush();
    expect(got).toEqual([[1, 2]]);
    vi.advanceTimersByTime(500);
    expect(got).toEqual([[1, 2]]); // the scheduled call finds nothing to apply
    b.flush();
    expect(got).toEqual([[1, 2]]);
  });
});
