/**
 * The wasm measurements behind two choices of the fused engine (docs/benchmarks.md, "How the fused engine gets
 * there"): what tf.slice and tf.unstack cost (the fused engine moves data with one typed-array kernel instead), and
 * matMul with a transpose flag against an explicit transpose then matMul. Node, wasm backend as the app sets it up; each op 3 untimed warm-ups,
 * then the median of 30 timed calls (ms), in turns so load changes hit both sides of a comparison alike. Writes
 * docs/data/fused-ops.json (with the load average); the docs' values are read from it (`npm run docs:tables`).
 *
 *   npx tsx scripts/measure-fused-ops.ts      (seconds)
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { initTfNode } from '../src/runtime/setup-node.ts';

await initTfNode('wasm');
const ROUNDS = 30;

/** Median ms of each op, the ops timed in turns (one call each per round); every result is disposed untimed. */
function timeInTurns(ops: Record<string, () => tf.Tensor | tf.Tensor[]>): Record<string, number> {
  const run = (f: () => tf.Tensor | tf.Tensor[]) => {
    const t0 = performance.now();
    const out = [f()].flat(); // wasm kernels run synchronously: the result is computed when the call returns
    const ms = performance.now() - t0;
    tf.dispose(out);
    return ms;
  };
  const names = Object.keys(ops);
  for (let i = 0; i < 3; i++) names.forEach((n) => run(ops[n]));
  const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < ROUNDS; r++) (r % 2 ? [...names].reverse() : names).forEach((n) => times[n].push(run(ops[n])));
  return Object.fromEntries(names.map((n) => [n, +[...times[n]].sort((a, b) => a - b)[ROUNDS >> 1].toPrecision(3)]));
}

// A [T, B, 4H] gate sequence (T = 50, B = 32, 4H = 256) and one step of it.
const seq = tf.randomNormal([50, 32, 256], 0, 1, 'float32', 1);
const step = tf.randomNormal([32, 256], 0, 1, 'float32', 2);
const data = timeInTurns({
  sliceOneStep: () => tf.slice(seq, [7, 0, 0], [1, 32, 256]),
  unstackAllSteps: () => tf.unstack(seq),
  sliceColumnBlock: () => tf.slice(step, [0, 64], [32, 64]),
});
// ∂L/∂K-shaped product: [1600, 64]ᵀ · [1600, 256].
const a = tf.randomNormal([1600, 64], 0, 1, 'float32', 3);
const b = tf.randomNormal([1600, 256], 0, 1, 'float32', 4);
const mm = timeInTurns({
  matMulTransposeA: () => tf.matMul(a, b, true, false),
  transposeThenMatMul: () => tf.tidy(() => tf.matMul(tf.transpose(a), b)),
});
tf.dispose([seq, step, a, b]);

const out = {
  command: 'npx tsx scripts/measure-fused-ops.ts', measured: new Date().toISOString(), loadAverage1m: +loadavg()[0].toFixed(2), tfjs: tf.version.tfjs, backend: tf.getBackend(),
  ...data, ...mm, transposeFlagOverTranspose: +(mm.matMulTransposeA / mm.transposeThenMatMul).toFixed(1),
};
writeFileSync(new URL('../docs/data/fused-ops.json', import.meta.url), JSON.stringify(out, null, 1) + '\n');
console.log(JSON.stringify(out));
