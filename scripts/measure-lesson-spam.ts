/**
 * The lesson's classifier presets trained on `spam-subjects` (their default task) with their own settings (Adam
 * 0.001, batch 16, one epoch, seed 42), one CLI run each. Writes docs/data/lesson-spam.json, from which the table in
 * docs/training.md is generated. Run: `npx tsx scripts/measure-lesson-spam.ts [preset …]` (≈ 15 min on 2 busy cores).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { trainJson } from './train-json.ts';

const PRESETS = ['lesson-rnn-titles', 'lesson-rnn-masked', 'lesson-lstm', 'lesson-gru', 'lesson-bilstm-2layer', 'lesson-rnn-mean'];
const chosen = process.argv.length > 2 ? process.argv.slice(2) : PRESETS;
const OUT = new URL('../docs/data/lesson-spam.json', import.meta.url);
type Run = Record<string, unknown> & { preset: string };
const runs: Run[] = process.argv.length > 2 && existsSync(OUT) ? (JSON.parse(readFileSync(OUT, 'utf8')) as { runs: Run[] }).runs : [];
for (const preset of chosen) {
  const command = `npx rnn-studio train presets/${preset}.json --epochs 1 --json`;
  process.stderr.write(`${command}\n`);
  const { losses: _losses, ...r } = await trainJson([`presets/${preset}.json`, '--epochs', '1']);
  process.stderr.write(`  accuracy ${r.finalMetric.toFixed(4)} (majority ${r.baselineMetric}) in ${r.wallSeconds} s\n`);
  const run = { preset, command, ...r };
  const i = runs.findIndex((x) => x.preset === preset);
  if (i >= 0) runs[i] = run;
  else runs.push(run);
}
writeFileSync(OUT, JSON.stringify({ measured: new Date().toISOString().slice(0, 10), runs }, null, 1) + '\n');
