/**
 * `npm run bench` — training-step speed of stock tfjs layers vs RNN Studio's previous fused engine vs its wasm SIMD
 * kernels (ours, the default) vs PyTorch, plus compile, probe and bundle measurements. Prints a table; with `--json`
 * the last line is one JSON object:
 *   {"machine":…, "results":[{"preset","seqLen","backend","env","oursMs","fusedMs","stockMs","pytorchMs",
 *    "oursOverStock","oursOverFused","oursOverPytorch","kernelsPerStep","recurrentKernelsPerStep", min/max…},…],
 *    "compile":…, "probe":…, "heatmap":…, "bundle":…}
 *
 * Options: --json, --quick (LSTM only, wasm, T=50: under 2 minutes), --steps N (timed steps per cell, default 4),
 * --presets a,b  --seq 50,200  --backends wasm,cpu  --cpu-seq 50  --cpu-steps 2  --no-pytorch  --no-chromium,
 * --probe-only (just the compile, probe and bundle lines), --heatmap-only (just the Chromium gate-heatmap redraw),
 * --connectivity-only (just the P6 connectivity cost against a training step, Node wasm and Chromium wasm),
 * --rows-only (just the training-step rows), --race-only (the default race on the old and the new engine). The GRU forms, one command (issue 12):
 *   npm run bench -- --presets GRU,GRU-resetAfter --seq 50 --backends wasm --no-chromium --rows-only --json
 * A preset with a length of its own (bench/models.ts OWN_SEQ: G2P-attention, encoder T 16) runs one cell at it
 * whatever --seq says; issue 20's row alone, Node and Chromium:
 *   npm run bench -- --presets G2P-attention --seq 16 --backends wasm --rows-only --json
 * Each cell times stock, fused and ours in turns (one step each per round, order reversed every round), then PyTorch
 * for the same (preset, T), so a busy machine slows all alike; compare the ratios, not the absolute times. Medians of
 * N steps after one untimed warm-up step.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { compile } from '../src/compiler/index.ts';
import { probeFused } from '../src/runtime/fused/index.ts';
import { probeModel } from '../src/runtime/probes/index.ts';
import { meanLoss } from '../src/runtime/train.ts';
import type { Engine } from '../src/runtime/build.ts';
import { race } from '../src/runtime/probes/race.ts';
import { RACE_DEFAULTS } from '../src/runtime/probes/race-settings.ts';
import { RACE_PRESET_PATH } from '../src/cli/race.ts';
import { readGraph } from '../src/cli/io.ts';
import { initTfNode } from '../src/runtime/setup-node.ts';
import { benchFull } from '../scripts/doc-tables.ts';
import { runChromium, type ChromiumReport, type ConnectivityCost } from './chromium.ts';
import { BENCH_PRESETS, benchCells, largeGraph, SIZES, benchGraph, type BenchPreset } from './models.ts';
import { batch, benchModel, countKernels, timeConnectivity, timeEngines, timeInterleaved } from './node-step.ts';

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const opt = (name: string, dflt: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : dflt;
};
const quick = flag('quick');
const json = flag('json');
const steps = Number(opt('steps', quick ? '3' : '4'));
const presets = opt('presets', quick ? 'LSTM' : BENCH_PRESETS.join(',')).split(',') as BenchPreset[];
const seqs = opt('seq', quick ? '50' : '50,200').split(',').map(Number);
const backends = opt('backends', quick ? 'wasm' : 'wasm,cpu').split(',') as ('wasm' | 'cpu')[];
// The cpu backend is 4–10× slower than wasm; its T=200 cells alone would take most of the 10-minute budget.
const cpuSeqs = opt('cpu-seq', '50').split(',').map(Number);
const cpuSteps = Number(opt('cpu-steps', String(Math.min(steps, 2))));
const log = (s: string) => process.stderr.write(s + '\n');

export interface Stat { median: number; min: number; max: number }
const stat = (xs: number[]): Stat => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return { median: n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2, min: s[0], max: s[n - 1] };
};
const r1 = (x: number | null) => (x == null ? null : Math.round(x * 10) / 10);
const r2 = (x: number | null) => (x == null ? null : Math.round(x * 100) / 100);

/**
 * One training-step cell. `ours` is the default engine (the wasm SIMD kernels on wasm, the fused op elsewhere),
 * `fused` the previous engine (per-step tfjs kernels inside one custom gradient), `stock` tfjs-layers' own loop.
 */
interface Row {
  preset: BenchPreset; seqLen: number; backend: string; env: 'node' | 'chromium';
  oursMs: number; fusedMs: number; stockMs: number; pytorchMs: number | null; oursOverStock: number; oursOverFused: number; oursOverPytorch: number | null;
  ours: Stat; fused: Stat; stock: Stat; pytorch: (Stat & { threads: number }) | null;
  kernelsPerStep: number | null; recurrentKernelsPerStep: number | null;
}

/**
 * PyTorch times for one (preset, T) via Debian's python3-torch, null when it is not installed. Run with 1 and with
 * 2 threads; the faster median counts (on a loaded 2-core machine 2 threads can be 3–4× slower than 1), so the
 * comparison is against PyTorch's best here.
 */
function pytorch(preset: BenchPreset, T: number, measure: 'times' | 'cpu' = 'times', n = steps, threadCounts = [1, 2]): (Stat & { threads: number }) | null {
  if (flag('no-pytorch') || !existsSync('/usr/bin/python3')) return null;
  const run = (threads: number) => {
    const args = [join(import.meta.dirname, 'pytorch_step.py'), '--presets', preset, '--seq', String(T), '--steps', String(n), '--threads', String(threads)];
    const out = execFileSync('/usr/bin/python3', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return { ...stat(JSON.parse(out.trim().split('\n').pop()!).results[0][measure]), threads };
  };
  if (threadCounts.length === 1) {
    try {
      return run(threadCounts[0]);
    } catch {
      return null;
    }
  }
  try {
    const [one, two] = [run(1), run(2)];
    return one.median <= two.median ? one : two;
  } catch {
    return null;
  }
}

function machine() {
  const c = cpus();
  let torch: string | null = null;
  try {
    torch = execFileSync('/usr/bin/python3', ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch { /* no PyTorch */ }
  return {
    cpus: c.length, cpuModel: c[0]?.model ?? 'unknown', node: process.version, tfjs: tf.version.tfjs, torch,
    loadAverage1m: r2(loadavg()[0]), date: new Date().toISOString(),
    note: 'shared machine: other processes were running; compare ratios within one run',
  };
}

async function nodeRows(): Promise<Row[]> {
  const rows: Row[] = [];
  const torchCache = new Map<string, (Stat & { threads: number }) | null>();
  for (const backend of backends) {
    await initTfNode(backend);
    // The cpu backend runs only the cells whose T is in --cpu-seq.
    for (const [preset, T] of benchCells(presets, seqs).filter(([, t]) => backend !== 'cpu' || cpuSeqs.includes(t))) {
      log(`  ${backend} ${preset} T=${T} …`);
      const n = backend === 'cpu' ? cpuSteps : steps;
      const times = await timeEngines(preset, T, n);
      const [stock, fused, ours] = [stat(times.stock), stat(times.fused), stat(times.ours)];
      const key = `${preset}/${T}`;
      if (!torchCache.has(key)) torchCache.set(key, pytorch(preset, T));
      const pt = torchCache.get(key)!;
      rows.push({
        preset, seqLen: T, backend, env: 'node', ours, fused, stock, pytorch: pt, ...(await countKernels(preset, T, 'simd')),
        oursMs: r1(ours.median)!, fusedMs: r1(fused.median)!, stockMs: r1(stock.median)!, pytorchMs: r1(pt?.median ?? null),
        oursOverStock: r2(ours.median / stock.median)!, oursOverFused: r2(ours.median / fused.median)!, oursOverPytorch: r2(pt ? ours.median / pt.median : null),
      });
    }
  }
  return rows;
}

/** Compile time of a 100-node graph (pure compiler: validation, shapes, IR), median of 20. */
function compileTime() {
  const doc = largeGraph(100);
  const times: number[] = [];
  for (let i = 0; i < 22; i++) {
    const t0 = performance.now();
    const r = compile(doc);
    if (i >= 2) times.push(performance.now() - t0);
    if (!r.ok) throw new Error(`100-node graph does not compile: ${r.diagnostics.map((d) => d.code).join(', ')}`);
  }
  return { nodes: doc.nodes.length, ms: r2(stat(times).median) };
}

/**
 * Probe (gates + per-timestep gradients) vs one fused training step: LSTM, batch 32, T = 200, H = 128, wasm.
 * Two probes: the probes module's `probeModel` (manual cells with zero probe tensors, tfjs autodiff) and
 * `probeFused` (the same gates and ∂L/∂h_t read from inside the fused op; tests/runtime/fused-probe.test.ts).
 */
async function probeVsStep() {
  await initTfNode('wasm');
  const T = 200, H = 128;
  const model = benchModel('LSTM', T, 'fused', H);
  const r = compile(benchGraph('LSTM', T, H));
  const { x, y } = batch(T);
  const ids = tf.reshape(y, [-1]);
  const timed = async (f: () => Promise<unknown>) => {
    const t0 = performance.now();
    await f();
    return performance.now() - t0;
  };
  const step = () => model.trainOnBatch(x, y);
  const fusedProbe = () => probeFused(model, x, ([yHat]) => meanLoss('ce', yHat, ids));
  // Step and fused probe alternate, so the machine's load changes hit both alike.
  await step();
  await fusedProbe();
  const stepTimes: number[] = [], fusedTimes: number[] = [];
  for (let i = 0; i < (quick ? 2 : 4); i++) {
    stepTimes.push(await timed(step));
    fusedTimes.push(await timed(fusedProbe));
  }
  const stepMs = stat(stepTimes), fused = stat(fusedTimes);
  const manual = stat([await timed(() => probeModel(model, r.ir!, [x], [ids], { gates: true }))]);
  tf.dispose([x, y, ids]);
  model.optimizer.dispose();
  model.dispose();
  return {
    batch: SIZES.batch, seqLen: T, units: H, backend: 'wasm', stepMs: r1(stepMs.median),
    probeFusedMs: r1(fused.median), probeFusedOverStep: r2(fused.median / stepMs.median),
    probeModelMs: r1(manual.median), probeModelOverStep: r2(manual.median / stepMs.median),
  };
}

/** Initial bundle: the JS and CSS index.html loads from dist/ (run `npm run build` first). */
function bundleSize() {
  const dist = join(import.meta.dirname, '..', 'dist');
  if (!existsSync(join(dist, 'index.html'))) return { built: false, note: 'run `npm run build` first' };
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\/?([^"]+\.(?:js|css))"/g)].map((m) => m[1]);
  const bytes = files.reduce((s, f) => s + (existsSync(join(dist, f)) ? statSync(join(dist, f)).size : 0), 0);
  const wasm = readdirSync(join(dist, 'assets')).filter((f) => f.endsWith('.wasm')).reduce((s, f) => s + statSync(join(dist, 'assets', f)).size, 0);
  return { built: true, initialFiles: files, initialKB: Math.round(bytes / 1024), wasmKB: Math.round(wasm / 1024) };
}

const t0 = performance.now();
const m = machine();
log(`RNN Studio bench: ${m.cpus}× ${m.cpuModel}, Node ${m.node}, tfjs ${m.tfjs}, PyTorch ${m.torch ?? 'absent'}, load ${m.loadAverage1m}`);
log(`training step: batch ${SIZES.batch}, vocab ${SIZES.vocab}, embedding ${SIZES.embedding}, ${SIZES.units} units, Adam; ${steps} timed steps per cell`);
const probeOnly = flag('probe-only');
const heatmapOnly = flag('heatmap-only');
const connectivityOnly = flag('connectivity-only');
const rowsOnly = flag('rows-only');
/** P6 connectivity at T = 100 (one row of the classifier, the full matrix of a per-step head) vs a training step. */
const CONNECTIVITY = { seqLen: 100, reps: quick ? 2 : 3 };
const connectivityLine = (env: string, c: ConnectivityCost | null) => c
  ? `Connectivity (LSTM 64 units, T=${c.seqLen}, ${env} wasm) vs training step ${r1(c.stepMs)} ms (batch ${SIZES.batch}): one row ${r1(c.rowMs)} ms (${r2(c.rowMs / c.stepMs)}× a step), full ${c.seqLen}×${c.seqLen} matrix ${r1(c.matrixMs)} ms (${r2(c.matrixMs / c.stepMs)}×)`
  : `Connectivity (${env}): not measured`;
const connectivityJson = (c: ConnectivityCost | null) => c && { ...c, stepMs: r1(c.stepMs), rowMs: r1(c.rowMs), matrixMs: r1(c.matrixMs), rowOverStep: r2(c.rowMs / c.stepMs), matrixOverStep: r2(c.matrixMs / c.stepMs) };
async function nodeConnectivity(): Promise<ConnectivityCost> {
  await initTfNode('wasm');
  log('  connectivity (node) …');
  return { seqLen: CONNECTIVITY.seqLen, ...(await timeConnectivity(CONNECTIVITY.seqLen, CONNECTIVITY.reps)) };
}
/**
 * The default race (RACE_DEFAULTS, the race preset) in Node wasm on the old engine (fused) and on ours, in turns
 * (fused, ours, ours, fused; one round with --quick), so load hits both alike: wall time of the whole race, median.
 */
async function raceEngines() {
  await initTfNode('wasm');
  const doc = readGraph(RACE_PRESET_PATH);
  const order: Engine[] = quick ? ['fused', 'simd'] : ['fused', 'simd', 'simd', 'fused'];
  const ms: Record<string, number[]> = { fused: [], simd: [] };
  for (const engine of order) {
    log(`  race (${engine}) …`);
    const t = performance.now();
    await race(doc, { engine, every: RACE_DEFAULTS.steps }, () => {});
    ms[engine].push(performance.now() - t);
  }
  const fused = stat(ms.fused).median, ours = stat(ms.simd).median;
  // What a user waits for: the whole command, start-up included.
  log('  npx rnn-studio race --json …');
  const t = performance.now();
  execFileSync('npx', ['rnn-studio', 'race', '--json'], { stdio: ['ignore', 'ignore', 'inherit'] });
  return { seqLen: RACE_DEFAULTS.seqLen, steps: RACE_DEFAULTS.steps, units: RACE_DEFAULTS.units, task: RACE_DEFAULTS.task,
    fusedS: r1(fused / 1000)!, oursS: r1(ours / 1000)!, speedup: r2(fused / ours)!, cliS: r1((performance.now() - t) / 1000)! };
}
const raceLine = (r: Awaited<ReturnType<typeof raceEngines>>) =>
  `Default race (${r.task}, T=${r.seqLen}, ${r.units} units, ${r.steps} steps × 3 models, Node wasm): old engine (fused) ${r.fusedS} s, ours ${r.oursS} s = ${r.speedup}× faster; \`npx rnn-studio race --json\` ${r.cliS} s wall`;
if (flag('race-only')) {
  const r = await raceEngines();
  console.log(raceLine(r));
  if (json) console.log(JSON.stringify({ machine: m, race: r }));
  process.exit(0);
}
const rows = probeOnly || heatmapOnly || connectivityOnly ? [] : await nodeRows();
let chromium: ChromiumReport | null = null;
if (!flag('no-chromium') && !probeOnly) {
  log('  chromium …');
  // --rows-only prints the rows alone: the page skips the heatmap redraw and the connectivity cost.
  chromium = await runChromium({ cells: benchCells(presets, quick ? [50] : seqs), steps, quick, train: !heatmapOnly && !connectivityOnly, heatmap: !connectivityOnly && !rowsOnly,
    connectivity: heatmapOnly || rowsOnly ? undefined : CONNECTIVITY });
}
if (connectivityOnly) {
  const node = await nodeConnectivity();
  console.log(connectivityLine('Node', node));
  console.log(connectivityLine('Chromium', chromium?.connectivity ?? null));
  if (json) console.log(JSON.stringify({ machine: m, connectivity: { node: connectivityJson(node), chromium: connectivityJson(chromium?.connectivity ?? null) } }));
  process.exit(0);
}
const heatmapLine = `Gate heatmap redraw (4 gates × T=500 × H=128, Chromium): ${chromium?.heatmapMs != null ? `${chromium.heatmapMs} ms` : `not measured (${chromium?.note ?? 'skipped'})`}`;
if (heatmapOnly) {
  console.log(heatmapLine);
  if (json) console.log(JSON.stringify({ machine: m, heatmap: { ms: chromium?.heatmapMs ?? null, note: chromium?.note ?? null } }));
  process.exit(0);
}
if (chromium) {
  for (const r of chromium.rows) {
    const pt = rows.find((n) => n.preset === r.preset && n.seqLen === r.seqLen)?.pytorch ?? null;
    rows.push({ ...r, env: 'chromium', pytorch: pt, oursMs: r1(r.ours.median)!, fusedMs: r1(r.fused.median)!, stockMs: r1(r.stock.median)!, pytorchMs: r1(pt?.median ?? null),
      oursOverStock: r2(r.ours.median / r.stock.median)!, oursOverFused: r2(r.ours.median / r.fused.median)!, oursOverPytorch: r2(pt ? r.ours.median / pt.median : null),
      kernelsPerStep: null, recurrentKernelsPerStep: null });
  }
}
console.log(`\nTraining step, median (min–max) ms — ${m.cpus}× ${m.cpuModel}, load ${m.loadAverage1m}, ${m.date}\n`);
const results = rows.map(({ ours, fused, stock, pytorch: pt, ...r }) => ({ ...r, oursMin: r1(ours.min)!, oursMax: r1(ours.max)!, fusedMin: r1(fused.min)!, fusedMax: r1(fused.max)!,
  stockMin: r1(stock.min)!, stockMax: r1(stock.max)!, pytorchMin: r1(pt?.min ?? null), pytorchMax: r1(pt?.max ?? null), pytorchThreads: pt?.threads ?? null }));
console.log(benchFull({ results }));
// The two GRU forms (our default engine, the SIMD kernels) in Node wasm: reset-after over reset-before, their steps taken in turns (4N each) so the
// shared machine's load hits both alike, in wall time and in this process's CPU time (which other processes' load
// does not inflate); and reset-after over PyTorch's nn.GRU (the same function): the row's wall ratio, and CPU time
// against nn.GRU's CPU time with 1 thread (4N steps; both single-threaded, so CPU time is the work done).
const gruForms = [];
for (const a of rows.filter((r) => r.preset === 'GRU-resetAfter' && r.backend === 'wasm' && r.env === 'node' && presets.includes('GRU'))) {
  await initTfNode('wasm');
  const { wall, cpu } = await timeInterleaved([['GRU', 'simd'], ['GRU-resetAfter', 'simd']], a.seqLen, 4 * steps);
  const [before, after] = wall.map(stat);
  const [cpuBefore, cpuAfter] = cpu.map(stat);
  const g = { seqLen: a.seqLen, backend: 'wasm', env: 'node', resetBeforeMs: r1(before.median), resetAfterMs: r1(after.median),
    afterOverBefore: r2(after.median / before.median), resetBeforeCpuMs: r1(cpuBefore.median), resetAfterCpuMs: r1(cpuAfter.median),
    afterOverBeforeCpu: r2(cpuAfter.median / cpuBefore.median), afterOverPytorchGru: a.oursOverPytorch,
    pytorchGruCpuMs: null as number | null, afterOverPytorchGruCpu: null as number | null };
  const ptCpu = pytorch('GRU-resetAfter', a.seqLen, 'cpu', 4 * steps, [1]);
  if (ptCpu) Object.assign(g, { pytorchGruCpuMs: r1(ptCpu.median), afterOverPytorchGruCpu: r2(cpuAfter.median / ptCpu.median) });
  gruForms.push(g);
  console.log(`GRU reset-after / reset-before (node/wasm, T=${g.seqLen}, interleaved): wall ${g.resetAfterMs} / ${g.resetBeforeMs} ms = ${g.afterOverBefore}×, ` +
    `CPU ${g.resetAfterCpuMs} / ${g.resetBeforeCpuMs} ms = ${g.afterOverBeforeCpu}×; reset-after / PyTorch nn.GRU: wall ${g.afterOverPytorchGru}×, ` +
    `CPU ${g.resetAfterCpuMs} / ${g.pytorchGruCpuMs} ms (1 thread) = ${g.afterOverPytorchGruCpu}×`);
}
if (rowsOnly) {
  if (json) console.log(JSON.stringify({ machine: m, results, gruForms }));
  process.exit(0);
}
const compileResult = compileTime();
log('  probe …');
const probe = await probeVsStep();
const connectivityNode = await nodeConnectivity();
const raceResult = await raceEngines();
const bundle = bundleSize();
console.log(`\nCompile a ${compileResult.nodes}-node graph: ${compileResult.ms} ms`);
console.log(`Probe (gates + ∂L/∂h_t, B=${probe.batch}, T=${probe.seqLen}, H=${probe.units}, wasm) vs fused training step ${probe.stepMs} ms: probeFused ${probe.probeFusedMs} ms (${probe.probeFusedOverStep}× a step), probes-module probeModel ${probe.probeModelMs} ms (${probe.probeModelOverStep}×)`);
console.log(heatmapLine);
console.log(connectivityLine('Node', connectivityNode));
console.log(connectivityLine('Chromium', chromium?.connectivity ?? null));
console.log(raceLine(raceResult));
console.log(`Initial bundle: ${bundle.built ? `${bundle.initialKB} KB JS+CSS (+${bundle.wasmKB} KB wasm, loaded by the worker)` : bundle.note}`);
console.log(`Total bench time ${((performance.now() - t0) / 1000).toFixed(0)} s`);
if (json) {
  console.log(JSON.stringify({ machine: m, results, gruForms, compile: compileResult, probe, heatmap: { ms: chromium?.heatmapMs ?? null, note: chromium?.note ?? null }, bundle, race: raceResult,
    connectivity: { node: connectivityJson(connectivityNode), chromium: connectivityJson(chromium?.connectivity ?? null) } }));
}
