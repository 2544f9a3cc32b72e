/** CLI plumbing shared by every command: reading graph files, printing, exit codes. */
import { readFileSync } from 'node:fs';
import { parseDocument, type GraphDoc } from '../graph/index.ts';

/** A user-facing failure: printed as one line, no stack trace. `code` 2 = unreadable input, 1 = invalid model. */
export class CliError extends Error {
  constructor(message: string, readonly code = 2) {
    super(message);
  }
}

export function readText(path: string | undefined, what = 'graph file'): string {
  if (!path) throw new CliError(`Missing the ${what} argument.`);
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new CliError(`Cannot read ${path}: ${err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'it is a folder' : err.message}.`);
  }
}

/** Reads and validates a graph file; exits with code 2 (via CliError) when it cannot be used. */
export function readGraph(path: string | undefined): GraphDoc {
  const r = parseDocument(readText(path));
  if (!r.ok) throw new CliError(`${path}: ${r.error}`);
  return r.doc;
}

export const print = (s: string) => process.stdout.write(s.endsWith('\n') ? s : s + '\n');
export const printJson = (v: unknown) => print(JSON.stringify(v));
