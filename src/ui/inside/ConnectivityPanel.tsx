/**
 * P6 connectivity (Distill's "which input does this output use?"), P7 time attribution of ∂L/∂W_rec and P9 past the
 * training length, for one example: the input strip shaded by the hovered output step's row, the full matrix as a
 * heatmap with a colour bar, the attribution bars under the strip, and the state norms at up to 5·T. Two models side by
 * side: the active run and a second one (another race run, or a preset on the same data).
 */
import { useCallback, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { selectCompiled, selectDoc, useStore } from '../../store/index.ts';
import { setCompare, setHoverRow, setOutput, showConnectivity, useConnect, type DetailsView } from '../../store/connectivity.ts';
import { PRESETS } from '../../store/presets.ts';
import { selectActiveRun, useInside } from '../../store/inside.ts';
import { connectivityColour, shadeStyle } from './ColourBar.tsx';
import { Heatmap } from './Heatmap.tsx';
import { LineChart } from './LineChart.tsx';
import { Panel } from './Panel.tsx';

/** Gate-block colours of the attribution bars (Okabe–Ito). */
const BLOCK_COLOURS = ['#0072b2', '#e69f00', '#009e73', '#cc79a7'];

/** The row the strip shows: the hovered output step, else the last one. */
const rowOf = (d: DetailsView, hover: number | null) => (hover !== null && hover < d.connectivity.rows.length ? hover : d.connectivity.rows.length - 1);

/** What the shown row says, from its numbers: where its largest entry is and how much of the row sits there. */
export function connectivitySentence(d: DetailsView, r: number): string {
  const { rows, matrix, seqLen: T } = d.connectivity;
  const row = Array.from(matrix.subarray(r * T, (r + 1) * T));
  const sum = row.reduce((a, v) => a + v, 0);
  if (!(sum > 0)) return `${d.label}: the output at step ${rows[r] + 1} does not depend on any input (all zero).`;
  const peak = row.indexOf(Math.max(...row));
  const last5 = row.slice(Math.max(0, rows[r] - 4), rows[r] + 1).reduce((a, v) => a + v, 0);
  return `${d.label}: the output at step ${rows[r] + 1} depends most on input ${peak + 1} (“${d.labels[peak] ?? ''}”, ${(100 * row[peak] / sum).toFixed(0)}% of the row); ` +
    `${(100 * last5 / sum).toFixed(0)}% sits on the last 5 steps up to it.`;
}

/** What the run past the probed length (P9) showed, with the factor it reached; or why there was none. */
export function extrapolationSentence(d: DetailsView): string {
  const x = d.extrapolation;
  const ext = x?.layers[0];
  if (!x || !ext) return `Not run past its length: this data has no example longer than the ${d.connectivity.seqLen} steps shown.`;
  const at = x.trainedLength - 1, end = x.length - 1;
  return `Run at ${+x.factor.toFixed(1)}× its length (${x.length} steps): ‖h_t‖ ${ext.hNorm[at].toFixed(2)} at t = ${x.trainedLength}, ${ext.hNorm[end].toFixed(2)} at t = ${x.length}; ` +
    `saturated units ${(100 * ext.saturated[at]).toFixed(0)}% → ${(100 * ext.saturated[end]).toFixed(0)}%.`;
}

function ModelView({ d, width }: { d: DetailsView; width: number }) {
  const hover = useConnect((s) => s.hoverRow);
  const { rows, matrix, seqLen: T, predicted } = d.connectivity;
  const r = rowOf(d, hover);
  const rowMax = useMemo(() => rows.map((_, i) => Math.max(1e-30, ...matrix.subarray(i * T, (i + 1) * T))), [rows, matrix, T]);
  const value = useCallback((c: number, rr: number) => matrix[rr * T + c], [matrix, T]);
  const normalise = useCallback((v: number) => v / Math.max(...rowMax), [rowMax]);
  const cell = Math.max(3, Math.min(28, width / T));
  const att = d.attribution[0];
  const blocks = att ? Object.entries(att.blocks) : [];
  const maxShare = att ? Math.max(1e-12, ...att.share) : 1;
  const x = d.extrapolation;
  const ext = x?.layers[0];
  return (
    <div className="conn-model" data-testid="conn-model" aria-label={`Connectivity of ${d.label}`}>
      <h4><span className="swatch" style={{ background: d.colour }} /> {d.label}{d.output.count > 1 ? ` — output ${d.output.index + 1} (${d.output.name})` : ''}</h4>
      {rows.length > 1 && (
        <div className="conn-strip" aria-label="Output steps: hover one to see which inputs it uses" onPointerLeave={() => setHoverRow(null)}>
          {rows.map((step, i) => (
            <span key={step} className={i === r ? 'conn-cell conn-out active' : 'conn-cell conn-out'} style={{ width: cell }} data-testid="conn-output"
              title={`output step ${step + 1}: predicted class ${predicted[i]}`} onPointerEnter={() => setHoverRow(i)}>{cell >= 12 ? predicted[i] : ''}</span>
          ))}
        </div>
      )}
      <div className="conn-strip" data-testid="conn-input-strip" aria-label={`Inputs shaded by their connectivity to output step ${rows[r] + 1}`}>
        {Array.from({ length: T }, (_, t) => {
          const w = matrix[r * T + t] / rowMax[r];
          return (
            <span key={t} className="conn-cell" data-weight={w.toFixed(4)} style={{ width: cell, ...shadeStyle(w) }}
              title={`input ${t + 1} “${d.labels[t] ?? ''}”: ${matrix[r * T + t].toExponential(2)} (${(100 * w).toFixed(0)}% of the row's max)`}>
              {cell >= 12 ? d.labels[t] : ''}
            </span>
          );
        })}
      </div>
      {att && (
        <div className="conn-strip conn-bars" data-testid="conn-attribution" aria-label={`Share of ∂L/∂W_rec per step, ${att.name} (${att.direction})`}>
          {Array.from({ length: T }, (_, t) => (
            <span key={t} className="conn-bar" style={{ width: cell }} title={`step ${t + 1}: ${(100 * att.share[t]).toFixed(1)}% of ∂L/∂W_rec`}>
              {blocks.map(([name, v], k) => <span key={name} style={{ height: `${(100 * v[t]) / maxShare}%`, background: BLOCK_COLOURS[k % 4] }} />)}
            </span>
          ))}
        </div>
      )}
      {att && blocks.length > 1 && (
        <p className="inside-caption">bars: each step's share of ∂L/∂W_rec for {att.name} ({att.direction}), split by gate block: {blocks.map(([n], k) =>
          <span key={n}><span className="swatch" style={{ background: BLOCK_COLOURS[k % 4] }} /> {n} </span>)}</p>
      )}
      <p className="inside-caption" data-testid="conn-sentence">{connectivitySentence(d, r)}</p>
      {rows.length > 1 && (
        <div className="chart-row">
          <Heatmap cols={T} rows={rows.length} value={value} normalise={normalise} interpolator={connectivityColour} width={Math.min(width, 420)} height={Math.min(260, 40 + rows.length * 4) + 14} colLabels={d.labels}
            highlightRows={[r]} xLabel="input step" yLabel="output" testId="conn-matrix" ariaLabel={`Connectivity matrix of ${d.label}: rows output steps, columns input steps`}
            legend={{ ticks: ['0', Math.max(...rowMax).toExponential(1)], label: 'colour bar: connectivity' }} />
        </div>
      )}
      {x && ext && (
        <div className="chart-row" data-testid="conn-extrapolation">
          <LineChart width={Math.min(width, 420) / 1.6} height={150} xLabel={`t (trained at ${x.trainedLength}: vertical line)`} yLabel="‖h_t‖, ‖c_t‖"
            hoverX={x.trainedLength - 1} ariaLabel={`State norms up to ${x.length} steps`}
            series={[{ id: 'h', label: '‖h_t‖', colour: d.colour, values: ext.hNorm }, ...(ext.cNorm ? [{ id: 'c', label: '‖c_t‖', colour: d.colour, dashed: true, values: ext.cNorm }] : [])]} />
          <LineChart width={Math.min(width, 420) / 1.6} height={150} xLabel="t" yLabel="saturated |h| > 0.95" hoverX={x.trainedLength - 1}
            ariaLabel="Fraction of saturated units" series={[{ id: 'sat', label: 'saturated', colour: d.colour, values: ext.saturated }]} />
        </div>
      )}
      <p className="inside-caption" data-testid="conn-extrapolation-caption">{extrapolationSentence(d)}</p>
    </div>
  );
}

export function ConnectivityPanel({ width = 1100, seqLen }: { width?: number; seqLen: number }) {
  const doc = useStore(selectDoc);
  const run = useInside(selectActiveRun);
  const runs = useInside((s) => s.runs);
  const others = runs.filter((r) => r.id !== run?.id);
  const { left, right, compare, output, busy, error } = useConnect(useShallow((s) => ({ left: s.left, right: s.right, compare: s.compare, output: s.output, busy: s.busy, error: s.error })));
  // A model with several heads: each has its own logits, so the user picks whose connectivity to show.
  const outputs = useStore(useShallow((s) => {
    const ir = selectCompiled(s).ir;
    return ir ? ir.outputs.map((id) => ir.layers.find((l) => l.id === id)!.name) : [];
  }));
  const chosen = Math.max(0, Math.min(output, outputs.length - 1));
  if (!run) return null;
  const half = right ? width / 2 - 12 : width;
  return (
    <Panel testId="panel-connectivity" title="Which input does each output use? (connectivity)"
      explain={'Connectivity (Madsen, Distill 2019): for one example, ‖∂ logit/∂x_t‖ — how much the predicted class’s score at an output step moves when input t moves. ' +
        'Hover an output step (top strip) and the inputs below it darken by how much that output uses them; the heatmap shows every output step (rows) against every input (columns). ' +
        'The bars under the inputs: how much of the recurrent weights’ gradient comes from each step (‖h_{t−1}‖·‖δa_t‖, split by gate). ' +
        'The line charts run the model on longer data from the same task (up to 5× the length it was probed at, as far as the task allows): do the state norms settle, and do units saturate?'}
      tools={<>
        {outputs.length > 1 && (
          <label>output <select aria-label="Output" value={chosen} onChange={(e) => setOutput(Number(e.target.value))}>
            {outputs.map((name, k) => <option key={k} value={k}>{k + 1}: {name}</option>)}
          </select></label>
        )}
        <label>compare with <select aria-label="Compare with" value={compare} onChange={(e) => setCompare(e.target.value)}>
          <option value="">—</option>
          {others.map((r) => <option key={r.id} value={`run:${r.id}`}>{r.label}</option>)}
          {PRESETS.map((p) => <option key={p.name} value={`preset:${p.name}`}>preset {p.name}</option>)}
        </select></label>
        <button type="button" className="btn small" disabled={busy} onClick={() => void showConnectivity(doc, seqLen, chosen)}>{busy ? 'Computing…' : 'Show connectivity'}</button>
      </>}>
      {error && <p role="alert" className="inside-error">{error}</p>}
      {!left && !error && <p className="inside-caption">Press <strong>Show connectivity</strong> to compute it for {run.label} on the chosen example.</p>}
      <div className="conn-models">
        {left && <ModelView d={left} width={half} />}
        {right && <ModelView d={right} width={half} />}
      </div>
    </Panel>
  );
}
