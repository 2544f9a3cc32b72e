/**
 * Hostile Keras files are bounded: every declared size is checked before anything is inflated or decoded. The
 * fixtures come from tests/fixtures/keras/make_keras_files.py (h5py); the hostile files from scripts/fuzz-imports.ts
 * (zip bombs, oversized declarations, mutations), read in a worker thread while the process's memory is sampled.
 * `check` and `summary` read declared shapes only: a file whose data lies past its end passes them and is refused by
 * `import`, and a file whose weights do not fit the model is refused by `check` (it used to print OK).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { figures, hostileCases, LIMITS, measure, seedFiles, type CaseResult, type FuzzCase } from '../../scripts/fuzz-imports.ts';
import { readKerasFile } from '../../src/codegen/import-keras-file.ts';
import { cli, PYTHON, ROOT, scratchDir } from './helpers.ts';

const DIR = scratchDir('import-bounds');
let seeds: FuzzCase[];
beforeAll(() => {
  execFileSync(PYTHON, [join(ROOT, 'tests/fixtures/keras/make_keras_files.py'), DIR]);
  seeds = seedFiles();
});

/** A copy of a fixture changed by Python (h5py, struct). */
function broken(src: string, name: string, code: string): string {
  const path = join(DIR, name);
  writeFileSync(path, readFileSync(join(DIR, src)));
  execFileSync(PYTHON, ['-c', `import h5py, struct, numpy as np\npath = ${JSON.stringify(path)}\n${code}`]);
  return path;
}

describe('zip bombs and oversized declarations are refused by name, before anything is decoded', () => {
  let results: Map<string, CaseResult>;
  beforeAll(async () => {
    results = new Map((await measure(seeds.filter((s) => s.kind !== 'fixture'))).map((r) => [r.name, r]));
  }, 120_000);

  it.each([
    ['lying-weights.keras', /model.weights.h5 inflates to more than the 50,000 bytes it declares \(a zip bomb\); stopped there/],
    ['lying-config.keras', /config.json inflates to more than the 4,000 bytes it declares/],
    ['honest-600MB.keras', /model.weights.h5 declares 629,145,600 bytes \(600.0 MB\) uncompressed; the limit is 536,870,912 bytes \(512.0 MB\)/],
    ['honest-100MB.keras', /model.weights.h5 declares 104,857,600 bytes \(100.0 MB\), but the model's weights take [\d,]+ bytes .*the file does not belong to this model/],
    ['declares-4GB.keras', /declares 4,294,967,301 bytes \(4096.0 MB\) uncompressed/],
    ['ratio.keras', /config.json declares 400,000 bytes from 100 bytes compressed, a ratio deflate cannot reach/],
    ['65000-entries.keras', /declares 65,003 zip entries; a .keras file has a handful \(the limit is 1000\)/],
    ['embedding-9e6.keras', /the model declares 576,[\d,]+ parameters, [\d,]+ bytes \([\d.]+ MB\) of float32 weights; the limit is 536,870,912 bytes/],
    ['huge.h5', /model_weights\/dense\/dense\/kernel:0 has shape \[10000, 10000\]; layer "dense" \(Dense\) needs \[5, 3\] for its kernel/],
    ['huge.keras', /layers\/dense\/vars\/0 has shape \[10000, 10000\]; layer "dense" \(Dense\) needs \[5, 3\]/],
    ['gzip.h5', /kernel:0 is stored compressed \(HDF5 filters\)/],
  ])('%s', (name, message) => {
    const r = results.get(name)!;
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(message);
    expect(r.error).not.toContain('\n');
    expect(r.ms).toBeLessThan(LIMITS.ms);
    expect(r.extraMB).toBeLessThan(LIMITS.extraMB);
  });
});

describe('fuzz (the full 10,000 files: scripts/fuzz-imports.ts)', () => {
  it('200 mutated files, bombs and fixtures: each opens or is refused in one line, within 2 s and 256 MB', async () => {
    const results = await measure(hostileCases(seeds, 200, 2024));
    const f = figures(results);
    for (const r of results) {
      expect(r.ms, r.name).toBeLessThan(LIMITS.ms);
      expect(r.extraMB, r.name).toBeLessThan(LIMITS.extraMB);
      if (!r.ok && !r.invalid) expect(r.error, r.name).toMatch(/^[^\n]{10,}$/);
    }
    expect(f.multiLine + f.overLimits).toBe(0);
    // Both outcomes occur: the mutations are not all fatal, and not all harmless.
    expect(f.opened).toBeGreaterThan(10);
    expect(f.refused).toBeGreaterThan(60);
  }, 180_000);

  it('every file that opens has its weights: as many bytes as its entries declare', async () => {
    for (const c of hostileCases(seeds, 80, 99)) {
      const r = await readKerasFile(c.bytes, c.name);
      if (!r.ok || !r.weights) continue;
      expect(r.weights.bytes.length).toBe(4 * r.weights.entries.reduce((s, e) => s + e.shape.reduce((a, b) => a * b, 1), 0));
    }
  });
});

describe('check and summary read declared shapes, never the data', () => {
  // The dense kernel's data address (found by h5py) moved past the end of the file: its header is intact.
  const pastEnd = () =>
    broken('seq_embedding_lstm.h5', 'past-end.h5', `f = h5py.File(path, "r")
off = f["model_weights/dense/dense/kernel:0"].id.get_offset()
f.close()
b = open(path, "rb").read()
assert b.count(struct.pack("<Q", off)) == 1
open(path, "wb").write(b.replace(struct.pack("<Q", off), struct.pack("<Q", 2**40)))`);

  it('a file whose weight data lies past its end: check and summary pass, import is refused', async () => {
    const path = pastEnd();
    const check = await cli(['check', path]);
    expect(check.code, check.err).toBe(0);
    expect(check.out).toMatch(/past-end.h5: OK \(5 layers\)/);
    expect((await cli(['summary', path])).code).toBe(0);
    const imp = await cli(['import', path, '--out', join(DIR, 'past-end.json')]);
    expect(imp.code).toBe(2);
    expect(imp.err).toMatch(/model_weights\/dense\/dense\/kernel:0: its 15 floats lie past the end of the file/);
  });

  it('a file whose weights do not fit the model is refused by check, naming the array and both shapes', async () => {
    const path = broken('seq_embedding_lstm.h5', 'wrong-shape.h5', `f = h5py.File(path, "a")
del f["model_weights/lstm/lstm/lstm_cell/recurrent_kernel:0"]
f["model_weights/lstm/lstm/lstm_cell/recurrent_kernel:0"] = np.zeros((4, 20), "f4")`);
    const r = await cli(['check', path]);
    expect(r.code).toBe(2);
    expect(r.err.trim()).toMatch(/^rnn-studio check: \S+wrong-shape.h5: model_weights\/lstm\/lstm\/lstm_cell\/recurrent_kernel:0 has shape \[4, 20\]; layer "lstm" \(LSTM\) needs \[5, 20\] for its recurrent_kernel.$/);
  });

  it('--max-bytes bounds the file and the declared weights', async () => {
    const file = join(DIR, 'seq_embedding_lstm.keras');
    const small = await cli(['summary', file, '--max-bytes', '1K']);
    expect(small.code).toBe(2);
    expect(small.err).toMatch(/seq_embedding_lstm.keras is [\d,]+ bytes; the limit is 1,024 bytes \(raise it with --max-bytes\)/);
    expect((await cli(['summary', file, '--max-bytes', '1M'])).code).toBe(0);
    const bad = await cli(['summary', file, '--max-bytes', 'lots']);
    expect(bad.err).toMatch(/--max-bytes must be a size such as 600M, 2G or 1000000; got "lots"/);
  });
});
