/**
 * Real Keras model files (tests/fixtures/keras-real-files/, provenance and licenses in its index.json) opened as
 * `rnn-studio summary` and `predict` open them, against expected.json (written by reference.py there, without RNN
 * Studio: the file's own weight-array total, a float64 numpy forward pass, and Keras's own predictions where the
 * source kept them).
 *
 *   npx tsx scripts/keras-real-files.ts [--json]
 *
 * `--json` prints `{total, opened, sameTotal, matched, maxDiff, kerasChecked, kerasMaxDiff, refused: {reason: n},
 * versions}` (docs/data/keras-real-files.json; the gaps written as 1.6e-6, the versions as one list).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadTfModel } from '../src/cli/model-load.ts';
import { readGraphOrModel } from '../src/cli/io.ts';
import { compile, summarize } from '../src/compiler/index.ts';
import { predict, type OutputJson, type TensorJson } from '../src/runtime/predict.ts';

const DIR = fileURLToPath(new URL('../tests/fixtures/keras-real-files/', import.meta.url));

interface Entry { file: string; kerasVersion: string; refused?: string }
interface Expected { totalParams: number; input?: TensorJson; output?: { data: number[] }; keras?: { input: TensorJson; output: { data: number[] } } }

async function gap(path: string, x: TensorJson, y: number[]): Promise<number> {
  const { model } = await loadTfModel(path, undefined, undefined);
  try {
    const out = (await predict(model, [x])) as OutputJson;
    return out.data.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i])), 0);
  } finally {
    model.dispose();
  }
}

async function tally() {
  const { files } = JSON.parse(readFileSync(`${DIR}index.json`, 'utf8')) as { files: Entry[] };
  const expected = JSON.parse(readFileSync(`${DIR}expected.json`, 'utf8')) as Record<string, Expected>;
  const t = { total: files.length, opened: 0, sameTotal: 0, matched: 0, maxDiff: 0, kerasChecked: 0, kerasMaxDiff: 0, refused: {} as Record<string, number> };
  for (const e of files) {
    const path = `${DIR}${e.file}`, want = expected[e.file];
    if (e.refused) {
      t.refused[e.refused] = (t.refused[e.refused] ?? 0) + 1;
      continue;
    }
    const ir = compile((await readGraphOrModel(path, { weights: false })).doc).ir;
    if (!ir) continue;
    t.opened++;
    if (summarize(ir).totalParams === want.totalParams) t.sameTotal++;
    const d = await gap(path, want.input!, want.output!.data);
    t.maxDiff = Math.max(t.maxDiff, d);
    if (d <= 1e-5) t.matched++;
    if (want.keras) {
      t.kerasChecked++;
      t.kerasMaxDiff = Math.max(t.kerasMaxDiff, await gap(path, want.keras.input, want.keras.output.data));
    }
  }
  const versions = [...new Set(files.filter((e) => !e.refused).map((e) => e.kerasVersion))].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return { ...t, maxDiff: t.maxDiff.toExponential(1), kerasMaxDiff: t.kerasMaxDiff.toExponential(1), versions: versions.join(', ') };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const t = await tally();
  if (process.argv.includes('--json')) console.log(JSON.stringify(t, null, 1));
  else console.log(`${t.opened} of ${t.total} open (${t.sameTotal} with the file's parameter total); ${t.matched} predict within 1e-5 of the float64 reference (largest gap ${t.maxDiff}); ${t.kerasChecked} against Keras's own predictions: largest gap ${t.kerasMaxDiff}; refused: ${JSON.stringify(t.refused)}; Keras ${t.versions}`);
}
