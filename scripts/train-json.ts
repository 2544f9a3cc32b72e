/** Runs `rnn-studio train … --json` in a child process and returns the JSON summary it prints (for the measurement scripts). */
import { execFileSync } from 'node:child_process';

export interface TrainSummary {
  task: string; seqLen: number | null; steps: number; status: string; finalLoss: number; finalMetric: number; metric: string;
  baseline: number; baselineMetric: number | null; wallSeconds: number; msPerStep: number | null; seed: number;
  optimizer: string; learningRate: number; batchSize: number; clipNorm: number; params: number; losses: number[];
}

const bin = new URL('../bin/rnn-studio.mjs', import.meta.url).pathname;

export function trainJson(args: string[]): TrainSummary {
  const out = execFileSync(process.execPath, [bin, 'train', ...args, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 26 });
  return JSON.parse(out) as TrainSummary;
}
