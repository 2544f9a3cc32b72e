/**
 * Training runs whose results the docs show, one `rnn-studio train … --json` run per preset (the CLI's own code, in
 * this process). Writes docs/data/<set>.json — the command of each run beside what it printed — from which the
 * tables in docs/training.md are generated (scripts/doc-tables.ts).
 *
 *   npx tsx scripts/measure-runs.ts <set> [preset …]     e.g. lesson-spam (≈ 15 min on 2 busy cores), lesson-names, lesson-negation,
 *                                                        lesson-step2, adding-t20, adding-t100, adding-t100-rmsprop, adding-t100-probes, adding-lags
 *
 * Naming presets re-runs only those and keeps the file's other runs.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { TRAIN_STEPS } from '../src/lesson/steps.ts';
import { cliJson, trainJson } from './train-json.ts';

/**
 * Each set: its presets and the arguments every run gets. With `probe`, the trained weights are probed
 * (`rnn-studio probe … --weights DIR <probe> --json`) and the run keeps the per-timestep ‖∂L/∂h_t‖ it printed.
 * With `steps`, each preset runs once per step count (`--steps N`; 0 probes the initial weights without training);
 * with `lags`, once per [T, steps] pair (`--seq-len T --steps N`, probed at T); with `seeds`, once per seed (`--seed S`).
 */
const SETS: Record<string, { presets: string[]; args: string[]; probe?: string[]; steps?: number[]; lags?: [number, number][]; seeds?: number[] }> = {
  // The lesson's classifier presets on `spam-subjects` (their default task) with their own settings: Adam 0.001, batch 16, seed 42.
  'lesson-spam': { presets: ['lesson-rnn-titles', 'lesson-rnn-masked', 'lesson-lstm', 'lesson-gru', 'lesson-bilstm-2layer', 'lesson-rnn-mean'], args: ['--epochs', '1'] },
  // The guided lesson's step 2 (src/lesson/steps.ts): its classifier, its number of steps, on its default task, per seed.
  'lesson-step2': { presets: ['lesson-lstm-spam'], args: ['--steps', String(TRAIN_STEPS)], seeds: [1, 2, 3, 4, 5] },
  // The lesson classifier on the shipped names corpus, one epoch with its own settings.
  'lesson-names': { presets: ['lesson-lstm'], args: ['--task', 'names', '--epochs', '1'] },
  // The same model on the negation toy, validation accuracy every 125 steps for 8 epochs.
  'lesson-negation': { presets: ['lesson-lstm'], args: ['--task', 'negation', '--epochs', '8', '--eval-every', '125'] },
  // The three adding presets at a short lag, with the paper's RMSProp 1e-3 (batch 50, clip 1, seed 42 from the presets).
  'adding-t20': { presets: ['adding-simplernn', 'adding-gru', 'adding-lstm'], args: ['--seq-len', '20', '--steps', '1000', '--optimizer', 'rmsprop', '--lr', '0.001', '--eval-every', '100'] },
  // The adding problem at T = 100 with Adam 0.01, clip 1 (docs/training.md's recipe), then the trained gradients.
  'adding-t100': {
    presets: ['adding-lstm', 'adding-simplernn', 'adding-gru'],
    args: ['--seq-len', '100', '--steps', '1500', '--optimizer', 'adam', '--lr', '0.01', '--clip', '1', '--eval-every', '100'],
    probe: ['--seq-len', '100'],
  },
  // The same with the uRNN paper's optimizer and rate (the adding presets' settings until 2026-11-29).
  'adding-t100-rmsprop': {
    presets: ['adding-lstm', 'adding-simplernn', 'adding-gru'],
    args: ['--seq-len', '100', '--steps', '2000', '--optimizer', 'rmsprop', '--lr', '0.001', '--clip', '1', '--eval-every', '100'],
  },
  // Gradients at T = 100 with RMSProp 1e-3: at initialisation, after 200 and after 4,000 steps.
  'adding-t100-probes': {
    presets: ['adding-simplernn', 'adding-lstm', 'adding-gru'],
    args: ['--seq-len', '100', '--optimizer', 'rmsprop', '--lr', '0.001', '--clip', '1', '--eval-every', '250'],
    probe: ['--seq-len', '100'],
    steps: [0, 200, 4000],
  },
  // The same recipe at shorter lags, where the SimpleRNN can learn: trained gradients at T = 30 and 50.
  'adding-lags': {
    presets: ['adding-simplernn', 'adding-lstm'],
    args: ['--optimizer', 'rmsprop', '--lr', '0.001', '--clip', '1', '--eval-every', '250'],
    probe: [],
    lags: [[30, 1200], [50, 3000]],
  },
};

const [set, ...only] = process.argv.slice(2);
const spec = SETS[set];
if (!spec) throw new Error(`usage: npx tsx scripts/measure-runs.ts <${Object.keys(SETS).join('|')}> [preset …]`);
const OUT = new URL(`../docs/data/${set}.json`, import.meta.url);
type Run = Record<string, unknown> & { preset: string };
const runs: Run[] = only.length && existsSync(OUT) ? (JSON.parse(readFileSync(OUT, 'utf8')) as { runs: Run[] }).runs : [];
const save = () => writeFileSync(OUT, JSON.stringify({ measured: new Date().toISOString().slice(0, 10), runs }, null, 1) + '\n');
/** One entry per run: extra training arguments, extra probe arguments, and how the run is told apart in the file. */
const variants: { tag: string; steps: number | null; seqLen: number | null; seed?: number }[] = spec.lags
  ? spec.lags.map(([T, n]) => ({ tag: `@T${T}`, steps: n, seqLen: T }))
  : spec.seeds ? spec.seeds.map((seed) => ({ tag: `@seed${seed}`, steps: null, seqLen: null, seed }))
  : (spec.steps ?? [null]).map((n) => ({ tag: n === null ? '' : `@${n}`, steps: n, seqLen: null }));
for (const { tag, steps, seqLen, seed } of variants)
  for (const preset of only.length ? only : spec.presets) {
    const dir = `tmp/measure-runs/${set}/${preset}${tag}`;
    const lag = seqLen === null ? [] : ['--seq-len', String(seqLen)];
    const args = [...spec.args, ...lag, ...(steps === null ? [] : ['--steps', String(steps)]), ...(seed === undefined ? [] : ['--seed', String(seed)]), ...(spec.probe ? ['--out', dir] : [])];
    let trained: Record<string, unknown> = { steps: 0 };
    if (steps !== 0) {
      const command = `npx rnn-studio train presets/${preset}.json ${args.join(' ')} --json`;
      process.stderr.write(`${command}\n`);
      const { losses: _losses, ...r } = await trainJson([`presets/${preset}.json`, ...args]);
      process.stderr.write(`  validation ${r.metric} ${r.finalMetric.toFixed(4)}, loss ${r.finalLoss.toFixed(4)} in ${r.wallSeconds} s\n`);
      // The machine's 1-minute load average as the run ended: the wall time means little without it.
      trained = { command, ...r, loadAvg: +loadavg()[0].toFixed(1) };
    }
    let probe = {};
    if (spec.probe) {
      const probeArgs = [`presets/${preset}.json`, ...(steps === 0 ? [] : ['--weights', dir]), ...spec.probe, ...lag];
      const probeCommand = `npx rnn-studio probe ${probeArgs.join(' ')} --json`;
      process.stderr.write(`${probeCommand}\n`);
      const p = await cliJson<{ seqLen: number; layers: { name: string; direction: string; gradNorm: number[] }[] }>(['probe', ...probeArgs]);
      probe = { probeCommand, probe: { seqLen: p.seqLen, layers: p.layers.map(({ name, direction, gradNorm }) => ({ name, direction, gradNorm })) } };
    }
    const run = { preset, ...trained, ...probe };
    const i = runs.findIndex((x) => x.preset === preset && (steps === null || x.steps === steps) && (seqLen === null || x.seqLen === seqLen) && (seed === undefined || x.seed === seed));
    if (i >= 0) runs[i] = run;
    else runs.push(run);
    save(); // after every run, so a long set keeps what it measured
  }
