/**
 * `rnn-studio race [graph.json]`: the Inside tab's race, headless — the SimpleRNN, LSTM and GRU versions of the graph
 * (default: presets/race-adding.json) trained one after the other with the race's settings (RACE_DEFAULTS, the same
 * object the app reads), then the validation loss and g₁/g_T of the first recurrent layer at initialisation and
 * after training, per model.
 */
import { fileURLToPath } from 'node:url';
import { RACE_DEFAULTS, raceVerdict, type RaceResult } from '../runtime/probes/race-settings.ts';
import { race } from '../runtime/probes/race.ts';
import { initTfNode } from '../runtime/setup-node.ts';
import { TASKS } from '../datasets/index.ts';
import { CliError, print, printJson, readGraphOrModel, MODEL_FILE_OPTIONS, modelFileFlags } from './io.ts';
import type { Command } from './command.ts';

export const RACE_PRESET_PATH = fileURLToPath(new URL('../../presets/race-adding.json', import.meta.url));

function int(v: string | boolean | undefined, flag: string, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isInteger(n) || n < min) throw new CliError(`--${flag} must be a whole number ≥ ${min}; got "${String(v)}".`);
  return n;
}

const g = (x: number | null) => (x === null ? '—' : x === 0 ? '0' : x.toExponential(1));

function printHuman(r: RaceResult) {
  print(`race on ${r.task}, T = ${r.seqLen}, ${r.steps} steps per model; baseline loss ${r.baseline.toFixed(3)}`);
  print('model       val loss  × baseline  g1/gT init  g1/gT trained  time');
  for (const m of r.models)
    print(`${m.kind.padEnd(10)}  ${m.valLoss.toFixed(4).padStart(8)}  ${(m.valLoss / r.baseline).toFixed(3).padStart(10)}  ${g(m.gradRatioInit).padStart(10)}  ${g(m.gradRatioTrained).padStart(13)}  ${(m.ms / 1000).toFixed(1)} s`);
  const v = raceVerdict(r);
  print(`SimpleRNN ≥ 0.8 × baseline: ${v.simpleStays ? 'yes' : 'no'}; LSTM and GRU ≤ 0.1 × baseline: ${v.gatedLearn ? 'yes' : 'no'}; ` +
    `their trained g1/gT ≥ 100 × the SimpleRNN's: ${v.gatedCarry ? 'yes' : 'no'}`);
}

export const raceCmd: Command = {
  usage: 'race [graph.json|model.json|model.keras|model.h5] [--task NAME] [--seq-len T] [--units N] [--steps N] [--seed S] [--json]\n' +
    '                                   SimpleRNN vs LSTM vs GRU versions of the graph: loss and g1/gT, as in the Inside tab',
  options: { task: { type: 'string' }, 'seq-len': { type: 'string' }, units: { type: 'string' }, steps: { type: 'string' }, seed: { type: 'string' }, json: { type: 'boolean' }, ...MODEL_FILE_OPTIONS },
  run: async ({ positionals, values: v }) => {
    // The race trains fresh SimpleRNN, LSTM and GRU versions of the architecture: a model file's weights are not used.
    const doc = (await readGraphOrModel(positionals[0] ?? RACE_PRESET_PATH, { weights: false, ...modelFileFlags(v) })).doc;
    const task = v.task as string | undefined;
    if (task !== undefined && !TASKS[task]) throw new CliError(`Unknown task "${task}"; known: ${Object.keys(TASKS).join(', ')}.`);
    const opts = {
      task, seqLen: int(v['seq-len'], 'seq-len', 1), units: int(v.units, 'units', 1), steps: int(v.steps, 'steps', 1), seed: int(v.seed, 'seed', 0),
    };
    await initTfNode('wasm');
    let failed: string | undefined;
    const r = await race(doc, { ...opts, every: opts.steps ?? RACE_DEFAULTS.steps }, (e) => {
      if (e.type === 'error') failed ??= `${e.run}: ${e.message}`;
      else if (e.type === 'done' && e.result && !v.json) process.stderr.write(`${e.run} done in ${(e.result.ms / 1000).toFixed(1)} s\n`);
    }).catch((e: Error) => {
      throw new CliError(e.message, 1);
    });
    if (failed) throw new CliError(failed, 1);
    if (v.json) printJson(r);
    else printHuman(r);
    return 0;
  },
};
