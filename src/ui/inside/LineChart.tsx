/**
 * A small SVG line chart for the curve panels: d3 computes scales and paths in render, React draws the marks,
 * d3-axis owns only the two axis groups. Log or linear y, an optional band (IQR), a reference line and the shared
 * time cursor.
 */
import * as d3 from 'd3';
import { useEffect, useRef } from 'react';

export interface Series {
  id: string;
  label: string;
  colour: string;
  /** y per x index; null or (on a log axis) ≤ 0 leaves a gap. */
  values: (number | null)[];
  dashed?: boolean;
  width?: number;
  opacity?: number;
  band?: (readonly [number | null, number | null])[];
}

export interface LineChartProps {
  series: Series[];
  width: number;
  height: number;
  log?: boolean;
  xLabel: string;
  yLabel: string;
  /** x value shown for index i (default i + 1). */
  xOf?: (i: number) => number;
  refY?: number;
  hoverX?: number | null;
  onHoverX?: (i: number | null) => void;
  testId?: string;
  ariaLabel: string;
}

/** The y label sits in the top margin, above the plot: never over a line. */
const M = { top: 18, right: 10, bottom: 30, left: 52 };

export function LineChart(p: LineChartProps) {
  const axisX = useRef<SVGGElement>(null);
  const axisY = useRef<SVGGElement>(null);
  const w = p.width - M.left - M.right;
  const h = p.height - M.top - M.bottom;
  const xOf = p.xOf ?? ((i: number) => i + 1);
  const n = Math.max(1, ...p.series.map((s) => s.values.length));
  const ok = (v: number | null | undefined): v is number => v != null && Number.isFinite(v) && (!p.log || v > 1e-12);

  // Scales are cheap: recomputed every render from the data.
  const { x, y } = (() => {
    const xs = [xOf(0), xOf(n - 1)];
    const x = d3.scaleLinear().domain([Math.min(...xs), Math.max(...xs)]).range([0, w]);
    const all = p.series.flatMap((s) => [...s.values, ...(s.band ?? []).flat()]).filter(ok);
    if (p.refY !== undefined) all.push(p.refY);
    const [lo, hi] = all.length ? (d3.extent(all) as [number, number]) : [p.log ? 1e-3 : 0, 1];
    const y = p.log
      ? d3.scaleLog().domain([lo === hi ? lo / 10 : lo, lo === hi ? hi * 10 : hi]).range([h, 0]).nice()
      : d3.scaleLinear().domain([Math.min(0, lo), hi === lo ? lo + 1 : hi]).range([h, 0]).nice();
    return { x, y };
  })();

  useEffect(() => {
    if (axisX.current) d3.select(axisX.current).call(d3.axisBottom(x).ticks(Math.max(2, Math.floor(w / 60))));
    if (axisY.current) d3.select(axisY.current).call(d3.axisLeft(y).ticks(p.log ? 4 : 5, p.log ? '.0e' : '.2~g'));
  }, [x, y, w, p.log]);

  const line = (vals: (number | null)[]) =>
    d3.line<number | null>().defined(ok).x((_, i) => x(xOf(i))).y((v) => y(v as number))(vals) ?? '';
  const area = (band: (readonly [number | null, number | null])[]) =>
    d3.area<readonly [number | null, number | null]>()
      .defined((b) => ok(b[0]) && ok(b[1])).x((_, i) => x(xOf(i))).y0((b) => y(b[0] as number)).y1((b) => y(b[1] as number))(band) ?? '';

  const onMove = (e: React.PointerEvent<SVGSVGElement>) => {
    if (!p.onHoverX) return;
    const rect = e.currentTarget.getBoundingClientRect();
    const xv = x.invert(e.clientX - rect.left - M.left);
    // nearest index by x value
    let best = 0;
    for (let i = 1; i < n; i++) if (Math.abs(xOf(i) - xv) < Math.abs(xOf(best) - xv)) best = i;
    p.onHoverX(e.clientX - rect.left < M.left ? null : best);
  };

  return (
    <svg width={p.width} height={p.height} role="img" aria-label={p.ariaLabel} data-testid={p.testId} className="line-chart"
      onPointerMove={onMove} onPointerLeave={() => p.onHoverX?.(null)}>
      <g transform={`translate(${M.left},${M.top})`}>
        {p.refY !== undefined && <line x1={0} x2={w} y1={y(p.refY)} y2={y(p.refY)} stroke="#999" strokeDasharray="4 3" />}
        {p.series.map((s) => s.band && <path key={`${s.id}-band`} d={area(s.band)} fill={s.colour} opacity={0.15} />)}
        {p.series.map((s) => (
          <path key={s.id} d={line(s.values)} fill="none" stroke={s.colour} strokeWidth={s.width ?? 1.8}
            strokeDasharray={s.dashed ? '5 3' : undefined} opacity={s.opacity ?? 1} data-series={s.id} className="series" />
        ))}
        {p.hoverX != null && p.hoverX < n && <line x1={x(xOf(p.hoverX))} x2={x(xOf(p.hoverX))} y1={0} y2={h} stroke="#111" data-testid="hover-line" />}
        <g ref={axisX} transform={`translate(0,${h})`} className="axis" />
        <g ref={axisY} className="axis" />
        <text x={w} y={h + 27} textAnchor="end" className="axis-label">{p.xLabel}</text>
        <text x={-M.left + 2} y={-7} className="axis-label">{p.yLabel}</text>
      </g>
    </svg>
  );
}
