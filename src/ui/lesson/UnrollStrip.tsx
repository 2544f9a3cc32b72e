/**
 * Step 1's picture: one recurrent layer unrolled over the first steps of one example. Per step, the token, the mask,
 * x_t (the vector the cell reads) and h_t (the state it passes on), as colour columns, and under them how far h moved
 * at that step (largest |h_t − h_{t−1}| over the units, the number step 1's verdict quotes); arrows carry h_{t−1}
 * into the next step. The strip scales to the lesson's width, so every step is in view. The values come from the runtime's probe (UnrollMessage); this only draws them.
 */
import * as d3 from 'd3';
import { useMemo } from 'react';
import { num } from '../../lesson/checks.ts';
import type { UnrollMessage } from '../../store/inside.ts';
import { stripFacts } from '../../store/lesson.ts';
import { ColourBar } from '../inside/ColourBar.tsx';

const COL = 58;
const X_H = 48;
const H_H = 72;
const f2 = (v: number) => (Math.abs(v) < 0.005 ? '0.00' : v.toFixed(2));

export function UnrollStrip({ u }: { u: UnrollMessage }) {
  const D = u.inputSize;
  const H = u.units;
  const xMax = useMemo(() => Math.max(1e-6, ...Array.from(u.x, Math.abs)), [u.x]);
  const xColour = useMemo(() => d3.scaleDiverging(d3.interpolateRdBu).domain([xMax, 0, -xMax]), [xMax]);
  const hColour = useMemo(() => d3.scaleDiverging(d3.interpolateRdBu).domain([1, 0, -1]), []);
  const width = u.steps * COL + 30;
  const top = 36;
  const hTop = top + X_H + 16;
  const height = hTop + H_H + 40;
  const row = (a: Float32Array, t: number, n: number) => Array.from(a.subarray(t * n, (t + 1) * n));
  const change = useMemo(() => stripFacts(u).change, [u]);
  return (
    <figure className="unroll" data-testid="unroll-strip">
      <svg viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="img" aria-label={`${u.layer} unrolled over ${u.steps} steps of example ${u.example + 1}`}>
        <text x={2} y={top + X_H / 2} className="unroll-axis">x_t</text>
        <text x={2} y={hTop + H_H / 2} className="unroll-axis">h_t</text>
        <text x={2} y={hTop + H_H + 14} className="unroll-axis">Δh</text>
        {Array.from({ length: u.steps }, (_, t) => {
          const x0 = 26 + t * COL;
          const masked = u.mask ? u.mask[t] === 0 : false;
          const x = row(u.x, t, D);
          const h = row(u.h, t, H);
          const norm = Math.hypot(...x);
          return (
            <g key={t} data-testid="unroll-step" data-mask={u.mask ? u.mask[t] : ''}>
              <title>{`t = ${t + 1}, token ${u.labels[t] ?? ''}${u.mask ? `, mask ${u.mask[t]}` : ''}\nx_t (${D} values, ‖x_t‖ = ${norm.toFixed(3)}): ${x.slice(0, 8).map(f2).join(' ')}${D > 8 ? ' …' : ''}\nh_t (${H} units): ${h.map(f2).join(' ')}`}</title>
              {masked && <rect x={x0 - 3} y={0} width={COL - 4} height={height - 4} className="unroll-masked" />}
              <text x={x0 + (COL - 10) / 2} y={12} className="unroll-t">t={t + 1}</text>
              <text x={x0 + (COL - 10) / 2} y={26} className="unroll-token">{(u.labels[t] ?? '').slice(0, 8)}</text>
              {x.map((v, j) => <rect key={j} x={x0 + 10} y={top + (j * X_H) / D} width={COL - 30} height={X_H / D + 0.3} fill={xColour(v)} />)}
              <line x1={x0 + (COL - 10) / 2} x2={x0 + (COL - 10) / 2} y1={top + X_H + 2} y2={hTop - 2} className="unroll-arrow" markerEnd="url(#unroll-head)" />
              {h.map((v, j) => <rect key={j} x={x0 + 10} y={hTop + (j * H_H) / H} width={COL - 30} height={H_H / H + 0.3} fill={hColour(v)} />)}
              {t + 1 < u.steps && <line x1={x0 + COL - 18} x2={x0 + COL + 8} y1={hTop + H_H / 2} y2={hTop + H_H / 2} className="unroll-arrow" markerEnd="url(#unroll-head)" />}
              <text x={x0 + (COL - 10) / 2} y={hTop + H_H + 14} className="unroll-value" data-testid="unroll-change">{num(change[t])}</text>
              <text x={x0 + (COL - 10) / 2} y={hTop + H_H + 28} className="unroll-mask">{u.mask ? `mask ${u.mask[t]}` : ''}</text>
            </g>
          );
        })}
        <defs>
          <marker id="unroll-head" viewBox="0 0 6 6" refX="5" refY="3" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0 L6,3 L0,6 z" /></marker>
        </defs>
      </svg>
      <figcaption>
        {u.layer} ({u.kind}, {H} units) on example {u.example + 1} of the probe batch ({u.length} real steps of {u.seqLen}), {u.weights} weights.
        Columns: x_t ({D} values) and h_t ({H} units), coloured by the bars below; Δh under each is how far h moved at that step (its largest change in any unit). Hover a step for all values.
        <span className="unroll-bars">
          x_t <ColourBar horizontal ticks={[f2(-xMax), f2(xMax)]} colour={(t) => xColour(xMax * (2 * t - 1))} label={`colour bar: x_t from ${f2(-xMax)} to ${f2(xMax)}`} />
          h_t <ColourBar horizontal ticks={['-1', '1']} colour={(t) => hColour(2 * t - 1)} label="colour bar: h_t from -1 to 1" />
        </span>
      </figcaption>
    </figure>
  );
}
