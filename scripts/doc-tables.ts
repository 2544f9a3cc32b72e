/**
 * Numbers in the docs come from runs, never from hand copies. A measured table or number in README.md or docs/*.md
 * sits between markers and is rewritten from the JSON a run printed (`npm run bench -- --json`, `rnn-studio train
 * --json`, `rnn-studio probe --json`, …), stored under docs/data/:
 *
 *   <!-- table:NAME src=docs/data/x.json -->      a table drawn by the renderer TABLES[NAME] from the whole file
 *   …generated lines…
 *   <!-- /table -->
 *
 *   <!-- value src=docs/data/x.json key=probe.probeFusedOverStep -->0.63<!-- /value -->   one number, inline
 *
 * `key` is a dot path (array indices are numbers: `results.0.oursMs`); the value is written as the run printed it.
 *
 *   npx tsx scripts/doc-tables.ts           rewrite every marked table and value in README.md and docs/*.md
 *   npx tsx scripts/doc-tables.ts --check   list the ones that differ from their JSON, exit 1 if any (the test does this)
 *
 * A new kind of table: add a renderer to TABLES (data in, markdown out; use `mdTable`).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LEAVE_RULE } from '../src/datasets/plateau.ts';
import type { FuzzFigures } from './fuzz-imports.ts';
import { checkAttention, firstStepGain, LEARNED_MARGIN } from '../src/lesson/checks.ts';
import { fmtSci } from '../src/runtime/probes/sentences.ts';

export const ROOT = resolve(fileURLToPath(import.meta.url), '../..');

/** A markdown table: a header row, the separator, then one row per entry (cells are written as given). */
export function mdTable(head: string[], rows: (string | number)[][]): string {
  return [head, head.map(() => '---'), ...rows.map((r) => r.map(String))].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/** The value at a dot path (`a.b.0.c`), or an error naming the first missing step. */
export function at(data: unknown, key: string): unknown {
  let v = data;
  for (const part of key.split('.')) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, part)) throw new Error(`no "${key}" (stopped at "${part}")`);
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

// ---- renderers -------------------------------------------------------------------------------------------------

interface BenchRow {
  preset: string; seqLen: number; env: string; backend: string;
  oursMs: number; oursMin: number; oursMax: number; stockMs: number; stockMin: number; stockMax: number;
  pytorchMs: number | null; pytorchMin: number | null; pytorchMax: number | null; pytorchThreads: number | null;
  oursOverStock: number; oursOverPytorch: number | null;
  /** The previous fused engine, and the kernel counts (runs from before the SIMD kernels have neither). */
  fusedMs?: number; fusedMin?: number; fusedMax?: number; oursOverFused?: number;
  kernelsPerStep?: number | null; recurrentKernelsPerStep?: number | null;
}
interface Bench {
  results: BenchRow[];
  compile: { nodes: number; ms: number };
  probe: { batch: number; seqLen: number; units: number; stepMs: number; probeFusedMs: number; probeFusedOverStep: number; probeModelMs: number; probeModelOverStep: number };
  heatmap: { ms: number | null; note: string | null };
  bundle: { built: boolean; initialKB?: number; wasmKB?: number; note?: string };
  gruForms: GruForms[];
  race: { task: string; seqLen: number; units: number; steps: number; fusedS: number; oursS: number; speedup: number; cliS: number };
}
interface GruForms {
  seqLen: number; resetBeforeMs: number; resetAfterMs: number; afterOverBefore: number; resetBeforeCpuMs: number; resetAfterCpuMs: number;
  afterOverBeforeCpu: number; afterOverPytorchGru: number | null; pytorchGruCpuMs: number | null; afterOverPytorchGruCpu: number | null;
}

const ms = (v: number | null) => (v === null ? '–' : v.toFixed(0));
const faster = (r: BenchRow) => `${(r.stockMs / r.oursMs).toFixed(1)}× faster`;
const ratio = (v: number | null) => (v === null ? '–' : v.toFixed(2));
const label: Record<string, string> = { 'LSTM-2layer': '2-layer LSTM' };

/** One training step per preset, env and backend: the table `npm run bench` prints. */
export function benchFull(b: Pick<Bench, 'results'>): string {
  const spread = (m: number | null, lo: number | null, hi: number | null, threads?: number | null) =>
    m === null ? '–' : `${ms(m)} (${ms(lo)}–${ms(hi)})${threads ? ` ${threads}t` : ''}`;
  return mdTable(['preset', 'T', 'env/backend', 'stock ms', 'fused ms', 'ours ms', 'PyTorch ms', 'ours/stock', 'ours/fused', 'ours/PyTorch', 'kernels: step / recurrent layer'],
    b.results.map((r) => [r.preset, r.seqLen, `${r.env}/${r.backend}`, spread(r.stockMs, r.stockMin, r.stockMax), spread(r.fusedMs ?? null, r.fusedMin ?? null, r.fusedMax ?? null),
      spread(r.oursMs, r.oursMin, r.oursMax), spread(r.pytorchMs, r.pytorchMin, r.pytorchMax, r.pytorchThreads), `${ratio(r.oursOverStock)} (${faster(r)})`,
      ratio(r.oursOverFused ?? null), ratio(r.oursOverPytorch), r.kernelsPerStep == null ? '–' : `${r.kernelsPerStep} / ${r.recurrentKernelsPerStep}`]));
}

/** The README's summary: Node wasm rows, with the Chromium wasm cell of the same preset and T beside them. */
function benchSummary(b: Bench): string {
  const node = b.results.filter((r) => r.env === 'node' && r.backend === 'wasm');
  return mdTable(['preset (T)', 'Node wasm: stock → fused → ours', 'ours / fused', 'PyTorch (best of 1/2 threads)', 'ours / PyTorch', 'Chromium wasm: stock → fused → ours', 'Chromium ours / PyTorch'],
    node.map((r) => {
      const c = b.results.find((x) => x.env === 'chromium' && x.preset === r.preset && x.seqLen === r.seqLen);
      const chain = (x: BenchRow) => `${ms(x.stockMs)} → ${ms(x.fusedMs ?? null)} → ${ms(x.oursMs)}`;
      return [`${label[r.preset] ?? r.preset} (${r.seqLen})`, chain(r), ratio(r.oursOverFused ?? null), ms(r.pytorchMs), ratio(r.oursOverPytorch), c ? chain(c) : '–', c ? ratio(c.oursOverPytorch) : '–'];
    }));
}

/** Compile, probe, heatmap and bundle lines of the same bench run. */
function benchOther(b: Bench): string {
  const p = b.probe;
  return mdTable(['what', 'result'], [
    [`Compile a ${b.compile.nodes}-node graph (Input → Embedding → ${b.compile.nodes - 3} LSTM/GRU → Dense; validate, shapes, IR)`, `${b.compile.ms} ms`],
    [`Probe, gates + per-timestep ∂L/∂h_t, LSTM B = ${p.batch}, T = ${p.seqLen}, H = ${p.units}, wasm, vs one fused training step of the same model`,
      `\`probeFused\` ${p.probeFusedMs} ms = **${p.probeFusedOverStep}× a step** (${p.stepMs} ms); the probes module's \`probeModel\` ${p.probeModelMs} ms = ${p.probeModelOverStep}×`],
    ['Gate heatmap redraw, 4 × `<Heatmap>` (T = 500 × H = 128 cells each), React render + canvas, headless Chromium', b.heatmap.ms === null ? `not measured (${b.heatmap.note ?? 'skipped'})` : `${b.heatmap.ms} ms`],
    ['Initial bundle (`npm run build`, JS + CSS that index.html loads)', b.bundle.built ? `${b.bundle.initialKB} KB (+${b.bundle.wasmKB} KB of tfjs wasm binaries fetched by the worker)` : `not measured (${b.bundle.note})`],
  ]);
}

/** The two GRU forms on our engine, Node wasm, steps in turns: wall and CPU time, and against PyTorch's nn.GRU. */
function gruForms(b: Bench): string {
  return mdTable(['T', 'reset-before ms (CPU ms)', 'reset-after ms (CPU ms)', 'after / before, wall', 'after / before, CPU', 'after / nn.GRU, wall', 'after / nn.GRU, CPU (1 thread)'],
    b.gruForms.map((g) => [g.seqLen, `${g.resetBeforeMs} (${g.resetBeforeCpuMs})`, `${g.resetAfterMs} (${g.resetAfterCpuMs})`, ratio(g.afterOverBefore), ratio(g.afterOverBeforeCpu),
      ratio(g.afterOverPytorchGru), g.pytorchGruCpuMs === null ? '–' : `${ratio(g.afterOverPytorchGruCpu)} (nn.GRU ${g.pytorchGruCpuMs} ms)`]));
}

/** The default race, whole, on the engine before the SIMD kernels (fused) and on ours, in the same bench run. */
function raceEngines(b: Bench): string {
  const r = b.race;
  return mdTable(['default race (Node wasm)', 'old engine (fused)', 'ours (SIMD kernels)', 'speed-up', '`npx rnn-studio race --json`, wall (start-up included)'],
    [[`${r.task}, T = ${r.seqLen}, ${r.units} units, ${r.steps} steps × 3 models`, `${r.fusedS} s`, `${r.oursS} s`, `${r.speedup}×`, `${r.cliS} s`]]);
}

interface ClassifierRuns { runs: { preset: string; command: string; params: number; steps: number; finalMetric: number; finalLoss: number; baselineMetric: number; wallSeconds: number; loadAvg: number }[] }
const pct = (v: number) => `${(100 * v).toFixed(1)} %`;

/** Classifier runs, one row per preset (`npx tsx scripts/measure-runs.ts lesson-spam`, `… lesson-names`). */
function classifierRuns(d: ClassifierRuns): string {
  return mdTable(['preset', 'params', 'steps (1 epoch)', 'validation accuracy', 'majority class', 'validation loss', 'wall time', 'load average'],
    d.runs.map((r) => [`\`${r.preset}\``, r.params.toLocaleString('en-US'), r.steps, `**${pct(r.finalMetric)}**`, pct(r.baselineMetric), r.finalLoss.toFixed(3), `${Math.round(r.wallSeconds)} s`, r.loadAvg.toFixed(1)]));
}

/** A classifier's validation accuracy and loss at each evaluation, one row per step (`… measure-runs.ts lesson-negation`). */
function evaluations(d: { runs: { evaluations: { step: number; loss: number; metric: number }[] }[] }): string {
  return mdTable(['step', 'validation accuracy', 'validation loss'], d.runs[0].evaluations.map((e) => [e.step.toLocaleString('en-US'), pct(e.metric), e.loss.toFixed(3)]));
}

interface Step2Runs { runs: { seed: number; steps: number; finalLoss: number; baseline: number; finalMetric: number; baselineMetric: number; wallSeconds: number }[] }

/** The lesson's step 2 per seed (`npx tsx scripts/measure-runs.ts lesson-step2`), with its check's two conditions. */
function lessonStep2(d: Step2Runs): string {
  return mdTable(['seed', 'steps', 'validation loss', 'baseline loss (class frequencies)', 'validation accuracy', 'majority class', 'both beaten', 'wall time'],
    d.runs.map((r) => [r.seed, r.steps, r.finalLoss.toFixed(4), r.baseline.toFixed(4), pct(r.finalMetric), pct(r.baselineMetric),
      r.finalLoss < r.baseline && r.finalMetric >= r.baselineMetric + LEARNED_MARGIN ? 'yes' : '**no**', `${r.wallSeconds} s`]));
}

interface AttentionRuns {
  runs: { seed: number; seqLen: number; steps: number; units: number; baseline: number; without: { valLoss: number; g1: number }; with: { valLoss: number; g1: number }; ms: { without: number; with: number } }[];
}

/** The lesson's step 8 per seed (scripts/lesson-attention.ts), with the step's own check re-run on each row's numbers. */
function lessonAttention(d: AttentionRuns): string {
  return mdTable(['seed', 'L', 'steps', 'units', 'validation loss without attention', 'with attention', 'baseline', '‖∂L/∂h_1‖ without', 'with', 'with / without', 'check', 'wall time (without + with)'],
    d.runs.map((r) => [r.seed, r.seqLen, r.steps, r.units, r.without.valLoss.toFixed(3), r.with.valLoss.toFixed(3), r.baseline.toFixed(3),
      fmtSci(r.without.g1), fmtSci(r.with.g1), fmtSci(firstStepGain(r)), checkAttention(r).ok ? 'passes' : '**fails**',
      `${(r.ms.without / 1000).toFixed(1)} + ${(r.ms.with / 1000).toFixed(1)} s`]));
}

interface Plateaus { rows: { task: string; preset: string; T: number; budget: number; runs: { seed: number; leftAt: number | null }[] }[] }

/** Steps to leave the baseline per task, preset, T and seed (scripts/measure-plateaus.ts; src/datasets/plateau.ts reads the same file). */
function plateaus(d: Plateaus): string {
  return mdTable(['task', 'preset', 'T', 'left the baseline at step (per seed)', 'budget'],
    d.rows.map((r) => [r.task, `\`${r.preset}\``, r.T, r.runs.map((x) => `${x.leftAt ?? 'never'} (seed ${x.seed})`).join(', '), r.budget]));
}

interface SpamBundle { chunks: { chunk: string; bytes: number; gzip: number; addedBytes: number; addedGzip: number; addedGzipPercent: number }[] }

/** What the spam subjects add to each built chunk that holds them (scripts/spam-bundle-cost.ts). */
function spamBundle(d: SpamBundle): string {
  return mdTable(['chunk', 'bytes (gzip)', 'of which the subjects', 'gzip added'],
    d.chunks.map((c) => [`\`${c.chunk}\``, `${c.bytes.toLocaleString('en-US')} (${c.gzip.toLocaleString('en-US')})`, `${c.addedBytes.toLocaleString('en-US')} (${c.addedGzip.toLocaleString('en-US')})`, `+${c.addedGzipPercent} %`]));
}

interface RaceRun { seed: number; seqLen?: number; steps?: number; baseline: number; models: { kind: string; valLoss: number; gradRatioTrained: number | null; ms: number }[] }
interface RaceSeeds { runs: RaceRun[] }

/** One race as a row: loss / baseline and trained g₁/g_T per model, the gains over the SimpleRNN, and whether issue 10's three conditions hold. */
function raceRow(r: RaceRun): { cells: string[]; ok: boolean } {
  const e = (v: number | null) => (v === null ? '–' : v.toExponential(1));
  const m = (k: string) => r.models.find((x) => x.kind === k)!;
  const rnn = m('SimpleRNN'), lstm = m('LSTM'), gru = m('GRU');
  const rel = (x: typeof rnn) => x.valLoss / r.baseline;
  const gain = (x: typeof rnn) => (x.gradRatioTrained ?? NaN) / (rnn.gradRatioTrained ?? NaN);
  const ok = rel(rnn) >= 0.8 && rel(lstm) <= 0.1 && rel(gru) <= 0.1 && gain(lstm) >= 100 && gain(gru) >= 100;
  return {
    cells: [rel(rnn).toFixed(3), rel(lstm).toFixed(3), rel(gru).toFixed(3), e(rnn.gradRatioTrained), e(lstm.gradRatioTrained), e(gru.gradRatioTrained),
      `${Math.round(gain(lstm)).toLocaleString('en')}× / ${Math.round(gain(gru)).toLocaleString('en')}×`, ok ? '**yes**' : 'no'],
    ok,
  };
}
const RACE_HEAD = ['SimpleRNN loss / baseline', 'LSTM', 'GRU', 'SimpleRNN g₁/g_T trained', 'LSTM', 'GRU', 'LSTM / GRU g₁/g_T ÷ SimpleRNN\'s', 'all three'];

/** The default race for several seeds (`rnn-studio race --seed S --json`): the three conditions of issue 10 per seed. */
function raceSeeds(d: RaceSeeds): string {
  const rows = d.runs.map(raceRow);
  return mdTable(['seed', ...RACE_HEAD], rows.map((r, i) => [d.runs[i].seed, ...r.cells])) +
    `\n\n${rows.filter((r) => r.ok).length} of ${d.runs.length} seeds meet all three conditions.\n`;
}

/** The settings tried before the race's defaults (scripts/measure-race-sweep.ts): one row per T, steps and seed, and per setting how many seeds pass. */
function raceSweep(d: RaceSeeds): string {
  const rows = d.runs.map(raceRow);
  const settings = [...new Set(d.runs.map((r) => `T = ${r.seqLen}, ${r.steps} steps`))];
  const passed = settings.map((s) => {
    const mine = rows.filter((_, i) => `T = ${d.runs[i].seqLen}, ${d.runs[i].steps} steps` === s);
    return `- ${s}: ${mine.filter((r) => r.ok).length} of ${mine.length} seeds meet all three conditions.`;
  });
  return mdTable(['T', 'steps', 'seed', ...RACE_HEAD], rows.map((r, i) => [d.runs[i].seqLen!, d.runs[i].steps!, d.runs[i].seed, ...r.cells])) +
    `\n\n${passed.join('\n')}\n`;
}

/** Per env/backend and T: the range of ours-vs-stock speed-ups and of ours/PyTorch over the presets, and the LSTM's. */
function benchRanges(b: Bench): string {
  const groups = [...new Set(b.results.map((r) => `${r.env}/${r.backend}|${r.seqLen}`))];
  const range = (v: number[], f: (x: number) => string) => (v.length ? `${f(Math.min(...v))}–${f(Math.max(...v))}` : '–');
  return mdTable(['env/backend', 'T', 'ours vs stock (× faster)', 'ours / PyTorch', 'LSTM: × faster, ours / PyTorch'], groups.map((g) => {
    const [env, T] = g.split('|');
    const rows = b.results.filter((r) => `${r.env}/${r.backend}` === env && String(r.seqLen) === T);
    const lstm = rows.find((r) => r.preset === 'LSTM');
    return [env, T, range(rows.map((r) => r.stockMs / r.oursMs), (x) => x.toFixed(1)), range(rows.flatMap((r) => (r.oursOverPytorch === null ? [] : [r.oursOverPytorch])), (x) => x.toFixed(2)),
      lstm ? `${(lstm.stockMs / lstm.oursMs).toFixed(1)}×, ${ratio(lstm.oursOverPytorch)}` : '–'];
  }));
}

interface CopyBand { 'copy-lstm': { seqLen: number; band: { k: number; row: number[]; symbolPeakIsTarget: number }[] } }

/** The trained copy LSTM's replay rows (scripts/measure-connectivity.ts): where each row's connectivity sits, on average. */
function copyBand(d: CopyBand): string {
  const T = d['copy-lstm'].seqLen;
  const sum = (v: number[]) => v.reduce((a, x) => a + x, 0);
  return mdTable(['replay row k', 'share on input k', 'symbol input with the largest mean share', 'input k is the peak among the symbols', 'share on the 10 symbols', 'share on the 3 steps up to the output'],
    d['copy-lstm'].band.map(({ k, row, symbolPeakIsTarget }) => {
      const symbols = row.slice(0, 10);
      const out = T + 10 + k;
      return [k, row[k].toFixed(2), symbols.indexOf(Math.max(...symbols)), `${(100 * symbolPeakIsTarget).toFixed(0)} %`, sum(symbols).toFixed(2), sum(row.slice(out - 2, out + 1)).toFixed(2)];
    }));
}

interface TrainRun {
  preset: string; steps: number; finalLoss: number; baseline: number; wallSeconds: number; msPerStep: number | null; leftBaselineAt: number | null;
  evaluations: { step: number; loss: number }[];
  probe?: { seqLen: number; layers: { gradNorm: number[] }[] };
}
interface TrainRuns { runs: TrainRun[] }
const sig = (v: number) => v.toPrecision(3);

/**
 * Training runs on a regression task (`npx tsx scripts/measure-runs.ts adding-t20`): final and best validation MSE,
 * which end below the baseline, and each run's validation series.
 */
function trainRuns(d: TrainRuns): string {
  const rows = d.runs.map((r) => {
    const best = r.evaluations.reduce((a, b) => (b.loss < a.loss ? b : a));
    return [`\`${r.preset}\``, r.steps.toLocaleString('en-US'), `**${sig(r.finalLoss)}**`, `${sig(best.loss)} (step ${best.step.toLocaleString('en-US')})`, `${r.wallSeconds} s (${r.msPerStep} ms/step)`];
  });
  const below = d.runs.filter((r) => r.finalLoss < r.baseline);
  const lowest = d.runs.reduce((a, b) => (b.finalLoss < a.finalLoss ? b : a));
  const every = d.runs[0].evaluations[0]?.step ?? 0;
  const series = d.runs.map((r) =>
    `- \`${r.preset}\` (${r.leftBaselineAt === null ? 'never left' : `left at step ${r.leftBaselineAt.toLocaleString('en-US')}`}): ${r.evaluations.map((e) => sig(e.loss)).join(' ')}`);
  return mdTable(['Model', 'Steps', 'Final validation MSE', 'Best along the way', 'Wall time'], rows) +
    `\n\n${below.length} of ${d.runs.length} end below the ${sig(d.runs[0].baseline)} baseline; the lowest final MSE is \`${lowest.preset}\`'s. ` +
    `Validation MSE every ${every} steps, and where the run left the baseline (the mean of ${LEAVE_RULE.window} training losses under ` +
    `${LEAVE_RULE.fraction} × the baseline, \`leftBaselineAt\`):\n\n${series.join('\n')}\n`;
}

/**
 * The same runs' trained gradients (`rnn-studio probe … --weights`): ‖∂L/∂h_t‖ at a few steps, the ratio first/last,
 * how many first steps underflow to exactly 0 in float32, and the gap at the middle step.
 */
function trainedGradients(d: TrainRuns): string {
  const T = d.runs[0].probe!.seqLen;
  const at = [1, 20, 50, 80, T];
  const e = (v: number) => (v === 0 ? '0' : v.toExponential(1));
  const g = (r: TrainRun) => r.probe!.layers[0].gradNorm;
  const table = mdTable(['model (64 units)', `val MSE after ${d.runs[0].steps.toLocaleString('en-US')} steps (baseline ${sig(d.runs[0].baseline)})`, 'wall time', ...at.map((t) => `‖∂L/∂h_${t}‖`), `ratio h_1/h_${T}`],
    d.runs.map((r) => [`\`${r.preset}\``, `**${sig(r.finalLoss)}**${r.finalLoss < r.baseline / 10 ? ' — learned' : r.finalLoss >= 0.9 * r.baseline ? ' — not below the baseline' : ''}`,
      `${Math.round(r.wallSeconds)} s`, ...at.map((t) => e(g(r)[t - 1])), `**${e(g(r)[0] / g(r)[T - 1])}**`]));
  const zeros = d.runs.map((r) => ({ r, n: g(r).findIndex((v) => v !== 0) })).filter((z) => z.n > 0);
  const mid = T / 2;
  const weakest = d.runs.reduce((a, b) => (g(b)[mid - 1] < g(a)[mid - 1] ? b : a));
  const strongest = d.runs.reduce((a, b) => (g(b)[mid - 1] > g(a)[mid - 1] ? b : a));
  const orders = Math.floor(Math.log10(g(strongest)[mid - 1] / g(weakest)[mid - 1]));
  return `${table}\n\n${zeros.map(({ r, n }) => `\`${r.preset}\`'s gradient is exactly 0 in float32 at the first ${n} steps. `).join('')}` +
    `At step ${mid} the largest gradient (\`${strongest.preset}\`, ${e(g(strongest)[mid - 1])}) is ${orders} orders of magnitude above the smallest ` +
    `(\`${weakest.preset}\`, ${e(g(weakest)[mid - 1])}).\n`;
}

/**
 * Per-step gradients at initialisation and after training (`npx tsx scripts/measure-runs.ts adding-t100-probes`):
 * ‖∂L/∂h_t‖ at the first, middle and last step, and the ratio first/last, one row per model and step count.
 */
function probeSteps(d: { runs: (Partial<TrainRun> & Pick<TrainRun, 'preset' | 'steps' | 'probe'>)[] }): string {
  const T = d.runs[0].probe!.seqLen;
  const e = (v: number) => (v === 0 ? '0' : v.toExponential(1));
  const order = [...d.runs].sort((a, b) => a.steps - b.steps);
  const last = Math.max(...d.runs.map((r) => r.steps));
  const moved = d.runs.filter((r) => r.steps === last && last > 0).map((r) => {
    const g0 = d.runs.find((x) => x.preset === r.preset && x.steps === 0)!.probe!.layers[0].gradNorm[0];
    const g = r.probe!.layers[0].gradNorm[0];
    return `\`${r.preset}\` ${e(g0)} → ${e(g)} (${g > g0 ? '+' : ''}${Math.log10(g / g0).toFixed(1)} orders of magnitude; validation MSE ${sig(r.finalLoss!)}, baseline ${sig(r.baseline!)})`;
  });
  const table = mdTable(['model (64 units)', 'when', 'val MSE', '‖∂L/∂h_1‖', `‖∂L/∂h_${T / 2}‖`, `‖∂L/∂h_${T}‖`, `ratio h_1/h_${T}`],
    order.map((r) => {
      const g = r.probe!.layers[0].gradNorm;
      return [`\`${r.preset}\``, r.steps === 0 ? 'init' : `${r.steps.toLocaleString('en-US')} steps`, r.finalLoss === undefined ? '—' : sig(r.finalLoss),
        e(g[0]), e(g[T / 2 - 1]), e(g[T - 1]), `**${e(g[0] / g[T - 1])}**`];
    }));
  return moved.length ? `${table}\n\nThe first step's gradient from initialisation to ${last.toLocaleString('en-US')} steps: ${moved.join('; ')}.\n` : table;
}

/**
 * SimpleRNN and LSTM trained at several lags (`npx tsx scripts/measure-runs.ts adding-lags`): validation MSE and the
 * mean gradient that reaches the first five steps, side by side per T.
 */
function lagGradients(d: { runs: (TrainRun & { seqLen: number })[] }): string {
  const Ts = [...new Set(d.runs.map((r) => r.seqLen))].sort((a, b) => a - b);
  const first5 = (r: TrainRun) => r.probe!.layers[0].gradNorm.slice(0, 5).reduce((a, v) => a + v, 0) / 5;
  const mse = (r: TrainRun) => `${r.finalLoss < r.baseline / 2 ? '**' : ''}${sig(r.finalLoss)}${r.finalLoss < r.baseline / 2 ? '**' : ''}`;
  return mdTable(['T', 'steps', 'SimpleRNN val MSE', 'LSTM val MSE', 'mean ‖∂L/∂h_1..5‖ SimpleRNN', 'mean ‖∂L/∂h_1..5‖ LSTM', 'LSTM / SimpleRNN'],
    Ts.map((T) => {
      const rnn = d.runs.find((r) => r.seqLen === T && r.preset === 'adding-simplernn')!;
      const lstm = d.runs.find((r) => r.seqLen === T && r.preset === 'adding-lstm')!;
      return [T, rnn.steps.toLocaleString('en-US'), mse(rnn), mse(lstm), first5(rnn).toExponential(1), first5(lstm).toExponential(1), `${(first5(lstm) / first5(rnn)).toPrecision(2)}×`];
    })) + `\n\nBold: below half the ${sig(d.runs[0].baseline)} baseline.\n`;
}

/** scripts/fuzz-imports.ts --json: the hostile Keras files by kind, worst time and worst extra memory. */
function importFuzz(d: FuzzFigures): string {
  const row = (kind: string, k: { count: number; worstMs: number; worstExtraMB: number }) => [kind, k.count.toLocaleString('en-US'), `${k.worstMs.toLocaleString('en-US')} ms`, `${k.worstExtraMB} MB`];
  return mdTable(['Files', 'Count', 'Worst time', 'Worst extra memory'], [
    ...Object.entries(d.kinds).sort(([a], [b]) => a.localeCompare(b)).map(([kind, k]) => row(kind, k)),
    row('**all**', { count: d.count, worstMs: d.worstMs, worstExtraMB: d.worstExtraMB }),
  ]) + `\n\n${d.refused.toLocaleString('en-US')} refused, ${d.opened.toLocaleString('en-US')} opened with their weights, ${d.invalid} read as a model with problems; ` +
    `${d.overLimits} over ${d.limits.ms.toLocaleString('en-US')} ms or ${d.limits.extraMB} MB, ${d.multiLine} with a message of more than one line ` +
    `(Node ${d.node}, ${d.cpus} cores, load average ${d.loadAverage} at the end of the run).\n`;
}

/** Renderers by table name: the whole JSON file in, markdown out. */
interface KerasKinds { kinds: { kind: string; classNames: string[]; versions: string[]; references: string[]; tests: string[] }[] }
/** docs/data/keras-kinds.json (scripts/keras-kinds.ts): the Keras classes each kind reads, and what checks it. */
function kerasKinds(d: KerasKinds): string {
  const list = (xs: string[]) => (xs.length ? xs.join(', ') : '–');
  return mdTable(['kind', 'Keras classes read', 'Keras versions read in tests (configs or weights)', 'same maths checked against', 'tests'],
    d.kinds.map((k) => [k.kind, list(k.classNames.map((c) => `\`${c}\``)), list(k.versions), list(k.references), list(k.tests.map((t) => `\`${t}\``))]));
}

/** Spelling to sound in a fixed time (scripts/g2p-minutes.ts): test-split PER and WER of greedy decoding. */
function g2pMinutes(d: { runs: { graph: string; minutes: number; steps: number; params: number; batchSize: number; learningRate: number; backend: string; finalLoss: number; baseline: number;
  test: { per: number; wer: number; words: number; testSize: number } }[] }): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  return mdTable(['graph', 'minutes', 'parameters', 'steps (batch, lr)', 'validation loss (baseline)', 'test PER', 'test WER', 'test words decoded'],
    d.runs.map((r) => [`\`${r.graph}\``, r.minutes, r.params.toLocaleString('en-US'), `${r.steps} (${r.batchSize}, ${r.learningRate})`, `${r.finalLoss.toFixed(3)} (${r.baseline.toFixed(3)})`,
      pct(r.test.per), pct(r.test.wer), `${r.test.words} of ${r.test.testSize}`]));
}

export const TABLES: Record<string, (data: never) => string> = {
  'g2p-minutes': g2pMinutes,
  'bench-full': benchFull,
  'bench-summary': benchSummary,
  'bench-other': benchOther,
  'race-seeds': raceSeeds,
  'race-sweep': raceSweep,
  'bench-ranges': benchRanges,
  'gru-forms': gruForms,
  'race-engines': raceEngines,
  'classifier-runs': classifierRuns,
  evaluations,
  'lesson-step2': lessonStep2,
  'lesson-attention': lessonAttention,
  'spam-bundle': spamBundle,
  plateaus,
  'copy-band': copyBand,
  'train-runs': trainRuns,
  'trained-gradients': trainedGradients,
  'probe-steps': probeSteps,
  'lag-gradients': lagGradients,
  'import-fuzz': importFuzz,
  'keras-kinds': kerasKinds,
};

// ---- rewriting ---------------------------------------------------------------------------------------------------

// A marker written inside inline code (right after a backtick, as in the README's description of this script) is text.
const TABLE = /(?<!`)<!-- table:([\w-]+) src=(\S+) -->\n([\s\S]*?)(?<!`)<!-- \/table -->/g;
const VALUE = /(?<!`)<!-- value src=(\S+) key=(\S+) -->([\s\S]*?)<!-- \/value -->/g;

export interface Drift { file: string; marker: string; now: string; want: string }

/**
 * `text` with every marked table and value regenerated; `drifts` lists the ones that changed.
 * @param readJson reads a `src=` path (relative to the repository root)
 */
export function renderDoc(text: string, readJson: (src: string) => unknown, file = '(text)'): { text: string; drifts: Drift[] } {
  const drifts: Drift[] = [];
  const opened = (text.match(/(?<!`)<!-- table:/g) ?? []).length;
  const closed = (text.match(/(?<!`)<!-- \/table -->/g) ?? []).length;
  if (opened !== closed) throw new Error(`${file}: ${opened} "<!-- table:" markers but ${closed} "<!-- /table -->"`);
  const fail = (marker: string, e: unknown): never => {
    throw new Error(`${file}: ${marker}: ${(e as Error).message}`);
  };
  const out = text
    .replace(TABLE, (_m, name: string, src: string, now: string) => {
      const marker = `table:${name} src=${src}`;
      const render = Object.hasOwn(TABLES, name) ? TABLES[name] : fail(marker, new Error(`no renderer "${name}" (known: ${Object.keys(TABLES).join(', ')})`));
      let want = '';
      try {
        want = render(readJson(src) as never) + '\n';
      } catch (e) {
        fail(marker, e);
      }
      if (want !== now) drifts.push({ file, marker, now, want });
      return `<!-- table:${name} src=${src} -->\n${want}<!-- /table -->`;
    })
    .replace(VALUE, (_m, src: string, key: string, now: string) => {
      const marker = `value src=${src} key=${key}`;
      let want = '';
      try {
        const v = at(readJson(src), key);
        if (typeof v !== 'number' && typeof v !== 'string') throw new Error(`"${key}" is ${JSON.stringify(v)}, not a number or text`);
        want = String(v);
      } catch (e) {
        fail(marker, e);
      }
      if (want !== now) drifts.push({ file, marker, now, want });
      return `<!-- value src=${src} key=${key} -->${want}<!-- /value -->`;
    });
  return { text: out, drifts };
}

/** README.md and every docs/*.md. */
export const docFiles = (root = ROOT) => ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** Renders every doc; writes the changed ones when `write`. Returns what differed. */
export function renderDocs(root = ROOT, write = false): Drift[] {
  const cache = new Map<string, unknown>();
  const readJson = (src: string) => {
    if (!cache.has(src)) {
      const path = resolve(root, src);
      if (relative(root, path).startsWith('..')) throw new Error(`${src} is outside the repository`);
      cache.set(src, JSON.parse(readFileSync(path, 'utf8')));
    }
    return cache.get(src);
  };
  const drifts: Drift[] = [];
  for (const file of docFiles(root)) {
    const path = join(root, file);
    const before = readFileSync(path, 'utf8');
    const r = renderDoc(before, readJson, file);
    drifts.push(...r.drifts);
    if (write && r.text !== before) writeFileSync(path, r.text);
  }
  return drifts;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  const drifts = renderDocs(ROOT, !check);
  for (const d of drifts) console.log(`${d.file}: ${d.marker} ${check ? 'differs from its JSON' : 'rewritten'}`);
  if (check && drifts.length) process.exit(1);
  if (!drifts.length) console.log('every marked table and value matches its JSON');
}
