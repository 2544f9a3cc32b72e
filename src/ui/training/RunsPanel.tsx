/**
 * The graph's kept training runs ("Runs"): one row per run with its time, steps, validation and last-batch numbers
 * and settings; restore, rename, delete, tick to compare (a table and the validation curves side by side), and the
 * storage limit. Renders the runs store only (src/store/runs.ts).
 */
import * as d3 from 'd3';
import { useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { TASKS } from '../../datasets/index.ts';
import type { RunMeta, RunsView } from '../../runtime/runs.ts';
import { selectCompiled, selectDoc, useStore } from '../../store/index.ts';
import { deleteRun, loadRuns, renameRun, restoreRun, setRunLimit, toggleCompared, useRuns } from '../../store/runs.ts';
import { isBusy, settingsOf, useTraining } from '../../store/training.ts';
import './runs.css';

const fmt = d3.format('.4~g');
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(bytes < 1e5 ? 3 : 1)} MB`;
const metric = (r: RunMeta, v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : r.metricName === 'accuracy' ? `${(100 * v).toFixed(1)} %` : fmt(v));
const num = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : fmt(v));
const taskTitle = (r: RunMeta) => (r.csvName ? `CSV ${r.csvName}` : TASKS[r.task]?.title ?? r.task);
const settingsText = (r: RunMeta) =>
  r.status === 'adopted' && !Number.isFinite(r.settings.learningRate) ? 'not recorded'
    : `${r.settings.optimizer}, lr ${r.settings.learningRate}, batch ${r.settings.batchSize}, clip ${r.settings.clipNorm || 'off'}`;

export function RunsPanel() {
  const doc = useStore(selectDoc);
  const compiledOk = useStore((x) => selectCompiled(x).ok);
  const csvName = useTraining((x) => x.csv?.name);
  const status = useTraining((x) => x.status);
  const busy = isBusy({ status });
  const { view, error, compared } = useRuns(useShallow((x) => ({ view: x.view, error: x.error, compared: x.compared })));
  const s = settingsOf(doc);
  // The list follows the graph and its data, and every run's end.
  const identity = useMemo(() => JSON.stringify([doc.nodes.map((n) => [n.id, n.parentId, n.data]), doc.edges, s.task, s.seed, csvName]), [doc.nodes, doc.edges, s.task, s.seed, csvName]);
  useEffect(() => {
    if (compiledOk && !busy) void loadRuns(doc);
  }, [identity, compiledOk, busy]);

  if (!compiledOk) return null;
  const runs = view?.runs ?? [];
  const shown = compared.map((id) => runs.find((r) => r.id === id)).filter((r): r is RunMeta => r !== undefined);
  return (
    <section className="tr-runs" aria-label="Runs" data-testid="runs-panel">
      <h3>Runs</h3>
      <p className="tr-muted">
        Every run's trained weights are kept in this browser; a new run never deletes one. The run in use is the one "try it",
        the Inside tab and exports read. Validation numbers are on the held-out split at the end of the run; last-batch numbers
        are the final training batch's.
      </p>
      {error && <p className="tr-error" role="alert" data-testid="runs-error">{error}</p>}
      {view && <LimitRow view={view} />}
      {runs.length === 0 ? <p className="tr-muted" data-testid="runs-empty">No run of this graph is kept yet.</p> : (
        <table className="tr-runs-table" data-testid="runs-table">
          <thead>
            <tr>
              <th>Compare</th><th>Name</th><th /><th>Saved</th><th>Steps</th><th>Validation loss</th><th>Validation metric</th>
              <th>Last-batch loss</th><th>Data</th><th>Settings</th><th>Size</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => <RunRow key={r.id} run={r} inUse={view?.active === r.id} sameData={r.dataKey === view?.dataKey} busy={busy} compared={compared.includes(r.id)} />)}
          </tbody>
        </table>
      )}
      {shown.length >= 2 && <Comparison runs={shown} />}
      {runs.length >= 2 && shown.length < 2 && <p className="tr-muted">Tick two or more runs to compare them.</p>}
    </section>
  );
}

function RunRow({ run: r, inUse, sameData, busy, compared }: { run: RunMeta; inUse: boolean; sameData: boolean; busy: boolean; compared: boolean }) {
  const doc = useStore(selectDoc);
  const [editing, setEditing] = useState<string | null>(null);
  const commitName = () => {
    if (editing !== null && editing.trim() && editing.trim() !== r.name) void renameRun(doc, r.id, editing);
    setEditing(null);
  };
  const remove = () => {
    const what = inUse ? ' They are the weights in use: "try it", the Inside tab and exports will have no trained weights until you restore another run.' : '';
    if (window.confirm(`Delete the run "${r.name}"? Its weights are removed from this browser.${what}`)) void deleteRun(doc, r.id);
  };
  const otherData = `Trained on ${taskTitle(r)} with seed ${r.seed}: set the task and seed to these to restore it.`;
  return (
    <tr data-testid="run-row" data-run-id={r.id} className={inUse ? 'in-use' : undefined}>
      <td><input type="checkbox" checked={compared} onChange={() => toggleCompared(r.id)} aria-label={`Compare ${r.name}`} data-testid="run-compare" /></td>
      <td>
        {editing === null
          ? <span data-testid="run-name">{r.name}</span>
          : <input value={editing} autoFocus aria-label="Run name" data-testid="run-name-input" maxLength={80}
              onChange={(e) => setEditing(e.target.value)} onBlur={commitName} onKeyDown={(e) => (e.key === 'Enter' ? commitName() : e.key === 'Escape' && setEditing(null))} />}
        {inUse && <span className="tr-run-badge" data-testid="run-in-use">in use</span>}
      </td>
      <td className="tr-run-actions">
        {!inUse && (
          <button disabled={busy || !sameData} title={sameData ? 'Use these weights for "try it", the Inside tab and exports' : otherData}
            onClick={() => void restoreRun(doc, r.id)} data-testid="run-restore">Restore</button>
        )}
        <button disabled={busy} onClick={() => setEditing(r.name)} data-testid="run-rename">Rename</button>
        <button disabled={busy} onClick={remove} data-testid="run-delete">Delete</button>
      </td>
      <td>{new Date(r.savedAt).toLocaleString()}</td>
      <td data-testid="run-steps">{r.steps}{r.status === 'stopped' ? ' (stopped)' : r.status === 'nan' ? ' (NaN)' : ''}</td>
      <td data-testid="run-val-loss">{num(r.val.loss)}</td>
      <td>{r.metricName} {metric(r, r.val.metric)}</td>
      <td>{num(r.lastBatch?.loss)}</td>
      <td>{taskTitle(r)}, seed {r.seed}</td>
      <td>{settingsText(r)}</td>
      <td>{mb(r.bytes)}</td>
    </tr>
  );
}

/** The limit fields (empty = none) and how much of it the graph's runs use; at the limit, the next run is refused. */
function LimitRow({ view }: { view: RunsView }) {
  const doc = useStore(selectDoc);
  const field = (key: 'count' | 'mb', label: string, step: number) => (
    <label className="tr-run-limit">
      <span>{label}</span>
      <input type="number" min={step} step={step} defaultValue={view.limit[key] ?? ''} key={`${key}-${view.limit[key] ?? ''}`} placeholder="no limit" data-testid={`runs-limit-${key}`}
        onBlur={(e) => {
          const v = e.target.value.trim() === '' ? undefined : Number(e.target.value);
          if (v !== view.limit[key]) void setRunLimit(doc, { ...view.limit, [key]: v });
        }}
        onKeyDown={(e) => e.key === 'Enter' && e.currentTarget.blur()} />
    </label>
  );
  const n = view.runs.length;
  const full = (view.limit.count !== undefined && n >= view.limit.count) || (view.limit.mb !== undefined && view.bytes >= view.limit.mb * 1e6);
  return (
    <div className="tr-run-limits">
      <span className="tr-muted" data-testid="runs-usage">{n} run{n === 1 ? '' : 's'} kept for this graph, {mb(view.bytes)}</span>
      {field('count', 'Keep at most (runs)', 1)}
      {field('mb', 'and (MB)', 0.1)}
      {full && <p className="tr-warning" role="alert" data-testid="runs-full">The limit is reached: a new run of this graph will be refused, and nothing is deleted for it. Delete runs or raise the limit.</p>}
    </div>
  );
}

const ROWS: [string, (r: RunMeta) => string][] = [
  ['Saved', (r) => new Date(r.savedAt).toLocaleString()],
  ['Steps', (r) => `${r.steps}`],
  ['Ended', (r) => r.status],
  ['Validation loss', (r) => num(r.val.loss)],
  ['Validation metric', (r) => `${r.metricName} ${metric(r, r.val.metric)}`],
  ['Last-batch loss', (r) => num(r.lastBatch?.loss)],
  ['Last-batch metric', (r) => (r.lastBatch ? `${r.metricName} ${metric(r, r.lastBatch.metric)}` : '–')],
  ['Data', (r) => `${taskTitle(r)}, seed ${r.seed}`],
  ['Optimizer', (r) => r.settings.optimizer],
  ['Learning rate', (r) => num(r.settings.learningRate)],
  ['Batch size', (r) => num(r.settings.batchSize)],
  ['Epochs', (r) => (r.settings.steps !== undefined ? `${r.settings.steps} steps` : num(r.settings.epochs))],
  ['Clip norm', (r) => num(r.settings.clipNorm)],
  ['Size', (r) => mb(r.bytes)],
];

const COLOURS = d3.schemeTableau10;

/** The ticked runs side by side: a table (rows that differ are marked) and their validation-loss curves on one chart. */
function Comparison({ runs }: { runs: RunMeta[] }) {
  return (
    <div className="tr-run-compare" data-testid="runs-compare">
      <table>
        <thead><tr><th />{runs.map((r, i) => <th key={r.id} style={{ color: COLOURS[i % 10] }}>{r.name}</th>)}</tr></thead>
        <tbody>
          {ROWS.map(([label, f]) => {
            const cells = runs.map(f);
            return (
              <tr key={label} className={new Set(cells).size > 1 ? 'differs' : undefined}>
                <th>{label}</th>{cells.map((c, i) => <td key={runs[i].id}>{c}</td>)}
              </tr>
            );
          })}
        </tbody>
      </table>
      <ValCurves runs={runs} />
    </div>
  );
}

const W = 420;
const H = 180;
const M = { top: 10, right: 12, bottom: 28, left: 52 };

/** Validation loss against step, one line per run. */
function ValCurves({ runs }: { runs: RunMeta[] }) {
  const w = W - M.left - M.right;
  const h = H - M.top - M.bottom;
  const { x, y } = useMemo(() => {
    const pts = runs.flatMap((r) => r.evals);
    const x = d3.scaleLinear().domain([0, Math.max(1, d3.max(pts, (p) => p[0]) ?? 1)]).range([0, w]);
    const [lo, hi] = (d3.extent(pts.map((p) => p[1]).filter(Number.isFinite)) as [number, number] | [undefined, undefined]);
    const y = d3.scaleLinear().domain([Math.min(0, lo ?? 0), hi !== undefined && hi > (lo ?? 0) ? hi : (lo ?? 0) + 1]).range([h, 0]).nice();
    return { x, y };
  }, [runs, w, h]);
  const line = d3.line<[number, number, number]>().defined((p) => Number.isFinite(p[1])).x((p) => x(p[0])).y((p) => y(p[1]));
  if (!runs.some((r) => r.evals.length)) return <p className="tr-muted">These runs recorded no validation curve.</p>;
  return (
    <figure className="curve" data-testid="runs-compare-curves">
      <svg width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img"
        aria-label={`Validation loss by step: ${runs.map((r) => `${r.name} ${r.evals.length} points, last ${num(r.evals.at(-1)?.[1])}`).join('; ')}`}>
        <g transform={`translate(${M.left},${M.top})`}>
          {runs.map((r, i) => (
            <g key={r.id} stroke={COLOURS[i % 10]} fill={COLOURS[i % 10]}>
              <path d={line(r.evals) ?? ''} fill="none" strokeWidth={1.8} data-points={r.evals.length} />
              {r.evals.filter((p) => Number.isFinite(p[1])).map((p) => <circle key={p[0]} cx={x(p[0])} cy={y(p[1])} r={2.5} />)}
            </g>
          ))}
          <g transform={`translate(0,${h})`} className="axis">
            {x.ticks(5).map((t) => <text key={t} x={x(t)} y={16} textAnchor="middle">{d3.format('~s')(t)}</text>)}
            <line x1={0} x2={w} stroke="currentColor" />
          </g>
          <g className="axis">
            {y.ticks(4).map((t) => <text key={t} x={-6} y={y(t) + 3} textAnchor="end">{d3.format('.3~g')(t)}</text>)}
            <line y1={0} y2={h} stroke="currentColor" />
          </g>
          <text x={w} y={h + 26} textAnchor="end" className="axis-label">step</text>
        </g>
      </svg>
      <figcaption>validation loss — {runs.map((r, i) => <span key={r.id} style={{ color: COLOURS[i % 10] }}>{r.name} </span>)}</figcaption>
    </figure>
  );
}
