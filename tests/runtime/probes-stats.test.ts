/** Probe statistics on hand-computed cases (no tfjs): medians, masking, retention products, decay fit, saturation. */
import { describe, expect, it } from 'vitest';
import { argmaxAgreement, exampleRange, fitDecay, gateMeanPerStep, medianPerStep, retentionPerStep, saturation, summarizeProbe, type ProbeResult } from '../../src/runtime/probes/index.ts';

// T = 3 steps, B = 2 examples; example 1 is masked at step 1 (left padding). Layout [T, B] / mask [B, T].
const T = 3, B = 2;
const mask = Uint8Array.from([1, 1, 1, 0, 1, 1]);

describe('per-step statistics exclude masked steps', () => {
  it('median over the batch', () => {
    expect(medianPerStep(Float32Array.from([1, 100, 2, 4, 3, 5]), mask, T, B)).toEqual([1, 3, 4]);
    expect(medianPerStep(Float32Array.from([1, 2, 3, 4, 5, 6]), Uint8Array.from([0, 1, 1, 0, 1, 1]), T, B)).toEqual([null, 3.5, 5.5]);
  });
  it('gate mean over real examples and units (H = 2)', () => {
    // [T, B, H]: step 0 → ex0 [0.2, 0.4], ex1 [0.9, 0.9] (masked); step 1 → [0.5, 0.5], [0.1, 0.3]; step 2 → all 1.
    const g = Float32Array.from([0.2, 0.4, 0.9, 0.9, 0.5, 0.5, 0.1, 0.3, 1, 1, 1, 1]);
    const m = gateMeanPerStep(g, mask, T, B, 2);
    expect(m[0]).toBeCloseTo(0.3, 6);
    expect(m[1]).toBeCloseTo(0.35, 6);
    expect(m[2]).toBeCloseTo(1, 6);
  });
});

it('retention Π_{k>t} f_k, with factor 1 at masked steps', () => {
  // H = 1. ex0: f = 0.5, 0.4, 0.2 → R = [0.4·0.2, 0.2, 1]; ex1: masked at 0, f = ·, 0.5, 0.5 → R = [–, 0.5, 1].
  const f = Float32Array.from([0.5, 0.9, 0.4, 0.5, 0.2, 0.5]);
  const r = retentionPerStep(f, mask, T, B, 1);
  expect(r[0]).toBeCloseTo(0.08, 6);
  expect(r[1]).toBeCloseTo((0.2 + 0.5) / 2, 6);
  expect(r[2]).toBe(1);
});

it('fitDecay recovers an exact exponential and ignores zeros', () => {
  const g = Array.from({ length: 20 }, (_, t) => 3 * 0.8 ** (19 - t));
  const f = fitDecay([0, ...g.slice(1)])!;
  expect(f.perStep).toBeCloseTo(0.8, 9);
  expect(f.eFold).toBeCloseTo(-1 / Math.log(0.8), 6);
  expect(f.points).toBe(19);
  expect(fitDecay([null, 1])).toBeNull();
});

it('saturation fractions per unit', () => {
  const g = Float32Array.from([0.05, 0.95, 0.5, 0.5, 0.05, 0.5, 0.99, 0.5, 0.95, 0.05, 0.95, 0.05]);
  // 5 real (step, example) pairs; unit 0 sees 0.05, 0.05, 0.99, 0.95, 0.95 and unit 1 sees 0.95, 0.5, 0.5, 0.05, 0.05.
  const s = saturation(g, mask, T, B, 2);
  expect(Array.from(s.low).map((v) => +v.toFixed(3))).toEqual([0.4, 0.4]);
  expect(Array.from(s.high).map((v) => +v.toFixed(3))).toEqual([0.6, 0.2]);
});

it('summarizeProbe gives the CLI form: gradNorm, gateMeans, retention per direction', () => {
  const r: ProbeResult = {
    seqLen: T, batch: B, loss: 1, losses: [],
    directions: [{ id: 'n2', name: 'gru', kind: 'GRU', direction: 'backward', units: 1, steps: T, input: 0, mask,
      gates: { z: Float32Array.from([0.5, 0.9, 0.4, 0.5, 0.2, 0.5]), r: new Float32Array(6), hTilde: new Float32Array(6), h: new Float32Array(6) },
      dh: Float32Array.from([1, 100, 2, 4, 3, 5]) }],
  };
  const s = summarizeProbe(r);
  expect(s.seqLen).toBe(3);
  expect(s.layers[0]).toMatchObject({ name: 'gru', kind: 'GRU', direction: 'backward', gradNorm: [1, 3, 4] });
  expect(Object.keys(s.layers[0].gateMeans)).toEqual(['z', 'r', 'hTilde', 'h']);
  expect(s.layers[0].retention[0]).toBeCloseTo(0.08, 6);
});

it('exampleRange reads one example over its real steps only (hand-computed, [T=3, B=2, H=2], example 1 masked at t = 3)', () => {
  // v[t][b][j]; example 1 is (t=1) [0.5, -2], (t=2) [1, 0.25], (t=3, masked) [9, -9]; example 0 holds larger values that must not leak in.
  const v = Float32Array.from([7, 7, 0.5, -2, 7, 7, 1, 0.25, 7, 7, 9, -9]);
  const mask = Uint8Array.from([1, 1, 1, 1, 1, 0]);
  const r = exampleRange(v, mask, 3, 2, 2, 1);
  expect(r).toEqual({ min: -2, max: 1, maxAbs: 2, mean: (0.5 - 2 + 1 + 0.25) / 4, steps: 2 });
});

it('argmaxAgreement compares the peak column of two maps row by row, skipping padded rows (hand-computed)', () => {
  // Rows peak at columns a: 0, 2, 1; b: 0, 1, 1. Row 1 disagrees; row 2 is padding when `real` says so.
  const a = [0.7, 0.2, 0.1, 0.1, 0.3, 0.6, 0.2, 0.5, 0.3];
  const b = [9, 1, 1, 1, 5, 2, 0, 4, 3];
  expect(argmaxAgreement(a, b, 3, 3)).toEqual({ agree: 2, of: 3 });
  expect(argmaxAgreement(a, b, 3, 3, [true, true, false])).toEqual({ agree: 1, of: 2 });
});
