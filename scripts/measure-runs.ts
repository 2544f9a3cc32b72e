/**
 * Training runs whose results the docs show, one `rnn-studio train … --json` run per preset (the CLI's own code, in
 * this process). Writes docs/data/<set>.json — the command of each run beside what it printed — from which the
 * tables in docs/training.md are generated (scripts/doc-tables.ts).
 *
 *   npx tsx scripts/measure-runs.ts <set> [preset …]     e.g. lesson-spam (≈ 15 min on 2 busy cores), adding-t20
 *
 * Naming presets re-runs only those and keeps the file's other runs.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { trainJson } from './train-json.ts';

/** Each set: its presets and the arguments every run gets. */
const SETS: Record<string, { presets: string[]; args: string[] }> = {
  // The lesson's classifier presets on `spam-subjects` (their default task) with their own settings: Adam 0.001, batch 16, seed 42.
  'lesson-spam': { presets: ['lesson-rnn-titles', 'lesson-rnn-masked', 'lesson-lstm', 'lesson-gru', 'lesson-bilstm-2layer', 'lesson-rnn-mean'], args: ['--epochs', '1'] },
  // The three adding presets at a short lag, with the paper's RMSProp 1e-3 (batch 50, clip 1, seed 42 from the presets).
  'adding-t20': { presets: ['adding-simplernn', 'adding-gru', 'adding-lstm'], args: ['--seq-len', '20', '--steps', '1000', '--optimizer', 'rmsprop', '--lr', '0.001', '--eval-every', '100'] },
};

const [set, ...only] = process.argv.slice(2);
const spec = SETS[set];
if (!spec) throw new Error(`usage: npx tsx scripts/measure-runs.ts <${Object.keys(SETS).join('|')}> [preset …]`);
const OUT = new URL(`../docs/data/${set}.json`, import.meta.url);
type Run = Record<string, unknown> & { preset: string };
const runs: Run[] = only.length && existsSync(OUT) ? (JSON.parse(readFileSync(OUT, 'utf8')) as { runs: Run[] }).runs : [];
for (const preset of only.length ? only : spec.presets) {
  const command = `npx rnn-studio train presets/${preset}.json ${spec.args.join(' ')} --json`;
  process.stderr.write(`${command}\n`);
  const { losses: _losses, ...r } = await trainJson([`presets/${preset}.json`, ...spec.args]);
  process.stderr.write(`  validation ${r.metric} ${r.finalMetric.toFixed(4)}, loss ${r.finalLoss.toFixed(4)} in ${r.wallSeconds} s\n`);
  const run = { preset, command, ...r };
  const i = runs.findIndex((x) => x.preset === preset);
  if (i >= 0) runs[i] = run;
  else runs.push(run);
}
writeFileSync(OUT, JSON.stringify({ measured: new Date().toISOString().slice(0, 10), runs }, null, 1) + '\n');
