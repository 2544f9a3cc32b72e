/** The `rnn-studio` command line: the same core as the app, headless. */
import { parseArgs } from 'node:util';
import { check } from './check.ts';
import type { Command } from './command.ts';
import { exportCmd } from './export.ts';
import { importCmd } from './import.ts';
import { HeapError } from '../runtime/heap.ts';
import { CliError } from './io.ts';
import { probe } from './probe.ts';
import { raceCmd } from './race.ts';
import { predictCmd } from './predict.ts';
import { summary } from './summary.ts';
import { train } from './train.ts';

export const COMMANDS: Record<string, Command> = { check, summary, probe, train, export: exportCmd, import: importCmd, predict: predictCmd, race: raceCmd };

const help = () =>
  `rnn-studio — build, train and look inside recurrent networks\n\nUsage:\n${Object.values(COMMANDS).map((c) => `  rnn-studio ${c.usage}`).join('\n')}\n\n` +
  `Commands that read a model file take --max-bytes SIZE (default 512M): a larger file, or one that declares more\n` +
  `weight bytes, is refused before it is decoded; --input-shape T,F (or T for token ids) when a Keras file does not\n` +
  `say its input shape; --drop-unsupported to open a Keras model without the layers RNN Studio does not have.\n` +
  `import, train --out and export --out replace their output only once it is complete: a failure leaves the old\n` +
  `output as it was.\n`;

/** Runs one command and returns the exit code. User errors print one line to stderr, never a stack trace. */
/**
 * tfjs warns once per built matrix (e.g. "Orthogonal initializer … Slowness may result", a dozen times for a
 * Bidirectional model); on a terminal each distinct warning is shown once.
 */
let warnOnceInstalled = false;
function warnOnce() {
  if (warnOnceInstalled) return;
  warnOnceInstalled = true;
  const seen = new Set<string>();
  const warn = console.warn.bind(console);
  console.warn = (...args: unknown[]) => {
    const key = args.map(String).join(' ').replace(/\d+/g, '#');
    if (!seen.has(key)) {
      seen.add(key);
      warn(...args);
    }
  };
}

export async function main(argv: string[]): Promise<number> {
  warnOnce();
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help());
    return name ? 0 : 2;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    process.stderr.write(`rnn-studio: unknown command "${name}".\n${help()}`);
    return 2;
  }
  try {
    const { positionals, values } = parseArgs({ args: rest, options: cmd.options, allowPositionals: true, strict: true });
    return await cmd.run({ positionals, values: values as Record<string, string | boolean | undefined> });
  } catch (e) {
    if (e instanceof CliError || e instanceof HeapError) {
      process.stderr.write(`rnn-studio ${name}: ${e.message}\n`);
      return e instanceof CliError ? e.code : 1; // a model or data too large for memory: like an invalid model
    }
    if ((e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`rnn-studio ${name}: ${(e as Error).message}\nUsage: rnn-studio ${cmd.usage}\n`);
      return 2;
    }
    process.stderr.write(`rnn-studio ${name}: internal error: ${(e as Error).message}\n`);
    return 3;
  }
}
