/**
 * Runs the browser half of the benchmark in headless Chromium (Debian's /usr/lib/chromium/chromium through
 * playwright-core; no browser download): builds bench/browser with Vite, serves it with the tfjs wasm binaries,
 * and collects training-step times (wasm; webgl only when its renderer is not SwiftShader) and the heatmap redraw.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize } from 'node:path';
import { tmpdir } from 'node:os';
import react from '@vitejs/plugin-react';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import type { BenchPreset } from './models.ts';

const CHROMIUM = '/usr/lib/chromium/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm' };

interface Stat { median: number; min: number; max: number }
export interface ChromiumRow { preset: BenchPreset; seqLen: number; backend: string; stock: Stat; fused: Stat; ours: Stat }
export interface ConnectivityCost { seqLen: number; stepMs: number; rowMs: number; matrixMs: number }
export interface ChromiumReport { rows: ChromiumRow[]; heatmapMs: number | null; connectivity: ConnectivityCost | null; webglRenderer: string | null; note: string | null }

const stat = (xs: number[]): Stat => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[s.length >> 1], min: s[0], max: s[s.length - 1] };
};

/** Serves `root` and maps /wasm/* to the tfjs wasm binaries. */
function serve(root: string) {
  const wasmDir = join(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x').pathname;
    const file = url.startsWith('/wasm/') ? join(wasmDir, normalize(url.slice(6))) : join(root, normalize(url === '/' ? 'index.html' : url));
    if (!existsSync(file) || !statSync(file).isFile()) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise<{ port: number; close: () => void }>((ok) =>
    server.listen(0, '127.0.0.1', () => ok({ port: (server.address() as { port: number }).port, close: () => server.close() })));
}

/**
 * `train: false` skips the training steps (for `--heatmap-only`); `heatmap: false` the heatmap redraw;
 * `connectivity` also times P6 connectivity against a training step (bench/node-step.ts `timeConnectivity`).
 */
export async function runChromium(o: { cells: [BenchPreset, number][]; steps: number; quick: boolean; train: boolean; heatmap?: boolean;
  connectivity?: { seqLen: number; reps: number } }): Promise<ChromiumReport> {
  if (!existsSync(CHROMIUM)) return { rows: [], heatmapMs: null, connectivity: null, webglRenderer: null, note: `no Chromium at ${CHROMIUM}` };
  const outDir = join(tmpdir(), 'rnn-studio-bench-dist');
  await build({ configFile: false, root: join(import.meta.dirname, 'browser'), base: './', logLevel: 'error', plugins: [react()], build: { outDir, emptyOutDir: true } });
  const server = await serve(outDir);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(0);
    await page.goto(`http://127.0.0.1:${server.port}/`);
    await page.waitForFunction(() => (window as unknown as { rnnBenchReady?: boolean }).rnnBenchReady === true);
    type Api = { rnnBench: { train: (a: unknown) => Promise<{ preset: BenchPreset; seqLen: number; backend: string; stock: number[]; fused: number[]; ours: number[] }[]>; webglRenderer: () => string | null; heatmap: () => Promise<number>;
      connectivity: (a: { seqLen: number; reps: number }) => Promise<Omit<ConnectivityCost, 'seqLen'>> } };
    const renderer = await page.evaluate(() => (window as unknown as Api).rnnBench.webglRenderer());
    const backends = ['wasm'];
    let note: string | null = null;
    if (renderer && !/swiftshader|llvmpipe|software/i.test(renderer)) backends.push('webgl');
    else note = `webgl skipped: renderer ${renderer ?? 'none'} is software (platform.md trap 7)`;
    const rows: ChromiumRow[] = [];
    for (const backend of o.train ? backends : []) {
      const raw = await page.evaluate((a) => (window as unknown as Api).rnnBench.train(a), { backend, cells: o.cells, steps: o.steps });
      rows.push(...raw.map((r) => ({ preset: r.preset, seqLen: r.seqLen, backend: r.backend, stock: stat(r.stock), fused: stat(r.fused), ours: stat(r.ours) })));
    }
    const heatmapMs = o.heatmap === false ? null : await page.evaluate(() => (window as unknown as Api).rnnBench.heatmap());
    const c = o.connectivity;
    const connectivity = c ? { seqLen: c.seqLen, ...(await page.evaluate((a) => (window as unknown as Api).rnnBench.connectivity(a), c)) } : null;
    return { rows, heatmapMs: heatmapMs === null ? null : Math.round(heatmapMs * 10) / 10, connectivity, webglRenderer: renderer, note };
  } finally {
    await browser.close();
    server.close();
  }
}
