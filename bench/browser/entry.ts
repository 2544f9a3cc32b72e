/**
 * The Chromium half of `npm run bench` (loaded by bench/chromium.ts): the same training-step timer as in Node, run
 * on the page with the wasm (and webgl) backend, the gate-heatmap redraw of the real <Heatmap> panel, and the P6
 * connectivity cost.
 */
import * as d3 from 'd3';
import { createElement } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { initTf, type BackendName } from '../../src/runtime/setup.ts';
import { fetchSimdKernels } from '../../src/runtime/setup-browser.ts';
import { Heatmap } from '../../src/ui/inside/Heatmap.tsx';
import type { BenchPreset } from '../models.ts';
import { timeConnectivity, timeEngines } from '../node-step.ts';

/** The (preset, T) cells of bench/models.ts `benchCells`, in order. */
async function train(o: { backend: BackendName; cells: [BenchPreset, number][]; steps: number }) {
  await initTf(o.backend, '/wasm/', fetchSimdKernels);
  const rows: { preset: BenchPreset; seqLen: number; backend: string; stock: number[]; fused: number[]; ours: number[] }[] = [];
  for (const [preset, seqLen] of o.cells) rows.push({ preset, seqLen, backend: o.backend, ...(await timeEngines(preset, seqLen, o.steps)) });
  return rows;
}

/** The WebGL renderer string, or null without WebGL (platform.md trap 7: SwiftShader means software). */
function webglRenderer(): string | null {
  const gl = document.createElement('canvas').getContext('webgl');
  if (!gl) return null;
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
}

/**
 * Redraw time of four gate heatmaps (T = 500 columns × H = 128 rows each) when new probe data arrives:
 * React render + the canvas effect, forced synchronous with flushSync. Median of `n` redraws, ms. Redraws are one
 * animation frame apart, as probe data arrives, so the panel's once-per-frame limit lets each one paint at once.
 */
async function heatmap(n = 15): Promise<number> {
  const T = 500, H = 128;
  const host = document.getElementById('root')!;
  const root = createRoot(host);
  const draw = (seed: number) => {
    const data = Float32Array.from({ length: 4 * T * H }, (_, i) => Math.sin(i * 0.37 + seed) * 0.5 + 0.5);
    const panels = [0, 1, 2, 3].map((g) =>
      createElement(Heatmap, {
        key: g, cols: T, rows: H, width: 900, height: 220, ariaLabel: `gate ${g}`,
        value: (c: number, r: number) => data[(g * T + c) * H + r], normalise: (v: number) => v, interpolator: d3.interpolateViridis,
        legend: { ticks: ['0', '1'], label: 'colour bar' },
      }));
    const t0 = performance.now();
    flushSync(() => root.render(createElement('div', null, panels)));
    return performance.now() - t0;
  };
  const frame = () => new Promise((ok) => requestAnimationFrame(ok));
  draw(0);
  const times: number[] = [];
  for (let i = 1; i <= n; i++) {
    await frame();
    times.push(draw(i));
  }
  times.sort((a, b) => a - b);
  root.unmount();
  return times[n >> 1];
}

/** P6 connectivity cost against a training step on the page's wasm backend (see `timeConnectivity`). */
async function connectivity(o: { seqLen: number; reps: number }) {
  await initTf('wasm', '/wasm/', fetchSimdKernels);
  return timeConnectivity(o.seqLen, o.reps);
}

Object.assign(window, { rnnBench: { train, webglRenderer, heatmap, connectivity } });
(window as unknown as { rnnBenchReady: boolean }).rnnBenchReady = true;
