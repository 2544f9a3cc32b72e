/** P4 gradient flow over training (time step × training step) and P2 gate saturation. */
import * as d3 from 'd3';
import { useCallback, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { flowSentence, saturation, selectActiveDirection, type Snapshot, selectActiveProbe, selectActiveRun, selectUnits, setHoverT, useInside } from '../../store/inside.ts';
import { Heatmap } from './Heatmap.tsx';
import { LineChart } from './LineChart.tsx';
import { Panel } from './Panel.tsx';

/** A snapshot as the flow sentence needs it: its step, g at t = 1 and the probe loss. */
const point = (s: Snapshot, k: number) => ({ step: s.step, g1: s.layers[Math.min(k, s.layers.length - 1)]?.gradNorm.find((v) => v !== null) ?? null, loss: s.loss });

export function FlowPanel({ width = 560 }: { width?: number }) {
  const run = useInside(selectActiveRun);
  const { k, hoverT } = useInside(useShallow((s) => ({ k: s.direction, hoverT: s.hoverT })));
  const snaps = run?.snapshots ?? [];
  const rows = useMemo(() => snaps.map((s) => s.layers[Math.min(k, s.layers.length - 1)]?.gradNorm ?? []), [snaps, k]);
  const T = Math.max(0, ...rows.map((r) => r.length));
  // log₁₀ g over the whole run; ≤ 1e−12 counts as zero and is drawn at the bottom of the scale.
  const [lo, hi] = useMemo(() => {
    const logs = rows.flat().filter((v): v is number => v != null && v > 1e-12).map(Math.log10);
    return logs.length ? [Math.min(...logs), Math.max(...logs)] : [-12, 0];
  }, [rows]);
  const value = useCallback((t: number, r: number) => {
    const v = rows[rows.length - 1 - r]?.[t];
    return v == null ? NaN : Math.log10(Math.max(v, 1e-12));
  }, [rows]);
  const normalise = useCallback((v: number) => (hi === lo ? 0.5 : (v - lo) / (hi - lo)), [lo, hi]);
  const rowLabel = useCallback((r: number) => String(snaps[snaps.length - 1 - r]?.step ?? ''), [snaps]);
  if (!run || snaps.length === 0) return null;
  return (
    <Panel testId="panel-flow" title={`Gradient flow over training — ${run.label}`}
      explain={'Each row is one recorded training step (newest at the top), each column a time step, and the colour is log₁₀ ‖∂L/∂h_t‖ (bright = large). ' +
        'It answers "when did the past stop mattering?": a left (early) part that stays dark means the first steps get almost no gradient, so the model cannot learn from them; ' +
        'a left part that brightens means training opened a path to the past. The loss of each recorded step is on the right; the sentence below says what this run did.'}>
      <div className="chart-row">
        <Heatmap cols={T} rows={rows.length} value={value} normalise={normalise} interpolator={d3.interpolateMagma} width={width * 0.68}
          height={Math.min(240, Math.max(90, rows.length * 10 + 34))} hoverCol={hoverT} onHoverCol={setHoverT} xLabel="t" yLabel="step"
          rowLabel={rowLabel} testId="flow-map" legend={{ ticks: [lo, (lo + hi) / 2, hi].map((v) => (10 ** v).toExponential(0)), label: 'colour bar: ‖∂L/∂h_t‖, log scale' }}
          ariaLabel={`Gradient norm per time step for ${rows.length} recorded training steps`} />
        <LineChart series={[{ id: 'loss', label: 'loss', colour: run.colour, values: snaps.map((s) => s.loss) }]} width={width * 0.32} height={200}
          refY={run.baseline} xLabel="step" yLabel="probe-batch loss" xOf={(i) => snaps[i]?.step ?? i} ariaLabel="Probe-batch loss per recorded step" />
      </div>
      <p className="inside-caption">colour: log₁₀‖∂L/∂h_t‖ from {lo.toFixed(1)} (dark) to {hi.toFixed(1)} (bright); {snaps.length} snapshots.</p>
      <p className="inside-caption" data-testid="flow-sentence">{flowSentence(run.label, point(snaps[0], k), point(snaps[snaps.length - 1], k), run.baseline)}</p>
    </Panel>
  );
}

/** Tick values on both axes of each saturation scatter (fractions). */
const TICKS = [0, 0.5, 1];

export function SaturationPanel({ width = 460 }: { width?: number }) {
  const probe = useInside(selectActiveProbe);
  const d = useInside(selectActiveDirection);
  const selected = useInside((s) => s.selectedUnits);
  const sats = useMemo(() => {
    if (!probe || !d) return [];
    const gates = Object.keys(d.gates).filter((g) => ['i', 'f', 'o', 'z', 'r'].includes(g));
    return gates.map((g) => ({ g, ...saturation(d.gates[g], d.mask, d.steps, probe.batch, d.units) }));
  }, [probe, d]);
  if (!probe || !d || sats.length === 0) return null;
  const size = Math.min(170, width / sats.length);
  const P = size - 36;
  const s = d3.scaleLinear().domain([0, 1]).range([0, P]);
  return (
    <Panel testId="panel-saturation" title={`Gate saturation — ${d.name} (${d.kind}, ${d.direction})`}
      explain={'One dot per unit: x = fraction of (step, example) pairs where the gate is below 0.1 (closed), y = fraction above 0.9 (open). ' +
        'A unit near (0, 0) keeps the gate in between; a unit high up keeps it open (for a forget gate: it holds its memory). ' +
        'A saturated sigmoid passes almost no gradient. Click a dot to select that unit everywhere.'}>
      <div className="chart-row">
        {sats.map(({ g, low, high }) => (
          <svg key={g} width={size} height={size} role="img" aria-label={`${g} gate saturation scatter`} data-testid={`saturation-${g}`}>
            <g transform="translate(32,6)">
              <rect width={P} height={P} fill="none" stroke="#ccc" />
              {Array.from(low, (l, j) => (
                <circle key={j} cx={s(l)} cy={P - s(high[j])} r={selected.includes(j) ? 4 : 2.5}
                  fill={selected.includes(j) ? '#f59e0b' : '#4f46e5'} opacity={0.75} onClick={() => selectUnits([j])}>
                  <title>unit {j}: {(100 * l).toFixed(0)}% &lt; 0.1, {(100 * high[j]).toFixed(0)}% &gt; 0.9</title>
                </circle>
              ))}
              <g className="axis" transform={`translate(0,${P})`}>
                {TICKS.map((v) => <g key={v} className="tick"><text x={s(v)} y={9} textAnchor="middle">{v}</text></g>)}
              </g>
              <g className="axis">
                {TICKS.map((v) => <g key={v} className="tick"><text x={-3} y={s(1 - v)} textAnchor="end" dominantBaseline="middle">{v}</text></g>)}
              </g>
              <text x={P / 2} y={P + 24} textAnchor="middle" className="axis-label">{g}: frac &lt; 0.1</text>
              <text x={-20} y={P / 2} textAnchor="middle" className="axis-label" transform={`rotate(-90,-20,${P / 2})`}>frac &gt; 0.9</text>
            </g>
          </svg>
        ))}
      </div>
    </Panel>
  );
}
