/** P1 — gate and state heatmaps, one small multiple per gate: x = timestep, y = unit, for one example. */
import * as d3 from 'd3';
import { useCallback, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { num } from '../../lesson/checks.ts';
import {
  exampleRange, selectActiveDirection, selectActiveProbe, selectUnits, setHoverT, setUnitOrder, unitMeans, useInside, type DirectionView, type UnitOrder,
} from '../../store/inside.ts';
import { HatchDefs, Heatmap } from './Heatmap.tsx';
import { Panel } from './Panel.tsx';

const GATE_TITLES: Record<string, string> = {
  i: 'input gate i', f: 'forget gate f', cTilde: 'candidate c̃', o: 'output gate o', c: 'cell state c', h: 'hidden state h',
  z: 'update gate z', r: 'reset gate r', hTilde: 'candidate h̃', a: 'pre-activation a',
};
/** Gates live in [0, 1] (sequential viridis); states and candidates are signed (diverging, symmetric domain). */
const isGate = (g: string) => ['i', 'f', 'o', 'z', 'r'].includes(g);
const diverging = (t: number) => d3.interpolateRdBu(1 - t);

/** Unit order: by index, by mean retention gate (f, z; h for SimpleRNN), or similar units next to each other. */
function unitOrder(d: DirectionView, T: number, B: number, e: number, how: UnitOrder): number[] {
  const H = d.units;
  const idx = Array.from({ length: H }, (_, j) => j);
  if (how === 'index') return idx;
  if (how === 'mean') {
    const g = d.gates.f ?? d.gates.z ?? d.gates.h;
    const m = unitMeans(g, d.mask, T, B, H);
    return idx.sort((a, b) => m[b] - m[a]);
  }
  // Greedy nearest-neighbour chain on each unit's h trajectory (Euclidean), starting from unit 0.
  const h = d.gates.h;
  const dist = (a: number, b: number) => {
    let s = 0;
    for (let t = 0; t < T; t++) s += (h[(t * B + e) * H + a] - h[(t * B + e) * H + b]) ** 2;
    return s;
  };
  const out = [0];
  const left = new Set(idx.slice(1));
  while (left.size) {
    const last = out[out.length - 1];
    let best = -1, bd = Infinity;
    for (const j of left) {
      const v = dist(last, j);
      if (v < bd) [best, bd] = [j, v];
    }
    out.push(best);
    left.delete(best);
  }
  return out;
}

/** Mean over units of one gate at step t of example e. */
const meanAt = (g: Float32Array, t: number, B: number, e: number, H: number) => {
  let s = 0;
  for (let j = 0; j < H; j++) s += g[(t * B + e) * H + j];
  return s / H;
};

/** The shown example's range of f and |c|, |h| over its real steps, written as the lesson's step 4 quotes them. */
function exampleText(d: DirectionView, T: number, B: number, e: number): string {
  const r = (g: string) => exampleRange(d.gates[g], d.mask, T, B, d.units, e);
  const parts = [
    ...(d.gates.f ? [`f from ${num(r('f').min)} to ${num(r('f').max)} (mean ${num(r('f').mean)})`] : []),
    ...['c', 'h'].filter((g) => d.gates[g]).map((g) => `${g} within ±${num(r(g).maxAbs)}`),
  ];
  return `Over its ${r('h').steps} real steps: ${parts.join(', ')}.`;
}

export function GatePanel({ width = 380 }: { width?: number }) {
  const probe = useInside(selectActiveProbe);
  const d = useInside(selectActiveDirection);
  const { example, hoverT, selected, how } = useInside(useShallow((s) => ({ example: s.example, hoverT: s.hoverT, selected: s.selectedUnits, how: s.unitOrder })));
  const [range, setRange] = useState<[number, number] | null>(null);
  const [threshold, setThreshold] = useState(0.3);
  const T = d?.steps ?? 0;
  const B = probe?.batch ?? 0;
  const e = Math.min(example, Math.max(0, B - 1));
  const order = useMemo(() => (d ? unitOrder(d, T, B, e, how) : []), [d, T, B, e, how]);

  // LSTMVis-style selection: units whose h stays above the threshold at every step of the brushed range.
  const pick = useCallback((r: [number, number] | null, thr: number) => {
    setRange(r);
    if (!r || !d) return selectUnits([]);
    const H = d.units;
    const on: number[] = [];
    for (let j = 0; j < H; j++) {
      let all = true;
      for (let t = r[0]; t <= r[1] && all; t++) all = d.gates.h[(t * B + e) * H + j] > thr;
      if (all) on.push(j);
    }
    selectUnits(on);
  }, [d, B, e]);
  const onBrush = useCallback((r: [number, number] | null) => pick(r, threshold), [pick, threshold]);

  const labels = useMemo(() => {
    // The labels name the steps of one model input; a decoder reading the other one has none.
    const l = d?.input === probe?.labelsInput ? probe?.labels[e] : undefined;
    return l && d?.direction === 'backward' ? [...l].reverse() : l;
  }, [probe, e, d]);
  const hatched = useMemo(() => (d?.mask ? Array.from({ length: T }, (_, t) => d.mask![e * T + t] === 0) : undefined), [d, T, e]);

  if (!probe || !d) return null;
  const H = d.units;
  return (
    <Panel testId="panel-gates" title={`Gates and states over time — ${d.name} (${d.kind}, ${d.direction}), example ${e + 1}`}
      explain={'Each small map is one gate or state of this layer: time runs left to right (the input under the axis), each row is one unit. ' +
        'Gates go from 0 (dark purple, closed) to 1 (yellow, open); states are blue when negative and red when positive. ' +
        'A forget gate near 1 keeps the memory, near 0 it forgets. Drag across the hidden-state map ' +
        'to select the units that stay above the threshold over that time range; they are outlined in every map. Hatched columns are padding (masked).'}
      tools={
        <>
          <label>Units <select value={how} onChange={(ev) => setUnitOrder(ev.target.value as UnitOrder)}>
            <option value="index">by index</option><option value="mean">by mean {d.kind === 'LSTM' ? 'f' : d.kind === 'GRU' ? 'z' : 'h'}</option><option value="cluster">similar together</option>
          </select></label>
          <label>Threshold <input type="number" step={0.05} min={-1} max={1} value={threshold} aria-label="Selection threshold"
            onChange={(ev) => { const v = Number(ev.target.value); setThreshold(v); pick(range, v); }} /></label>
          <span data-testid="selected-units">{selected.length ? `${selected.length} unit(s) selected` : 'no units selected'}</span>
        </>
      }>
      <HatchDefs />
      <div className="small-multiples">
        {Object.keys(d.gates).map((g) => (
          <GateMap key={g} gate={g} d={d} T={T} B={B} e={e} order={order} width={width} labels={labels} hatched={hatched}
            hoverT={hoverT} selected={selected} onBrush={g === 'h' ? onBrush : undefined} />
        ))}
      </div>
      <p className="inside-caption" data-testid="gate-readout">
        H = {H} units, T = {T} steps, example {e + 1} of {B}. <span data-testid="gate-ranges">{exampleText(d, T, B, e)}</span>
        {hoverT != null && hoverT < T && <> t = {hoverT + 1}{labels ? `, input ${labels[hoverT]}` : ''}{hatched?.[hoverT] ? ' (masked)' : ''}:{' '}
          {Object.keys(d.gates).map((g) => `mean ${g} ${meanAt(d.gates[g], hoverT, B, e, H).toFixed(3)}`).join(' · ')}</>}
      </p>
    </Panel>
  );
}

interface GateMapProps {
  gate: string; d: DirectionView; T: number; B: number; e: number; order: number[]; width: number;
  labels?: string[]; hatched?: boolean[]; hoverT: number | null; selected: number[]; onBrush?: (r: [number, number] | null) => void;
}

function GateMap({ gate, d, T, B, e, order, width, labels, hatched, hoverT, selected, onBrush }: GateMapProps) {
  const H = d.units;
  const data = d.gates[gate];
  const value = useCallback((t: number, j: number) => data[(t * B + e) * H + j], [data, B, e, H]);
  // Fixed [−1, 1] for h and the tanh candidates; adaptive ±max|v| for c and the unbounded pre-activation a.
  const bound = useMemo(() => {
    if (isGate(gate)) return 1;
    if (gate !== 'c' && gate !== 'a') return 1;
    let m = 1e-6;
    for (let t = 0; t < T; t++) for (let j = 0; j < H; j++) m = Math.max(m, Math.abs(data[(t * B + e) * H + j]));
    return m;
  }, [gate, data, T, B, e, H]);
  const normalise = useCallback((v: number) => (isGate(gate) ? v : (v / bound + 1) / 2), [gate, bound]);
  return (
    <figure className="gate-map">
      <figcaption>{GATE_TITLES[gate] ?? gate}{!isGate(gate) && bound !== 1 ? ` (±${bound.toFixed(2)})` : ''}</figcaption>
      <Heatmap cols={T} rows={H} value={value} normalise={normalise} interpolator={isGate(gate) ? d3.interpolateViridis : diverging}
        width={width} height={Math.min(220, Math.max(90, H * 2 + 34)) + (labels ? 14 : 0)} order={order} highlightRows={selected} hatched={hatched}
        hoverCol={hoverT} onHoverCol={setHoverT} onBrush={onBrush} xLabel={labels ? 't (input below)' : 't'} yLabel="unit" colLabels={labels}
        legend={{ ticks: isGate(gate) ? ['0', '0.5', '1'] : [-bound, 0, bound].map((v) => d3.format('.2~f')(v)), label: `colour bar: ${GATE_TITLES[gate] ?? gate} from ${isGate(gate) ? 0 : -bound} to ${isGate(gate) ? 1 : bound}` }}
        testId={`gate-map-${gate}`} ariaLabel={`${GATE_TITLES[gate] ?? gate} heatmap, ${T} steps by ${H} units`} />
    </figure>
  );
}
