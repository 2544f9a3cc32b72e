/**
 * A second, independent reference for the per-layer counts: PyTorch (Debian's python3-torch). PyTorch recurrent
 * layers carry two bias vectors per gate block (b_ih and b_hh) where Keras/tfjs carry one, so by design
 * torch = ours + directions·blocks·H (reference/rnn-math.md §6); Embedding and Linear agree exactly.
 * Skipped only outside CI when torch is not installed; `.ci/run` installs it.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { compile, type IRLayer } from '../../src/compiler/index.ts';
import { LAYERS } from '../../src/layers/index.ts';
import { FIXTURE_DIR, loadPresets } from '../fixtures/graphs.ts';

const PYTHON = '/usr/bin/python3';
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;

interface Row {
  where: string;
  item: Record<string, unknown>;
  ours: number;
  /** What PyTorch adds by design: the second bias of each gate block. */
  extra: number;
}

function rowsOf(where: string, l: IRLayer): Row[] {
  const x = l.inputShapes[0];
  const D = x?.dims[x.dims.length - 1] as number;
  const cell = l.inner ?? l;
  const blocks = LAYERS[cell.kind].recurrent?.blocks;
  if (l.kind === 'Embedding') return [{ where, item: { kind: 'Embedding', V: l.params.inputDim, D: l.params.outputDim }, ours: l.paramCount, extra: 0 }];
  if (l.kind === 'Dense') return [{ where, item: { kind: 'Dense', D, U: l.params.units, bias: l.params.useBias }, ours: l.paramCount, extra: 0 }];
  if (blocks === undefined) return [];
  const dirs = l.inner ? 2 : 1;
  const H = cell.params.units as number;
  return [{
    where,
    item: { kind: cell.kind, D, H, bias: cell.params.useBias, bidirectional: dirs === 2 },
    ours: l.paramCount,
    extra: cell.params.useBias ? dirs * blocks * H : 0,
  }];
}

it.skipIf(!hasTorch && !process.env.CI)('per-layer counts equal PyTorch, up to its documented second bias', () => {
  const rows = loadPresets().flatMap(({ file, doc }) => compile(doc).ir!.layers.flatMap((l) => rowsOf(`${file} ${l.name}`, l)));
  // The presets have no bias-free layer; add one of each so useBias = false is covered too.
  for (const kind of ['SimpleRNN', 'LSTM', 'GRU', 'Dense'] as const) {
    const r = compile({
      nodes: [
        { id: 'in', position: { x: 0, y: 0 }, data: { kind: 'Input', params: { inputType: 'features', features: 5 } } },
        { id: 'x', position: { x: 0, y: 0 }, data: { kind, params: { units: 7, useBias: false } } },
      ],
      edges: [{ id: 'e', source: 'in', target: 'x' }],
    });
    rows.push(...r.ir!.layers.flatMap((l) => rowsOf(`${kind} without bias`, l)));
  }
  expect(rows.length).toBeGreaterThan(30);
  const py = spawnSync(PYTHON, [join(FIXTURE_DIR, 'torch_counts.py')], { input: JSON.stringify(rows.map((r) => r.item)), encoding: 'utf8' });
  expect(py.status, py.stderr).toBe(0);
  const torch: number[] = JSON.parse(py.stdout);
  expect(rows.map((r, i) => `${r.where}: ${torch[i]}`)).toEqual(rows.map((r) => `${r.where}: ${r.ours + r.extra}`));
});
