/**
 * Runs `rnn-studio train … --json` (the CLI's own code, in this process: one start-up for many runs) and returns the
 * JSON summary it prints; `cliJson` does the same for any command. For the measurement scripts; progress still goes
 * to stderr.
 */
import { main } from '../src/cli/main.ts';

export interface TrainSummary {
  task: string; seqLen: number | null; steps: number; status: string; finalLoss: number; finalMetric: number; metric: string;
  baseline: number; baselineMetric: number | null; leftBaselineAt: number | null; wallSeconds: number; msPerStep: number | null; seed: number;
  optimizer: string; learningRate: number; batchSize: number; clipNorm: number; params: number; losses: number[];
  /** Validation loss and metric every --eval-every steps. */
  evaluations: { step: number; loss: number; metric: number }[];
}

/** Runs `rnn-studio <command> … --json` in this process and returns the JSON it prints. */
export async function cliJson<T>(args: string[]): Promise<T> {
  let out = '';
  const write = process.stdout.write;
  process.stdout.write = ((s: string | Uint8Array) => ((out += String(s)), true)) as typeof process.stdout.write;
  let code: number;
  try {
    code = await main([...args, '--json']);
  } finally {
    process.stdout.write = write;
  }
  if (code !== 0) throw new Error(`rnn-studio ${args.join(' ')} exited with ${code}`);
  return JSON.parse(out) as T;
}

export const trainJson = (args: string[]): Promise<TrainSummary> => cliJson<TrainSummary>(['train', ...args]);
