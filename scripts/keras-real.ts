/**
 * Real Keras model configs, JSON and YAML (tests/fixtures/keras-real/, provenance in its index.json), opened as a new
 * user would (`rnn-studio summary model.json`: import, compile, summarise), each total compared with Keras's total computed by
 * tests/fixtures/keras-real/count.py from Keras's formulas (integers, independent of our code).
 *
 *   npx tsx scripts/keras-real.ts [--json]
 *
 * `--json` prints `{total, opened, sameTotal, files: {file: {keras, opened, params?, expected, error?}}}`
 * (docs/data/keras-real.json).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importModelJson } from '../src/codegen/import-keras.ts';
import { compile, summarize } from '../src/compiler/index.ts';

export const DIR = fileURLToPath(new URL('../tests/fixtures/keras-real/', import.meta.url));

export interface RealResult {
  keras: string;
  opened: boolean;
  /** Our summary's total, when the model opened. */
  params?: number;
  /** count.py's total, or the layer class it does not model. */
  expected: number | { refused: string };
  /** The one line a user sees when it does not open. */
  error?: string;
}

/** Opens one model JSON the way `rnn-studio summary` does: the total, or the one-line reason it does not open. */
export function openAsUser(text: string): { params: number } | { error: string } {
  const r = importModelJson(text);
  if (!r.ok) return { error: r.error };
  const c = compile(r.model.doc);
  if (!c.ir) return { error: c.diagnostics.map((d) => `${d.code}: ${d.message}`).join(' ') };
  return { params: summarize(c.ir).totalParams };
}

export function tally(): { total: number; opened: number; sameTotal: number; files: Record<string, RealResult> } {
  const index = JSON.parse(readFileSync(join(DIR, 'index.json'), 'utf8')) as { files: Record<string, { keras: string }> };
  const names = readdirSync(DIR).filter((f) => /\.(json|ya?ml)$/.test(f) && f !== 'index.json').sort();
  const expected = JSON.parse(execFileSync('/usr/bin/python3', [join(DIR, 'count.py'), ...names.map((n) => join(DIR, n))], { encoding: 'utf8' })) as Record<string, RealResult['expected']>;
  const files: Record<string, RealResult> = {};
  for (const n of names) {
    const got = openAsUser(readFileSync(join(DIR, n), 'utf8'));
    files[n] = { keras: index.files[n]?.keras ?? 'unknown', opened: 'params' in got, ...got, expected: expected[n] };
  }
  const all = Object.values(files);
  return { total: all.length, opened: all.filter((f) => f.opened).length, sameTotal: all.filter((f) => f.params !== undefined && f.params === f.expected).length, files };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const t = tally();
  if (process.argv.includes('--json')) console.log(JSON.stringify(t, null, 1));
  else {
    for (const [n, f] of Object.entries(t.files)) console.log(`${f.opened ? 'opens ' : 'refused'} ${n}: ${f.opened ? `${f.params} (Keras ${JSON.stringify(f.expected)})` : f.error}`);
    console.log(`${t.opened} of ${t.total} open; ${t.sameTotal} with Keras's parameter total`);
  }
}
