/**
 * Per-step events from a worker arrive far faster than a screen can show them (a race step takes a few ms); each one
 * applied to a store would re-render the charts, and on a 2-core machine that rendering takes the CPU the worker
 * trains on. A batcher collects them and hands them over at most once per animation frame and per `minMs`.
 */
export interface Batcher<T> {
  push(item: T): void;
  /** Hands over what is pending now (before an event that must come after these items). */
  flush(): void;
}

const nextFrame = (f: () => void) => (typeof requestAnimationFrame === 'function' ? requestAnimationFrame(f) : setTimeout(f, 16));

export function batcher<T>(apply: (items: T[]) => void, minMs = 0): Batcher<T> {
  let pending: T[] = [];
  let scheduled = false;
  let last = -Infinity;
  const flush = () => {
    scheduled = false;
    if (!pending.length) return;
    const items = pending;
    pending = [];
    last = performance.now();
    apply(items);
  };
  return {
    push(item) {
      pending.push(item);
      if (scheduled) return;
      scheduled = true;
      const wait = minMs - (performance.now() - last);
      if (wait > 0) setTimeout(() => nextFrame(flush), wait);
      else nextFrame(flush);
    },
    flush,
  };
}
