/** The shape of one `rnn-studio` command; commands depend on this file and `main.ts` depends on the commands. */
import type { ParseArgsConfig } from 'node:util';

export interface Command {
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(args: { positionals: string[]; values: Record<string, string | boolean | undefined> }): number | Promise<number>;
}
