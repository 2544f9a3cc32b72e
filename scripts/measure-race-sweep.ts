/**
 * How the race's defaults were chosen: the settings tried before T = 40 with 400 steps (the hint T = 30 with
 * 400 steps, then T = 35 with 350 and T = 40 with 320), each for seeds 1–5, by the command a user types
 * (`rnn-studio race --seq-len T --steps N --seed S --json`, in this process). Writes docs/data/race-sweep.json after
 * every run; docs/vanishing-gradients.md's sweep table is generated from it (`npm run docs:tables`).
 *
 *   npx tsx scripts/measure-race-sweep.ts      (20 races of 3 small models; a few minutes on 2 busy cores)
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { cliJson } from './train-json.ts';

const TRIED: [seqLen: number, steps: number][] = [[30, 400], [35, 350], [40, 320]];
const SEEDS = [1, 2, 3, 4, 5];
const OUT = new URL('../docs/data/race-sweep.json', import.meta.url);

const runs: Record<string, unknown>[] = [];
const started = new Date().toISOString();
for (const [seqLen, steps] of TRIED)
  for (const seed of SEEDS) {
    const args = ['race', '--seq-len', String(seqLen), '--steps', String(steps), '--seed', String(seed)];
    process.stderr.write(`npx rnn-studio ${args.join(' ')} --json\n`);
    runs.push({ seed, ...(await cliJson<Record<string, unknown>>(args)) });
    writeFileSync(OUT, JSON.stringify({
      command: 'npx tsx scripts/measure-race-sweep.ts', started, loadAverage1m: +loadavg()[0].toFixed(1), runs,
    }, null, 1) + '\n');
  }
