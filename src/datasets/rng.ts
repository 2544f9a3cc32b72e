/**
 * Seeded randomness for data generation and shuffling. Every sample is drawn from its own generator seeded by
 * `(dataset seed, sample index)`, so sample i is the same whatever order or batch it is requested in, and a
 * dataset needs no memory for "virtual" training sets of synthetic sequences.
 */

/** 32-bit integer mixing (the finaliser of MurmurHash3): nearby inputs give unrelated outputs. */
export function mix32(a: number, b: number): number {
  let h = (Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x7f4a7c15, 0xc2b2ae35)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** A small fast PRNG (mulberry32). `next()` is uniform in [0, 1). */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Uniform integer in [lo, hi) (hi exclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(0, xs.length)];
  }
  bool(): boolean {
    return this.next() < 0.5;
  }
}

/** The generator for one sample: independent of every other index. */
export const sampleRng = (seed: number, index: number) => new Rng(mix32(seed, index));

/** A derived seed for one purpose ("shuffle", "split", …) of one run seed. */
export function deriveSeed(seed: number, purpose: string): number {
  let h = seed >>> 0;
  for (let i = 0; i < purpose.length; i++) h = mix32(h, purpose.charCodeAt(i));
  return h;
}

/** Fisher–Yates permutation of 0..n-1. */
export function permutation(n: number, rng: Rng): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}
