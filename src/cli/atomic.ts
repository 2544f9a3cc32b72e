/**
 * Outputs that appear whole or not at all (`import`, `train --out`, `export --out`). Everything is written into a
 * temporary folder beside the outputs; only then is each output moved into place by a rename, the old one first
 * moved aside into the temporary folder, which is removed at the end. A failure while writing removes the
 * temporary folder and leaves every old output as it was; a failure while moving puts the old ones back.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CliError } from './io.ts';

export interface OutputOptions {
  /**
   * Output folders keep the files of the old folder that this run does not write (an export into a folder that holds
   * other files); without it an output is replaced whole.
   */
  merge?: boolean;
}

/**
 * Calls `write` with one staging path per target (same base names, in a temporary folder beside the first target),
 * then moves what it wrote into place. A target whose staging path `write` left absent is removed (e.g. the old
 * `graph.weights/` of an import without weights: it belongs to the old graph).
 */
export async function writeOutputs(targets: string[], write: (staged: string[]) => void | Promise<void>, o: OutputOptions = {}): Promise<void> {
  const parent = dirname(resolve(targets[0]));
  let tmp: string;
  try {
    mkdirSync(parent, { recursive: true });
    tmp = mkdtempSync(join(parent, `.${basename(targets[0])}.tmp-`));
  } catch (e) {
    throw new CliError(`Cannot write next to ${targets[0]}: ${(e as Error).message}`);
  }
  const staged = targets.map((t) => join(tmp, basename(t)));
  try {
    await write(staged);
    if (o.merge)
      targets.forEach((t, i) => {
        if (!existsSync(t) || !statSync(t).isDirectory() || !existsSync(staged[i])) return;
        for (const e of readdirSync(t)) if (!existsSync(join(staged[i], e))) cpSync(join(t, e), join(staged[i], e), { recursive: true });
      });
    swap(targets, staged, tmp);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Moves each old target aside and each staged one in; on a failure, undoes the moves done so far. */
function swap(targets: string[], staged: string[], tmp: string): void {
  const done: { target: string; old: string | null; placed: boolean }[] = [];
  try {
    targets.forEach((target, i) => {
      const step = { target, old: existsSync(target) ? join(tmp, `.old-${i}`) : null, placed: false };
      done.push(step);
      if (step.old) renameSync(target, step.old);
      if (existsSync(staged[i])) {
        renameSync(staged[i], target);
        step.placed = true;
      }
    });
  } catch (e) {
    for (const s of done.reverse()) {
      if (s.placed) rmSync(s.target, { recursive: true, force: true });
      if (s.old && existsSync(s.old)) renameSync(s.old, s.target);
    }
    throw new CliError(`Cannot write ${done.at(-1)?.target ?? targets[0]}: ${(e as Error).message}; the old output is unchanged.`);
  }
}
