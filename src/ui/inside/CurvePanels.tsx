/** P3 gradient norm vs time, P5 Jacobian and retention, P8 training health: SVG line charts over the store. */
import { useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import {
  gradRatio, iqrPerStep, medianPerStep, probeSentences, ratioLegend, selectActiveDirection, selectActiveProbe, selectActiveRun, setHoverT, useInside, type InsideRun,
} from '../../store/inside.ts';
import { LineChart, type Series } from './LineChart.tsx';
import { fmtG, Panel } from './Panel.tsx';

/**
 * The g_t curve of one run for direction k: its final probe once the run is done (the trained model), else its latest
 * recorded snapshot, else its probe.
 */
function curveOf(r: InsideRun, k: number, state: 'h' | 'c'): (number | null)[] | null {
  const p = r.probe;
  if (state === 'c' || !r.snapshots.length || (p && r.status === 'done')) {
    const d = p?.directions[Math.min(k, p.directions.length - 1)];
    const v = state === 'c' ? d?.dc : d?.dh;
    return p && d && v ? medianPerStep(v, d.mask, d.steps, p.batch) : null;
  }
  const layers = r.snapshots[r.snapshots.length - 1].layers;
  return layers[Math.min(k, layers.length - 1)]?.gradNorm ?? null;
}

/** The step the solid curve of a run shows. */
const stepOf = (r: InsideRun) => (r.status === 'done' ? r.health[r.health.length - 1]?.step ?? r.snapshots[r.snapshots.length - 1]?.step : r.snapshots[r.snapshots.length - 1]?.step);

/** A legend key: a short solid or dashed line in the series colour. */
const Key = ({ s }: { s: Series }) => (
  <svg width="22" height="8" aria-hidden="true" className="legend-key"><line x1="1" x2="21" y1="4" y2="4" stroke={s.colour} strokeWidth={2} strokeDasharray={s.dashed ? '4 3' : undefined} /></svg>
);

export function GradientPanel({ width = 560 }: { width?: number }) {
  const { runs, k, hoverT, race } = useInside(useShallow((s) => ({ runs: s.runs, k: s.direction, hoverT: s.hoverT, race: s.race })));
  const active = useInside(selectActiveRun);
  const [state, setState] = useState<'h' | 'c'>('h');
  const [showTable, setShowTable] = useState(false);
  const series = useMemo(() => {
    const out: Series[] = [];
    for (const r of runs) {
      const g = curveOf(r, k, state);
      if (!g) continue;
      const isActive = r.id === active?.id;
      let band: Series['band'];
      const p = r.probe;
      const d = p?.directions[Math.min(k, p.directions.length - 1)];
      const v = state === 'c' ? d?.dc : d?.dh;
      if (isActive && p && d && v && (!r.snapshots.length || r.status === 'done')) band = iqrPerStep(v, d.mask, d.steps, p.batch);
      const step = stepOf(r);
      const trained = r.snapshots.length > 0 && step !== undefined && step > 0;
      out.push({ id: r.id, label: trained ? `${r.label}, trained (step ${step})` : r.label, colour: r.colour, values: g, band, width: isActive ? 2.4 : 1.6 });
      // Beside it, dashed: the same model at its first recorded step (initialisation).
      const first = r.snapshots[0]?.layers[Math.min(k, r.snapshots[0].layers.length - 1)];
      if (state === 'h' && trained && first)
        out.push({ id: `${r.id}-init`, label: `${r.label}, initialisation (step ${r.snapshots[0].step})`, colour: r.colour, values: first.gradNorm, dashed: true, opacity: 0.7, width: 1.2 });
    }
    return out;
  }, [runs, k, state, active?.id]);
  // Sentences for a probe of the graph itself (a race has its own, above the panels).
  const probeText = useMemo(() => {
    if (race || state !== 'h') return [];
    const r = runs.find((x) => x.id === 'graph' && x.probe);
    const d = r?.probe?.directions[Math.min(k, r.probe.directions.length - 1)];
    if (!r?.probe || !d) return [];
    return probeSentences([{ kind: d.kind, label: d.kind, ratio: gradRatio(medianPerStep(d.dh, d.mask, d.steps, r.probe.batch)) }], d.steps, r.label.includes('trained'));
  }, [race, runs, k, state]);
  if (!series.length) return null;
  const T = Math.max(...series.map((s) => s.values.length));
  const main = series.filter((s) => !s.dashed);
  return (
    <Panel testId="panel-gradients" title="Gradient norm ‖∂L/∂h_t‖ vs time step (log scale)"
      explain={'How strongly the loss depends on the hidden state at each step: the median over the probe batch of ‖∂L/∂h_t‖, from one backward pass. ' +
        'The loss is read at the last step, so the curve starts on the right; going back in time (left) it changes by some factor per step: a straight falling line on ' +
        'this log scale is an exponentially vanishing gradient. g₁/g_T is how much of the gradient at the last step reaches the first; the legend also gives it as the average factor ' +
        'per step back over the same T − 1 steps, (g₁/g_T)^(1/(T−1)), below 1 when the gradient shrinks going back. ' +
        'Solid lines are each model after training (or now, while it trains); dashed lines are the same model at its first recorded step (initialisation). The band is the interquartile range over the batch.'}
      tools={
        <>
          <label>State <select value={state} onChange={(e) => setState(e.target.value as 'h' | 'c')}><option value="h">h (hidden)</option><option value="c">c (LSTM cell)</option></select></label>
          <button type="button" onClick={() => setShowTable((v) => !v)} aria-pressed={showTable}>Data table</button>
        </>
      }>
      <LineChart series={series} width={width} height={240} log xLabel="time step t" yLabel="‖∂L/∂h_t‖" hoverX={hoverT} onHoverX={setHoverT}
        testId="gradient-chart" ariaLabel="Gradient norm per time step, log scale, one line per model" />
      <ul className="legend" data-testid="gradient-legend">
        {series.map((s) => {
          const g = s.values;
          const last = [...g].reverse().find((v) => v != null && v > 0) ?? null;
          const at = hoverT != null ? g[hoverT] : null;
          return (
            <li key={s.id} data-series={s.id}>
              <Key s={s} /> <strong>{s.label}</strong>: {ratioLegend(gradRatio(g), g.length)}
              {hoverT != null && <> · t={hoverT + 1}: g={fmtG(at)}, g/g_T={at != null && last ? fmtG(at / last) : '—'}</>}
            </li>
          );
        })}
      </ul>
      {probeText.map((t, i) => <p key={i} className="inside-caption" data-testid="probe-sentence">{t}</p>)}
      {showTable && (
        <table className="data-table"><thead><tr><th>t</th>{main.map((s) => <th key={s.id}>{s.label}</th>)}</tr></thead>
          <tbody>{Array.from({ length: T }, (_, t) => <tr key={t}><td>{t + 1}</td>{main.map((s) => <td key={s.id}>{fmtG(s.values[t])}</td>)}</tr>)}</tbody></table>
      )}
    </Panel>
  );
}

export function JacobianPanel({ width = 460 }: { width?: number }) {
  const probe = useInside(selectActiveProbe);
  const d = useInside(selectActiveDirection);
  const { example, hoverT, selected } = useInside(useShallow((s) => ({ example: s.example, hoverT: s.hoverT, selected: s.selectedUnits })));
  const series = useMemo(() => {
    if (!probe || !d) return [];
    const T = d.steps, B = probe.batch, H = d.units, e = Math.min(example, B - 1);
    const out: Series[] = [];
    const gate = d.kind === 'LSTM' ? d.gates.f : d.kind === 'GRU' ? d.gates.z : undefined;
    if (gate) {
      // Per-unit proxy Π_{k>t} g_k for the shown example (masked steps carry the state: factor 1).
      const units = selected.length ? selected : Array.from({ length: H }, (_, j) => j);
      const mean = new Array<number>(T).fill(0);
      for (const j of units) {
        const v = new Array<number | null>(T);
        let prod = 1;
        for (let t = T - 1; t >= 0; t--) {
          v[t] = prod;
          mean[t] += prod / units.length;
          if (!d.mask || d.mask[e * T + t]) prod *= gate[(t * B + e) * H + j];
        }
        out.push({ id: `u${j}`, label: `unit ${j}`, colour: selected.includes(j) ? '#f59e0b' : '#9ca3af', values: v, width: 0.8, opacity: 0.6 });
      }
      out.push({ id: 'proxy-mean', label: `mean Π${d.kind === 'LSTM' ? 'f' : 'z'}`, colour: '#7c3aed', values: mean, width: 2.2 });
    }
    if (d.jacobian) {
      out.push({ id: 'sigma', label: 'σ_max(∂h_T/∂h_t)', colour: '#111827', values: Array.from(d.jacobian.sigmaMax), width: 2.2 });
      out.push({ id: 'frob', label: '‖∂h_T/∂h_t‖_F/√H', colour: '#111827', values: Array.from(d.jacobian.frobenius), dashed: true, width: 1.6 });
    }
    return out;
  }, [probe, d, example, selected]);
  if (!probe || !d || !series.length) return null;
  const T = d.steps;
  return (
    <Panel testId="panel-jacobian" title={`Jacobian and retention — ${d.name} (${d.kind}, ${d.direction})`}
      explain={'How much of the state at step t still reaches the last state h_T, plotted against the lag T − t. The black lines are the exact Jacobian ∂h_T/∂h_t ' +
        '(largest singular value, and the RMS size ‖J‖_F/√H), computed for one example by one backward pass over H copies of it. The grey lines are the cheap gated-path ' +
        'proxy per unit — the product of forget gates Π f (LSTM) or update gates Π z (GRU) since step t — and the purple line their mean. A unit with f ≈ 1 keeps a flat line: it remembers. ' +
        'The dashed horizontal line is 1 (nothing lost).'}>
      <LineChart series={series} width={width} height={230} log refY={1} xLabel="lag T − t" yLabel="size" xOf={(i) => T - 1 - i}
        hoverX={hoverT} onHoverX={setHoverT} testId="jacobian-chart" ariaLabel="Jacobian norm and gate-product retention against lag" />
    </Panel>
  );
}

export function HealthPanel({ width = 460 }: { width?: number }) {
  const runs = useInside((s) => s.runs);
  const withHealth = runs.filter((r) => r.health.length);
  if (!withHealth.length) return null;
  const steps = withHealth[0].health.map((h) => h.step);
  const loss: Series[] = withHealth.map((r) => ({ id: r.id, label: r.label, colour: r.colour, values: r.health.map((h) => h.loss) }));
  const norms: Series[] = withHealth.map((r) => ({ id: r.id, label: r.label, colour: r.colour, values: r.health.map((h) => h.gradNorm ?? null) }));
  const baseline = withHealth[0].baseline;
  return (
    <Panel testId="panel-health" title="Training health"
      explain={'Loss of each training batch per step for each model (not smoothed; the race sentences quote the validation loss), with the task baseline (dashed: the best constant guess — a model on this line has learned nothing), ' +
        'and the global gradient norm before clipping on a log scale. A spike is a step whose gradient exploded; clipping rescales any step whose norm exceeds the threshold ' +
        '(the fraction of clipped steps is listed).'}>
      <div className="chart-row">
        <LineChart series={loss} width={width / 2} height={200} refY={baseline} xLabel="training step" yLabel="batch loss" xOf={(i) => steps[i] ?? i}
          testId="health-loss" ariaLabel="Training loss per step with the baseline" />
        <LineChart series={norms} width={width / 2} height={200} log xLabel="training step" yLabel="‖g‖ before clip" xOf={(i) => steps[i] ?? i}
          testId="health-norm" ariaLabel="Global gradient norm per step, log scale" />
      </div>
      <ul className="legend">
        {withHealth.map((r) => {
          const c = r.health.filter((h) => h.clipped).length;
          const last = r.health[r.health.length - 1];
          return <li key={r.id}><span className="swatch" style={{ background: r.colour }} /> {r.label}: last-batch loss {last.loss.toFixed(4)} at step {last.step}; clipped {((100 * c) / r.health.length).toFixed(0)}% of steps</li>;
        })}
      </ul>
    </Panel>
  );
}
