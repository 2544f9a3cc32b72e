/**
 * Measures how long long-lag tasks sit on their baseline (the table the Training tab reads, src/datasets/plateau.ts):
 * for each preset, T and seed, one `rnn-studio train <preset> --seq-len T --steps BUDGET --seed S --stop-when-left`
 * run with the preset's own settings; records the step at which the run left the baseline (mean training loss of 20
 * steps below half the baseline) or null. Writes src/datasets/data/plateaus.json after every row, so a partial run
 * is usable; a second run keeps the rows already measured with the same budget and seeds (delete the file to redo
 * them). Run: `npx tsx scripts/measure-plateaus.ts` (≈ 30–60 min on 2 busy cores; `--quick` for a smoke run).
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compile } from '../src/compiler/index.ts';
import { parseDocument } from '../src/graph/index.ts';
import { recurrentOf, type PlateauRow, type PlateauTable } from '../src/datasets/plateau.ts';
import { trainJson } from './train-json.ts';

const quick = process.argv.includes('--quick');
const BUDGET = quick ? 30 : 300;
const SEEDS = quick ? [1] : [1, 2];
const GRID: { preset: string; Ts: number[] }[] = quick
  ? [{ preset: 'adding-gru', Ts: [10] }]
  : [
    { preset: 'adding-simplernn', Ts: [10, 25, 50, 100] },
    { preset: 'adding-gru', Ts: [10, 25, 50, 100] },
    { preset: 'adding-lstm', Ts: [10, 25, 50, 100] },
    { preset: 'copy-lstm', Ts: [10, 25, 50] },
    { preset: 'order-lstm', Ts: [20, 30, 50, 100, 200] },
  ];
const OUT = new URL(`../src/datasets/data/plateaus${quick ? '.quick' : ''}.json`, import.meta.url);
const COMMAND = 'npx tsx scripts/measure-plateaus.ts';

const old = existsSync(OUT) ? (JSON.parse(readFileSync(OUT, 'utf8')) as PlateauTable).rows : [];
const table: PlateauTable = { measured: new Date().toISOString().slice(0, 10), command: COMMAND, rows: [] };
// The presets as they are now, copied: a checkout during the hour this runs must not change what is measured.
const dir = mkdtempSync(join(tmpdir(), 'plateaus-'));
for (const { preset, Ts } of GRID) {
  const text = readFileSync(`presets/${preset}.json`, 'utf8');
  const file = join(dir, `${preset}.json`);
  writeFileSync(file, text);
  const parsed = parseDocument(text);
  if (!parsed.ok) throw new Error(`${file}: ${parsed.error}`);
  const ir = compile(parsed.doc).ir!;
  const rec = recurrentOf(ir)!;
  for (const T of Ts) {
    const done = old.find((r) => r.preset === preset && r.T === T && r.budget === BUDGET && r.runs.map((x) => x.seed).join() === SEEDS.join());
    if (done) {
      table.rows.push(done);
      writeFileSync(OUT, JSON.stringify(table, null, 1) + '\n');
      continue;
    }
    const runs: PlateauRow['runs'] = [];
    let settings = { optimizer: '', learningRate: 0, batchSize: 0, clipNorm: 0 };
    for (const seed of SEEDS) {
      const r = await trainJson([file, '--seq-len', String(T), '--steps', String(BUDGET), '--seed', String(seed), '--eval-every', String(10 * BUDGET), '--stop-when-left']);
      process.stderr.write(`${preset} T=${T} seed ${seed}: left the baseline at ${r.leftBaselineAt ?? `— (not within ${BUDGET})`} in ${r.wallSeconds} s\n`);
      runs.push({ seed, leftAt: r.leftBaselineAt, wallSeconds: r.wallSeconds });
      settings = { optimizer: r.optimizer, learningRate: r.learningRate, batchSize: r.batchSize, clipNorm: r.clipNorm };
    }
    table.rows.push({ task: parsed.doc.training!.task!, preset, cell: rec.cell, units: rec.units, T, ...settings, budget: BUDGET, runs });
    writeFileSync(OUT, JSON.stringify(table, null, 1) + '\n');
  }
}
