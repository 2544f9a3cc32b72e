/**
 * What the spam corpus costs the built app: builds it (`vite build` into a temporary folder), and for every chunk that
 * holds the subjects, measures the chunk with and without the subjects' object literal (bytes and gzip -9).
 * Writes docs/data/spam-bundle.json. Run: `npx tsx scripts/spam-bundle-cost.ts` (one build, ≈ 1 min).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const out = mkdtempSync(join(tmpdir(), 'spam-bundle-'));
execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--outDir', out, '--emptyOutDir', '--logLevel', 'error'], { stdio: 'inherit' });

/** The end of the object literal that starts at `from` (braces counted outside string literals). */
function literalEnd(s: string, from: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i + 1;
  }
  throw new Error('unterminated object literal');
}

const size = (t: string) => ({ bytes: Buffer.byteLength(t), gzip: gzipSync(t, { level: 9 }).length });
const chunks = readdirSync(join(out, 'assets')).filter((f) => f.endsWith('.js')).flatMap((f) => {
  const s = readFileSync(join(out, 'assets', f), 'utf8');
  const at = s.search(/\{source:["'`]@stdlib\/datasets-spam-assassin/);
  if (at < 0) return [];
  const withData = size(s);
  const without = size(s.slice(0, at) + '{}' + s.slice(literalEnd(s, at)));
  return [{ chunk: f.replace(/-[\w-]{8}\.js$/, ''), ...withData, addedBytes: withData.bytes - without.bytes, addedGzip: withData.gzip - without.gzip,
    addedGzipPercent: +((100 * (withData.gzip - without.gzip)) / without.gzip).toFixed(1) }];
});
if (!chunks.length) throw new Error('no chunk holds the spam subjects');
writeFileSync(new URL('../docs/data/spam-bundle.json', import.meta.url), JSON.stringify({ chunks }, null, 1) + '\n');
console.log(chunks);
