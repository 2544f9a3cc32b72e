/**
 * A dense heatmap on <canvas> with an SVG overlay for axes, the hover column, selected rows and an optional brush
 * (STYLE.md §7): d3 builds a 256-entry colour table once per scale, the cells go into an ImageData of cols×rows
 * pixels drawn scaled without smoothing, and the pointer is resolved by inverting the band (x / cellWidth).
 */
import * as d3 from 'd3';
import { useEffect, useMemo, useRef } from 'react';
import { ColourBar } from './ColourBar.tsx';

export interface HeatmapProps {
  cols: number;
  rows: number;
  /** Value of cell (col, row); NaN draws nothing (background shows). */
  value: (col: number, row: number) => number;
  /** Maps a value to [0, 1] for the colour table. */
  normalise: (v: number) => number;
  interpolator: (t: number) => string;
  width: number;
  height: number;
  /** Row permutation: display row i shows data row order[i]. */
  order?: number[];
  /** Data rows to outline. */
  highlightRows?: number[];
  /** Columns drawn hatched (masked steps). */
  hatched?: boolean[];
  hoverCol?: number | null;
  onHoverCol?: (c: number | null) => void;
  onBrush?: (range: [number, number] | null) => void;
  xLabel?: string;
  yLabel?: string;
  /** The time axis counts steps t = 1…T; these (input tokens or values, by column) are a second row under it. */
  colLabels?: string[];
  /** The colour bar beside the cells: tick labels from the value at 0 to the value at 1 of `normalise`, evenly spaced. */
  legend: { ticks: string[]; label: string };
  /** Tick labels on the y axis, by display row (e.g. training steps). */
  rowLabel?: (displayRow: number) => string;
  testId?: string;
  ariaLabel: string;
}

/** Room for the colour bar and its tick labels, right of the cells. */
const BAR = 40;
const M = { top: 4, right: 6 + BAR, bottom: 30, left: 38 };
/** With input labels, a second row under the step numbers. */
const M_INPUTS = { ...M, bottom: 44 };

/** 256 colours sampled from a d3 interpolator, one RGBA pixel per Uint32 (the byte order ImageData uses). */
function colourTable(interpolator: (t: number) => string): Uint32Array {
  const lut = new Uint8ClampedArray(256 * 4);
  for (let i = 0; i < 256; i++) {
    const c = d3.rgb(interpolator(i / 255));
    lut.set([c.r, c.g, c.b, 255], i * 4);
  }
  return new Uint32Array(lut.buffer);
}

/** The cell image (one pixel per cell, on a small offscreen canvas), kept between redraws. */
interface Cells { img: ImageData; px: Uint32Array; off: HTMLCanvasElement }

/** `prev` when it has cols × rows pixels, else a new one. */
function cellImage(prev: Cells | undefined, cols: number, rows: number): Cells {
  if (prev && prev.img.width === cols && prev.img.height === rows) return prev;
  const img = new ImageData(cols, rows);
  const off = document.createElement('canvas');
  [off.width, off.height] = [cols, rows];
  return { img, px: new Uint32Array(img.data.buffer), off };
}

/** Writes every cell's colour into `cells` (NaN → transparent) and draws it scaled onto `canvas` without smoothing. */
function paint(canvas: HTMLCanvasElement, cells: Cells, value: HeatmapProps['value'], normalise: HeatmapProps['normalise'],
  lut: Uint32Array, order: number[], w: number, h: number) {
  const { px, img: { width: cols, height: rows } } = cells;
  for (let r = 0; r < rows; r++) {
    const row = order[r], base = r * cols;
    for (let c = 0; c < cols; c++) {
      const v = value(c, row);
      const k = normalise(v) * 255 + 0.5;
      px[base + c] = v !== v || k !== k ? 0 : lut[k <= 0 ? 0 : k >= 255 ? 255 : k | 0];   // NaN: transparent
    }
  }
  cells.off.getContext('2d')!.putImageData(cells.img, 0, 0);
  const dpr = window.devicePixelRatio || 1;
  const cw = Math.round(w * dpr), ch = Math.round(h * dpr);
  if (canvas.width !== cw || canvas.height !== ch) [canvas.width, canvas.height] = [cw, ch];
  const ctx = canvas.getContext('2d')!;
  ctx.imageSmoothingEnabled = false;
  ctx.clearRect(0, 0, cw, ch);
  ctx.drawImage(cells.off, 0, 0, cw, ch);
}

export function Heatmap(p: HeatmapProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const axisX = useRef<SVGGElement>(null);
  const axisY = useRef<SVGGElement>(null);
  const brushRef = useRef<SVGGElement>(null);
  const m = p.colLabels ? M_INPUTS : M;
  const w = p.width - m.left - m.right;
  const h = p.height - m.top - m.bottom;
  const cellW = w / Math.max(1, p.cols);
  const cellH = h / Math.max(1, p.rows);
  const lut = useMemo(() => colourTable(p.interpolator), [p.interpolator]);
  const order = useMemo(() => p.order ?? Array.from({ length: p.rows }, (_, i) => i), [p.order, p.rows]);
  const { cols, rows, value, normalise } = p;

  // Cells redraw only when the data, colours or size change (hover, brush and outlines are SVG), at most once per
  // animation frame: the first change in a frame draws at once, later ones are coalesced into one at the next frame.
  const frame = useRef<{ id: number; dirty: boolean; draw: () => void; cells?: Cells }>({ id: 0, dirty: false, draw: () => {} });
  useEffect(() => {
    const f = frame.current, canvas = canvasRef.current;
    if (!canvas || cols === 0 || rows === 0) return;
    f.draw = () => paint(canvas, (f.cells = cellImage(f.cells, cols, rows)), value, normalise, lut, order, w, h);
    if (f.id) return void (f.dirty = true);
    f.draw();
    const tick = () => {
      f.id = 0;
      if (!f.dirty) return;
      f.dirty = false;
      f.draw();
      f.id = requestAnimationFrame(tick);
    };
    f.id = requestAnimationFrame(tick);
  }, [value, normalise, cols, rows, lut, order, w, h]);
  useEffect(() => () => {
    cancelAnimationFrame(frame.current.id);
    frame.current.id = 0;
  }, []);

  // Axes (d3-axis owns these two <g>s only).
  useEffect(() => {
    const x = d3.scaleLinear().domain([0, p.cols]).range([0, w]);
    const ticks = x.ticks(Math.min(p.cols, Math.max(2, Math.floor(w / 40)))).filter((t) => Number.isInteger(t) && t < p.cols);
    const ax = d3.axisBottom(x).tickValues(ticks.map((t) => t + 0.5)).tickFormat((d) => String(Math.floor(+d) + 1));
    if (axisX.current) {
      const g = d3.select(axisX.current).call(ax);
      // The input at each tick, under its step number (the axis rewrites the text, and with it this row, on update).
      if (p.colLabels) g.selectAll<SVGTextElement, number>('.tick text').each(function (d) {
        const label = p.colLabels?.[Math.floor(d)];
        if (label !== undefined) d3.select(this).append('tspan').attr('x', 0).attr('dy', '1.2em').attr('class', 'tick-input').text(label);
      });
    }
    const y = d3.scaleLinear().domain([0, p.rows]).range([0, h]);
    const yt = y.ticks(Math.min(p.rows, Math.max(2, Math.floor(h / 18)))).filter((t) => Number.isInteger(t) && t < p.rows);
    const ay = d3.axisLeft(y).tickValues(yt.map((t) => t + 0.5)).tickFormat((d) => (p.rowLabel ? p.rowLabel(Math.floor(+d)) : String(order[Math.floor(+d)])));
    if (axisY.current) d3.select(axisY.current).call(ay);
  }, [p.cols, p.rows, p.colLabels, p.rowLabel, order, w, h]);

  // Brush over time (d3-brush owns its <g>); the selection is reported in whole columns.
  const onBrush = p.onBrush;
  useEffect(() => {
    if (!onBrush || !brushRef.current) return;
    const g = d3.select(brushRef.current);
    const brush = d3.brushX().extent([[0, 0], [w, h]]).on('end', (ev: d3.D3BrushEvent<unknown>) => {
      const s = ev.selection as [number, number] | null;
      onBrush(s ? [Math.max(0, Math.floor(s[0] / cellW)), Math.min(p.cols - 1, Math.floor((s[1] - 1e-9) / cellW))] : null);
    });
    g.call(brush);
    return () => {
      g.on('.brush', null);
    };
  }, [onBrush, w, h, cellW, p.cols]);

  const onMove = (e: React.PointerEvent<SVGElement>) => {
    if (!p.onHoverCol) return;
    const rect = (e.currentTarget as SVGElement).getBoundingClientRect();
    const c = Math.floor((e.clientX - rect.left - m.left) / cellW);
    p.onHoverCol(c >= 0 && c < p.cols ? c : null);
  };
  const rowPos = useMemo(() => new Map(order.map((row, i) => [row, i])), [order]);
  // Masked columns as runs [first, end): one hatched rect per run instead of one per column.
  const hatchRuns = useMemo(() => {
    const runs: [number, number][] = [];
    p.hatched?.forEach((m, c) => {
      if (!m) return;
      const last = runs[runs.length - 1];
      if (last && last[1] === c) last[1] = c + 1;
      else runs.push([c, c + 1]);
    });
    return runs;
  }, [p.hatched]);

  return (
    <div className="heatmap" style={{ width: p.width, height: p.height }} data-testid={p.testId}>
      <canvas ref={canvasRef} role="img" aria-label={p.ariaLabel}
        style={{ position: 'absolute', left: m.left, top: m.top, width: w, height: h }} />
      <div style={{ position: 'absolute', left: m.left + w + 6, top: m.top }}>
        <ColourBar ticks={p.legend.ticks} colour={p.interpolator} label={p.legend.label} height={h} />
      </div>
      <svg width={p.width} height={p.height} onPointerMove={onMove} onPointerLeave={() => p.onHoverCol?.(null)}>
        <g transform={`translate(${m.left},${m.top})`}>
          {hatchRuns.map(([c0, c1]) => <rect key={c0} x={c0 * cellW} y={0} width={(c1 - c0) * cellW} height={h} fill="url(#hatch)" />)}
          {p.highlightRows?.filter((r) => rowPos.has(r)).map((r) => (
            <rect key={r} x={0} y={rowPos.get(r)! * cellH} width={w} height={Math.max(1, cellH)} fill="none" stroke="#f59e0b" strokeWidth={1} />
          ))}
          {p.hoverCol != null && p.hoverCol < p.cols && (
            <rect x={p.hoverCol * cellW} y={0} width={Math.max(1, cellW)} height={h} fill="none" stroke="#111" strokeWidth={1.5} data-testid="hover-col" />
          )}
          {onBrush && <g ref={brushRef} />}
          <g ref={axisX} transform={`translate(0,${h})`} className="axis" />
          <g ref={axisY} className="axis" />
          {p.xLabel && <text x={w} y={h + m.bottom - 3} textAnchor="end" className="axis-label">{p.xLabel}</text>}
          {p.yLabel && <text transform="rotate(-90)" x={-h / 2} y={-m.left + 2} textAnchor="middle" dominantBaseline="hanging" className="axis-label">{p.yLabel}</text>}
        </g>
      </svg>
    </div>
  );
}

/** The hatch pattern masked columns use; render once per panel group. */
export function HatchDefs() {
  return (
    <svg width={0} height={0} style={{ position: 'absolute' }} aria-hidden>
      <defs>
        <pattern id="hatch" width={4} height={4} patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
          <rect width={4} height={4} fill="rgba(255,255,255,0.6)" />
          <line x1={0} y1={0} x2={0} y2={4} stroke="#888" strokeWidth={1} />
        </pattern>
      </defs>
    </svg>
  );
}
