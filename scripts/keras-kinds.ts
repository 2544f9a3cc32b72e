/**
 * Writes docs/data/keras-kinds.json: every Keras layer class the importer accepts (each kind's `keras.classNames`
 * in the registry), and for each kind the test files that check it, the Keras config forms those tests read and what
 * "same maths" they test against. Nothing is typed by hand; it is read from the tests themselves:
 * - a test file checks the kinds its header comment names, plus, when it runs tests/fixtures/keras/make_keras_files.py,
 *   the kinds of the Keras files that script writes, and, when it runs every preset, the kinds the presets use;
 * - its references are what its header says it compares with: "PyTorch", "float64 numpy", "by hand" (a hand count);
 * - its versions (of configs or weights read) are the Keras versions its header names ("Keras 1", "tf.keras 2"/"Keras 2", "Keras 3"), plus
 *   Keras 3 `.keras` and tf.keras 2.15 `.h5` for the make_keras_files.py kinds, and TF.js for "saved with stock TF.js".
 *
 *   npx tsx scripts/keras-kinds.ts > docs/data/keras-kinds.json && npm run docs:tables
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAYERS } from '../src/layers/index.ts';
import { ROOT } from './doc-tables.ts';

const TEST_DIRS = ['tests/export', 'tests/codegen', 'tests/layers'];
const FIXTURE = 'tests/fixtures/keras/make_keras_files.py';

const header = (text: string) => /\/\*\*([\s\S]*?)\*\//.exec(text)?.[1].replace(/\s*\*\s?/g, ' ') ?? '';
const word = (text: string, w: string) => new RegExp(`(^|[^\\w])${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^\\w]|$)`).test(text);

const fixtureKinds = new Set([...readFileSync(join(ROOT, FIXTURE), 'utf8').matchAll(/"kind": "(\w+)"|"inner": \("(\w+)"/g)].map((m) => m[1] ?? m[2]));
const presetKinds = new Set(
  readdirSync(join(ROOT, 'presets'))
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => (JSON.parse(readFileSync(join(ROOT, 'presets', f), 'utf8')).graph.nodes as { data: { kind: string } }[]).map((n) => n.data.kind)),
);

interface Check { file: string; kinds: Set<string>; references: string[]; versions: string[] }

const checks: Check[] = TEST_DIRS.flatMap((dir) =>
  readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith('.test.ts'))
    .map((f): Check => {
      const text = readFileSync(join(ROOT, dir, f), 'utf8');
      const h = header(text);
      const fixture = text.includes('make_keras_files.py');
      const kinds = new Set(Object.values(LAYERS).filter((s) => [s.kind, ...s.keras.classNames].some((c) => word(h, c))).map((s) => s.kind as string));
      if (fixture) fixtureKinds.forEach((k) => kinds.add(k));
      if (/\bPRESETS\b/.test(text) && /every preset/i.test(h)) presetKinds.forEach((k) => kinds.add(k));
      const references = [/PyTorch/.test(h) && 'PyTorch', /float64 numpy/.test(h) && 'float64 numpy', /by hand|hand count/.test(h) && 'hand count'].filter((x): x is string => !!x);
      const versions = [
        word(h, 'Keras 1') && 'Keras 1',
        (/tf\.keras 2|Keras 2/.test(h) || fixture) && 'Keras 2',
        (word(h, 'Keras 3') || fixture) && 'Keras 3',
        /saved with stock TF\.js/.test(h) && 'TF.js',
      ].filter((x): x is string => !!x);
      return { file: `${dir}/${f}`, kinds, references, versions };
    })
    .filter((c) => c.kinds.size > 0 && (c.references.length > 0 || c.versions.length > 0)),
);

const union = (xs: string[][], order: string[]) => order.filter((o) => xs.some((x) => x.includes(o)));

/** What docs/data/keras-kinds.json holds. */
export const kerasKinds = () => ({ kinds: Object.values(LAYERS).map((s) => {
  const mine = checks.filter((c) => c.kinds.has(s.kind));
  return {
    kind: s.kind,
    classNames: [...s.keras.classNames],
    versions: union(mine.map((c) => c.versions), ['Keras 1', 'Keras 2', 'Keras 3', 'TF.js']),
    references: union(mine.map((c) => c.references), ['PyTorch', 'float64 numpy', 'hand count']),
    tests: mine.map((c) => c.file),
  };
}) });

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.stdout.write(`${JSON.stringify(kerasKinds(), null, 1)}\n`);
