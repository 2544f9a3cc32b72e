/**
 * Probe cost vs one training step (docs/vanishing-gradients.md): the bench LSTM graph (Embedding 5000→64, LSTM(128),
 * Dense softmax; bench/models.ts), batch 32, T = 200, wasm. Medians of 3 training steps (`model.trainOnBatch`) and of
 * 2 probes (gates + per-timestep ∂L/∂h_t), for the stock and the fused engine; on the fused engine both probe paths.
 * Run: npx tsx scripts/probe-cost.ts   (prints one JSON line per measurement)
 */
import * as tf from '@tensorflow/tfjs';
import { batch } from '../bench/node-step.ts';
import { benchGraph } from '../bench/models.ts';
import { compile } from '../src/compiler/index.ts';
import { buildModel } from '../src/runtime/build.ts';
import { probeModel } from '../src/runtime/probes/index.ts';
import { initTfNode } from '../src/runtime/setup-node.ts';

await initTfNode('wasm');
const T = 200, H = 128;
const ir = compile(benchGraph('LSTM', T, H)).ir!;
const median = (a: number[]) => [...a].sort((p, q) => p - q)[a.length >> 1];
const time = async (n: number, f: () => Promise<unknown>) => {
  const out: number[] = [];
  for (let i = 0; i <= n; i++) {
    const t0 = performance.now();
    await f();
    if (i > 0) out.push(performance.now() - t0); // the first run warms up
  }
  return Math.round(median(out));
};
for (const engine of ['stock', 'fused'] as const) {
  const model = buildModel(ir, { engine });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'sparseCategoricalCrossentropy' });
  const { x, y } = batch(T);
  const stepMs = await time(3, () => model.trainOnBatch(x, y));
  const exactProbeMs = await time(2, () => probeModel(model, ir, [x], y));
  const fastProbeMs = engine === 'fused' ? await time(2, () => probeModel(model, ir, [x], y, { fast: true })) : null;
  console.log(JSON.stringify({ engine, batch: 32, seqLen: T, units: H, stepMs, exactProbeMs, fastProbeMs }));
  tf.dispose([x, y]);
  model.optimizer.dispose();
  model.dispose();
}
