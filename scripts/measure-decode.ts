/**
 * How long validation-by-decoding takes (`decodeScore`, greedy): 200 validation questions of addition (3 digits, the presets' setting), for the
 * `seq2seq-addition` preset (encoder–decoder, stepped) and the `addition-rnn` preset (one Input, every step at once),
 * untrained (a trained addition model decodes to the same length cap). Node, wasm; 2 untimed warm-ups, then the
 * median of 7 calls (ms). Prints JSON with the load average.
 *
 *   npx tsx scripts/measure-decode.ts      (seconds)
 */
import { loadavg } from 'node:os';
import type { PairDataset } from '../src/datasets/index.ts';
import { planRun } from '../src/datasets/plan.ts';
import { readGraph } from '../src/cli/io.ts';
import { buildModel } from '../src/runtime/build.ts';
import { buildInference, decodeScore } from '../src/runtime/seq2seq.ts';
import { initTfNode } from '../src/runtime/setup-node.ts';

await initTfNode('wasm');
const out: Record<string, number> = {};
for (const preset of ['seq2seq-addition', 'addition-rnn']) {
  const plan = planRun(readGraph(`presets/${preset}.json`), {});
  if (!plan.ok) throw new Error(plan.error);
  const ds = plan.ds as PairDataset;
  const model = buildModel(plan.ir);
  const inf = buildInference(model, plan.ir);
  const samples = Array.from({ length: 200 }, (_, k) => ds.trainSize + k);
  const times: number[] = [];
  for (let r = 0; r < 9; r++) {
    const t0 = performance.now();
    decodeScore(inf, ds, samples);
    if (r >= 2) times.push(performance.now() - t0);
  }
  out[preset] = +times.sort((a, b) => a - b)[3].toPrecision(3);
  model.dispose();
}
console.log(JSON.stringify({ decodeScoreMs: out, questions: 200, digits: 3, load: +loadavg()[0].toFixed(1) }));
