/**
 * Hostile Keras files against the bounded importer (src/codegen/import-keras-file.ts): mutated copies of real
 * `.keras`/`.h5` fixtures (bytes flipped, huge integers written into headers, truncations, splices), zip bombs (an
 * entry that inflates past its declared size, honest declarations of 4 GB, ratios deflate cannot reach, 65,000
 * entries), and oversized declarations (a dataset of 100M floats, a compressed dataset, an Embedding of
 * 576M parameters). Each file is read with its weights in a worker thread, one at a time; the main thread samples the
 * process's resident memory every millisecond, so "extra memory" is the peak RSS during the read minus RSS just
 * before it (after a GC).
 *
 *   npx tsx scripts/fuzz-imports.ts [--count 10000] [--seed 1] [--json]
 *
 * `--json` prints `{count, refused, opened, invalid, worstMs, worstExtraMB, multiLine, kinds: {kind: {count, worstMs,
 * worstExtraMB}}, limits, node, loadAverage, cpus}` (docs/data/import-fuzz.json). The fixtures come from
 * tests/fixtures/keras/make_keras_files.py (h5py), so Python with h5py is needed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { deflateRawSync } from 'node:zlib';
import { Rng } from '../src/datasets/rng.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PYTHON = '/usr/bin/python3';

/** What the issue asks of every file: an answer within 2 s and 256 MB of extra memory. */
export const LIMITS = { ms: 2000, extraMB: 256 };

export interface FuzzCase {
  kind: string;
  name: string;
  bytes: Uint8Array;
}

// ── the files ───────────────────────────────────────────────────────────────────────────────────────────────────

/** Python (h5py) for the oversized HDF5 declarations, written beside the fixtures. */
const OVERSIZED_PY = `
import h5py, io, json, sys, zipfile
d = sys.argv[1]
def big_h5(path, dataset, **kw):
    with h5py.File(path, "a") as f:
        del f[dataset]
        f.create_dataset(dataset, **kw)
# 100M float32 declared, nothing written (HDF5 allocates late: the file stays small).
big_h5(d + "/huge.h5", "model_weights/dense/dense/kernel:0", shape=(10000, 10000), dtype="f4")
# The right shape, but gzip-compressed chunks.
import numpy as np
big_h5(d + "/gzip.h5", "model_weights/dense/dense/kernel:0", data=np.zeros((5, 3), "f4"), compression="gzip", chunks=(5, 3))
z = zipfile.ZipFile(d + "/seq_embedding_lstm.keras")
files = {n: z.read(n) for n in z.namelist()}
b = io.BytesIO(files["model.weights.h5"])
with h5py.File(b, "a") as f:
    del f["layers/dense/vars/0"]
    f["layers/dense/vars"].create_dataset("0", shape=(10000, 10000), dtype="f4")
files["model.weights.h5"] = b.getvalue()
with zipfile.ZipFile(d + "/huge.keras", "w") as out:
    [out.writestr(n, v) for n, v in files.items()]
`;

/** A zip from entries given as they should be declared (the data may not match the declaration). */
export function makeZip(entries: { name: string; data: Uint8Array; method?: 0 | 8; declared?: number }[], count = entries.length): Uint8Array {
  const local: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = new TextEncoder().encode(e.name);
    const size = e.declared ?? e.data.length;
    const h = new DataView(new ArrayBuffer(30));
    h.setUint32(0, 0x04034b50, true);
    h.setUint16(4, 20, true);
    h.setUint16(8, e.method ?? 0, true);
    h.setUint32(18, e.data.length, true);
    h.setUint32(22, size >= 2 ** 32 ? 0xffffffff : size, true);
    h.setUint16(26, name.length, true);
    local.push(new Uint8Array(h.buffer), name, e.data);
    const zip64 = size >= 2 ** 32;
    const c = new DataView(new ArrayBuffer(46 + (zip64 ? 12 : 0)));
    c.setUint32(0, 0x02014b50, true);
    c.setUint16(4, 20, true);
    c.setUint16(6, 20, true);
    c.setUint16(10, e.method ?? 0, true);
    c.setUint32(20, e.data.length, true);
    c.setUint32(24, zip64 ? 0xffffffff : size, true);
    c.setUint16(28, name.length, true);
    c.setUint16(30, zip64 ? 12 : 0, true);
    c.setUint32(42, offset, true);
    const head = new Uint8Array(c.buffer, 0, 46);
    if (zip64) {
      c.setUint16(46, 0x0001, true);
      c.setUint16(48, 8, true);
      c.setBigUint64(50, BigInt(size), true);
    }
    central.push(head, name, new Uint8Array(c.buffer, 46));
    offset += 30 + name.length + e.data.length;
  }
  const cdSize = central.reduce((s, p) => s + p.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, Math.min(count, 0xffff), true);
  end.setUint16(10, Math.min(count, 0xffff), true);
  end.setUint32(12, cdSize, true);
  end.setUint32(16, offset, true);
  return Buffer.concat([...local, ...central, new Uint8Array(end.buffer)]);
}

/** The entries of a well-formed zip (our fixtures: stored, no zip64), for rebuilding it with one part replaced. */
function unzipStored(b: Uint8Array): { name: string; data: Uint8Array }[] {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: { name: string; data: Uint8Array }[] = [];
  for (let at = 0; v.getUint32(at, true) === 0x04034b50;) {
    const size = v.getUint32(at + 18, true);
    const n = v.getUint16(at + 26, true);
    const start = at + 30 + n + v.getUint16(at + 28, true);
    out.push({ name: new TextDecoder().decode(b.subarray(at + 30, at + 30 + n)), data: b.subarray(start, start + size) });
    at = start + size;
  }
  return out;
}

/**
 * The starting files: every fixture of make_keras_files.py, the Python-made oversized declarations, and the zip
 * bombs built here. Written to a temporary folder that is removed before returning.
 */
export function seedFiles(): FuzzCase[] {
  const dir = mkdtempSync(join(tmpdir(), 'fuzz-imports-'));
  try {
    execFileSync(PYTHON, [join(ROOT, 'tests/fixtures/keras/make_keras_files.py'), dir]);
    execFileSync(PYTHON, ['-c', `import shutil, sys\nfor n in ("huge", "gzip"): shutil.copy(sys.argv[1] + "/seq_embedding_lstm.h5", sys.argv[1] + "/" + n + ".h5")\n${OVERSIZED_PY}`, dir]);
    const files = readdirSync(dir).filter((f) => /\.(keras|h5)$/.test(f)).sort();
    const seeds: FuzzCase[] = files.map((f) => ({ kind: /^(huge|gzip)\./.test(f) ? 'oversized declaration' : 'fixture', name: f, bytes: new Uint8Array(readFileSync(join(dir, f))) }));
    const keras = unzipStored(seeds.find((s) => s.name === 'seq_embedding_lstm.keras')!.bytes);
    const replace = (name: string, e: Partial<(typeof keras)[0]> & { method?: 0 | 8; declared?: number }) => keras.map((k) => (k.name === name ? { ...k, ...e } : k));
    // 600 MB of zeros deflate to about 0.6 MB; read lazily, the zero pages cost no memory here.
    const zeros = deflateRawSync(Buffer.alloc(600 * 2 ** 20), { level: 1 });
    const config = JSON.parse(new TextDecoder().decode(keras.find((k) => k.name === 'config.json')!.data));
    config.config.layers[1].config.input_dim = 9e6; // × 64: 2.2 GB of float32
    config.config.layers[1].config.output_dim = 64;
    const bomb = (name: string, bytes: Uint8Array) => seeds.push({ kind: 'zip bomb', name, bytes });
    bomb('lying-weights.keras', makeZip(replace('model.weights.h5', { data: zeros, method: 8, declared: 50_000 })));
    bomb('lying-config.keras', makeZip(replace('config.json', { data: zeros, method: 8, declared: 4000 })));
    bomb('honest-600MB.keras', makeZip(replace('model.weights.h5', { data: zeros, method: 8, declared: 600 * 2 ** 20 })));
    bomb('honest-100MB.keras', makeZip(replace('model.weights.h5', { data: zeros.subarray(0, 200_000), method: 8, declared: 100 * 2 ** 20 })));
    bomb('declares-4GB.keras', makeZip(replace('model.weights.h5', { declared: 2 ** 32 + 5 })));
    bomb('ratio.keras', makeZip(replace('config.json', { data: zeros.subarray(0, 100), method: 8, declared: 400_000 })));
    bomb('65000-entries.keras', makeZip([...keras, ...Array.from({ length: 65_000 }, (_, i) => ({ name: `assets/${i}`, data: new Uint8Array(0) }))]));
    seeds.push({ kind: 'oversized declaration', name: 'embedding-9e6.keras', bytes: makeZip(replace('config.json', { data: new TextEncoder().encode(JSON.stringify(config)) })) });
    return seeds;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const BIG = [0xffffffff, 0x7fffffff, 0x80000000, 0xfffffffe, 0x10000, 0];

/**
 * `count` files: each seed once, then mutations of random seeds. Half the mutations aim at the parts where sizes
 * are declared (the first 4 KB of an HDF5 file or of the HDF5 file inside a zip, a zip's last 1 KB).
 */
export function* hostileCases(seeds: FuzzCase[], count: number, seed: number): Generator<FuzzCase> {
  const rng = new Rng(seed);
  for (let i = 0; i < count; i++) {
    if (i < seeds.length) {
      yield seeds[i];
      continue;
    }
    const s = rng.pick(seeds);
    const b = new Uint8Array(s.bytes);
    const h5At = Math.max(0, Buffer.from(b.buffer, b.byteOffset, b.length).indexOf('\x89HDF', 0, 'latin1'));
    const where = () => {
      const r = rng.int(0, 4);
      if (r === 0) return rng.int(0, b.length);
      if (r === 1) return Math.min(b.length - 1, h5At + rng.int(0, 4096));
      if (r === 2) return Math.max(0, b.length - rng.int(1, 1024));
      return rng.int(0, Math.min(b.length, 4096));
    };
    const kind = rng.pick(['flip bytes', 'huge integer', 'truncate', 'splice']);
    let bytes: Uint8Array = b;
    if (kind === 'flip bytes') for (let k = rng.int(1, 9); k > 0; k--) b[where()] = rng.int(0, 256);
    else if (kind === 'huge integer') {
      const at = where() & ~3;
      new DataView(b.buffer).setUint32(Math.min(at, b.length - 4), rng.pick(BIG), true);
    } else if (kind === 'truncate') bytes = b.subarray(0, rng.int(0, b.length));
    else {
      const at = where();
      const len = rng.int(1, 256);
      bytes = rng.bool() ? Buffer.concat([b.subarray(0, at), b.subarray(at + len)]) : Buffer.concat([b.subarray(0, at), b.subarray(at, at + len), b.subarray(at)]);
    }
    yield { kind, name: `${kind.replace(' ', '-')}-${i}-${s.name}`, bytes };
  }
}

// ── measuring ───────────────────────────────────────────────────────────────────────────────────────────────────

export interface CaseResult {
  kind: string;
  name: string;
  /** Opened with its weights. */
  ok: boolean;
  /** The architecture was read but does not compile (the CLI lists its diagnostics): nothing to decode. */
  invalid: boolean;
  /** The refusal, or null when the file opened. */
  error: string | null;
  ms: number;
  extraMB: number;
}

export interface FuzzFigures {
  count: number;
  refused: number;
  opened: number;
  /** Read, but the model they describe does not compile (so no weights are decoded). */
  invalid: number;
  worstMs: number;
  worstExtraMB: number;
  /** Refusals longer than one line (should be 0). */
  multiLine: number;
  /** Files over either limit (should be 0). */
  overLimits: number;
  kinds: Record<string, { count: number; worstMs: number; worstExtraMB: number }>;
  limits: typeof LIMITS;
  node: string;
  /** The machine's 1-minute load average at the end of the run (the times depend on it). */
  loadAverage: number;
  cpus: number;
}

const rssMB = () => process.memoryUsage.rss() / 2 ** 20;
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

/** Reads every case in a worker thread, one at a time, and measures it. A case that takes 30 s ends the worker and counts as over. */
export async function measure(cases: Iterable<FuzzCase>, onCase?: (r: CaseResult) => void): Promise<CaseResult[]> {
  // A worker thread does not inherit tsx's loader: the worker's first act is to register it; it says "ready" when loaded.
  const url = new URL('./fuzz-imports.worker.ts', import.meta.url).href;
  const start = async () => {
    const w = new Worker(`import('tsx/esm/api').then((m) => m.tsImport(${JSON.stringify(url)}, ${JSON.stringify(url)}))`, { eval: true });
    await new Promise((resolve, reject) => (w.once('message', resolve), w.once('error', reject)));
    return w;
  };
  let worker = await start();
  let asked = 0;
  /** Posts a message and waits for the answer with the same id; null after `timeoutMs`. */
  const ask = <T>(msg: object, timeoutMs: number) =>
    new Promise<T | null>((resolve, reject) => {
      const id = ++asked;
      const done = (v: T | null) => (clearTimeout(timer), worker.off('message', onMessage), worker.off('error', reject), resolve(v));
      const onMessage = (m: { id: number; answer: T }) => m.id === id && done(m.answer);
      const timer = setTimeout(() => done(null), timeoutMs);
      worker.on('message', onMessage);
      worker.once('error', reject);
      worker.postMessage({ ...msg, id });
    });
  const results: CaseResult[] = [];
  try {
    for (const c of cases) {
      await ask({ type: 'gc' }, 10_000);
      const before = rssMB();
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, rssMB())), 1);
      const r = await ask<{ ok: boolean; invalid: boolean; error: string | null; ms: number }>({ type: 'read', name: c.name, bytes: c.bytes }, 30_000);
      clearInterval(sampler);
      peak = Math.max(peak, rssMB());
      if (!r) {
        await worker.terminate();
        worker = await start();
      }
      const res: CaseResult = { kind: c.kind, name: c.name, ok: r?.ok ?? false, invalid: r?.invalid ?? false, error: r ? r.error : 'timed out after 30 s', ms: r ? r.ms : 30_000, extraMB: peak - before };
      results.push(res);
      onCase?.(res);
    }
  } finally {
    await worker.terminate();
  }
  return results;
}

export function figures(results: CaseResult[]): FuzzFigures {
  const kinds: FuzzFigures['kinds'] = {};
  for (const r of results) {
    const k = (kinds[r.kind] ??= { count: 0, worstMs: 0, worstExtraMB: 0 });
    k.count++;
    k.worstMs = Math.max(k.worstMs, round(r.ms));
    k.worstExtraMB = Math.max(k.worstExtraMB, round(r.extraMB));
  }
  return {
    count: results.length,
    refused: results.filter((r) => !r.ok && !r.invalid).length,
    opened: results.filter((r) => r.ok).length,
    invalid: results.filter((r) => r.invalid).length,
    worstMs: round(Math.max(...results.map((r) => r.ms))),
    worstExtraMB: round(Math.max(...results.map((r) => r.extraMB))),
    multiLine: results.filter((r) => r.error !== null && (r.error.includes('\n') || r.error.length < 10)).length,
    overLimits: results.filter((r) => r.ms >= LIMITS.ms || r.extraMB >= LIMITS.extraMB).length,
    kinds,
    limits: LIMITS,
    node: process.version,
    loadAverage: round(loadavg()[0]),
    cpus: cpus().length,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { count: { type: 'string' }, seed: { type: 'string' }, json: { type: 'boolean' } } });
  const count = Number(values.count ?? 10_000);
  const seeds = seedFiles();
  let worst: CaseResult | null = null;
  let seen = 0;
  const results = await measure(hostileCases(seeds, count, Number(values.seed ?? 1)), (r) => {
    if (!worst || r.ms > worst.ms) worst = r;
    if (++seen % 500 === 0) process.stderr.write(`${seen}/${count} files, slowest so far ${round(worst.ms)} ms (${worst.name})\n`);
    if (r.ms >= LIMITS.ms || r.extraMB >= LIMITS.extraMB) process.stderr.write(`over a limit: ${r.name}: ${round(r.ms)} ms, ${round(r.extraMB)} MB: ${r.error}\n`);
  });
  const f = figures(results);
  if (values.json) process.stdout.write(JSON.stringify(f) + '\n');
  else process.stdout.write(`${f.count} files: ${f.refused} refused, ${f.opened} opened, ${f.invalid} read as a model with problems; worst ${f.worstMs} ms, ${f.worstExtraMB} MB extra; ${f.overLimits} over the limits, ${f.multiLine} with more than one line.\n`);
  process.exitCode = f.overLimits || f.multiLine ? 1 : 0;
}
