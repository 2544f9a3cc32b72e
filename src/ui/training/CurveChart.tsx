/**
 * Live training curves: per-step training values (last-batch, decimated to one min/max pair per pixel column so a
 * long run costs the same to draw) and validation points, with the task's baseline as a dashed line.
 * d3 computes scales and paths in render; d3-axis owns only the axis groups (STYLE.md §7).
 */
import * as d3 from 'd3';
import { useEffect, useMemo, useRef } from 'react';

export interface CurveChartProps {
  train: { step: number; value: number }[];
  val: { step: number; value: number }[];
  baseline?: number;
  /** What the baseline line means (long-lag tasks), written beside its value. */
  baselineNote?: string;
  totalSteps: number;
  label: string;
  log?: boolean;
  testId: string;
  width?: number;
  height?: number;
}

/** The baseline's label sits in the top margin with a key, above the plot: never over a curve. */
const M = { top: 20, right: 12, bottom: 28, left: 52 };

/** Keeps the first, min and max point of every pixel column: the drawn envelope equals the full series'. */
function decimate(points: { step: number; value: number }[], x: (s: number) => number) {
  const out: { step: number; value: number }[] = [];
  let col = -1;
  let bucket: { step: number; value: number }[] = [];
  const flush = () => {
    if (!bucket.length) return;
    const lo = bucket.reduce((a, b) => (b.value < a.value ? b : a));
    const hi = bucket.reduce((a, b) => (b.value > a.value ? b : a));
    out.push(...[bucket[0], lo, hi].filter((p, i, a) => a.indexOf(p) === i).sort((a, b) => a.step - b.step));
  };
  for (const p of points) {
    const c = Math.floor(x(p.step));
    if (c !== col) {
      flush();
      bucket = [];
      col = c;
    }
    bucket.push(p);
  }
  flush();
  return out;
}

export function CurveChart({ train, val, baseline, baselineNote, totalSteps, label, log, testId, width = 420, height = 190 }: CurveChartProps) {
  const ax = useRef<SVGGElement>(null);
  const ay = useRef<SVGGElement>(null);
  const w = width - M.left - M.right;
  const h = height - M.top - M.bottom;
  const finite = (v: number) => Number.isFinite(v) && (!log || v > 0);
  const { x, y } = useMemo(() => {
    const x = d3.scaleLinear().domain([0, Math.max(1, totalSteps)]).range([0, w]);
    const vs = [...train.map((p) => p.value), ...val.map((p) => p.value), ...(baseline !== undefined ? [baseline] : [])].filter(finite);
    const [lo, hi] = vs.length ? (d3.extent(vs) as [number, number]) : [log ? 0.01 : 0, 1];
    const y = log
      ? d3.scaleLog().domain([Math.max(lo, 1e-6) / 1.2, hi * 1.2 || 1]).range([h, 0]).nice()
      : d3.scaleLinear().domain([Math.min(0, lo), hi > lo ? hi : lo + 1]).range([h, 0]).nice();
    return { x, y };
  }, [train, val, baseline, totalSteps, w, h, log]);

  useEffect(() => {
    if (ax.current) d3.select(ax.current).call(d3.axisBottom(x).ticks(5, '~s'));
    if (ay.current) d3.select(ay.current).call(d3.axisLeft(y).ticks(4, log ? '.1~e' : '.3~g'));
  }, [x, y, log]);

  const line = d3.line<{ step: number; value: number }>().defined((p) => finite(p.value)).x((p) => x(p.step)).y((p) => y(p.value));
  const trainPath = line(decimate(train, x)) ?? '';
  const valPath = line(val) ?? '';
  const last = (a: { value: number }[]) => (a.length ? a[a.length - 1].value : undefined);
  const fmt = d3.format('.4~g');
  return (
    <figure className="curve" data-testid={testId}>
      <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img"
        aria-label={`${label}: ${train.length} training points, last ${fmt(last(train) ?? NaN)}; ${val.length} validation points, last ${fmt(last(val) ?? NaN)}${baseline !== undefined ? `; baseline ${fmt(baseline)}` : ''}`}>
        <g transform={`translate(${M.left},${M.top})`}>
          {baseline !== undefined && finite(baseline) && (
            <g data-testid={`${testId}-baseline`}>
              <line x1={0} x2={w} y1={y(baseline)} y2={y(baseline)} stroke="#b45309" strokeDasharray="5 4" />
              <line x1={0} x2={18} y1={-10} y2={-10} stroke="#b45309" strokeDasharray="5 4" />
              <text x={22} y={-6} className="curve-note" data-testid={`${testId}-baseline-label`}>baseline {fmt(baseline)}{baselineNote ? ` (${baselineNote})` : ''}</text>
            </g>
          )}
          <path d={trainPath} fill="none" stroke="#2563eb" strokeWidth={1.3} opacity={0.75} data-series="train" data-points={train.length} />
          <path d={valPath} fill="none" stroke="#dc2626" strokeWidth={1.8} data-series="val" data-points={val.length} />
          {val.map((p) => finite(p.value) && <circle key={p.step} cx={x(p.step)} cy={y(p.value)} r={2.5} fill="#dc2626" />)}
          <g ref={ax} transform={`translate(0,${h})`} className="axis" />
          <g ref={ay} className="axis" />
          <text x={w} y={h + 26} textAnchor="end" className="axis-label">step</text>
        </g>
      </svg>
      <figcaption>
        {label} — <span className="k-train">train (last batch)</span> {last(train) !== undefined ? fmt(last(train)!) : '–'} · <span className="k-val">validation</span>{' '}
        {last(val) !== undefined ? fmt(last(val)!) : '–'}
      </figcaption>
    </figure>
  );
}
