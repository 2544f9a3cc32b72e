/**
 * The "Inside" dock tab: probe the graph or run the race, then read the panels (P1 gates, P2 saturation, P3
 * gradient vs time, P4 gradient flow, P5 Jacobian/retention, P8 health). All panels share one time cursor and one
 * unit selection (store/inside.ts).
 */
import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { isAttentionKind } from '../../graph/index.ts';
import { selectCompiled, selectDoc, setDockTab, useStore } from '../../store/index.ts';
import {
  probeCurrentGraph, RACE_DEFAULTS, RACE_RANGES, runAttentionPair, runRace, selectActiveProbe, selectIsTraining, setActiveRun, setDirection, setExample, setRecordEvery, stopInsideTraining, useInside,
} from '../../store/inside.ts';
import { ErrorBoundary } from '../ErrorBoundary.tsx';
import { RaceStory } from './RaceStory.tsx';
import { AttentionPairStory } from './AttentionPairStory.tsx';
import { GradientPanel, HealthPanel, JacobianPanel } from './CurvePanels.tsx';
import { FlowPanel, SaturationPanel } from './FlowPanels.tsx';
import { AttentionPanel } from './AttentionPanel.tsx';
import { ConnectivityPanel } from './ConnectivityPanel.tsx';
import { GatePanel } from './GatePanel.tsx';
import { startGradientOverlay } from './overlay.ts';
import './inside.css';
import { Why, whyDisabled } from '../Why.tsx';

const NEEDS_VALID = 'The graph has problems (see Problems): fix them first.';

/** Presets whose name starts with this open the Inside tab (the race preset). */
export const RACE_PRESET_PREFIX = 'The race';
const isRace = (name?: string) => !!name?.startsWith(RACE_PRESET_PREFIX);

// Opening a race preset brings its tab to the front (the store loads the document after this module is imported).
useStore.subscribe((s, prev) => {
  if (s.doc !== prev.doc && isRace(s.doc.meta?.name) && !isRace(prev.doc.meta?.name)) setDockTab('inside');
});

startGradientOverlay();

// Selecting a recurrent node (or its Bidirectional wrapper/child) on the canvas shows that layer in the panels.
useStore.subscribe((s, prev) => {
  if (s.selection === prev.selection || s.selection.length !== 1) return;
  const node = s.doc.nodes.find((n) => n.id === s.selection[0]);
  const ids = [s.selection[0], node?.parentId].filter(Boolean);
  const k = selectActiveProbe(useInside.getState())?.directions.findIndex((d) => ids.includes(d.id)) ?? -1;
  if (k >= 0 && k !== useInside.getState().direction) setDirection(k);
});

const num = (v: string, d: number) => (Number.isFinite(Number(v)) && Number(v) > 0 ? Math.round(Number(v)) : d);

/** A slider with its value shown beside it. */
function Slider({ label, aria, value, range, onChange }: {
  label: string; aria: string; value: number; range: { min: number; max: number; step: number }; onChange: (v: number) => void;
}) {
  return (
    <label className="race-slider">{label}
      <input type="range" aria-label={aria} min={range.min} max={range.max} step={range.step} value={value} onChange={(e) => onChange(Number(e.target.value))} />
      <output>{value}</output>
    </label>
  );
}

export function InsideTab() {
  const doc = useStore(selectDoc);
  const ok = useStore((s) => selectCompiled(s).ok);
  const { runs, busy, error, activeRun, direction, example, recordEvery } = useInside(useShallow((s) => ({
    runs: s.runs, busy: s.busy, error: s.error, activeRun: s.activeRun, direction: s.direction, example: s.example, recordEvery: s.recordEvery,
  })));
  const probe = useInside(selectActiveProbe);
  const stopWhy = useInside(selectIsTraining) ? null : 'No race or attention pair is running.';
  const [steps, setSteps] = useState(String(RACE_DEFAULTS.steps));
  const [every, setEvery] = useState(String(RACE_DEFAULTS.every));
  const [T, setT] = useState(RACE_DEFAULTS.seqLen);
  const [units, setUnits] = useState(RACE_DEFAULTS.units);
  // The sliders show the length and units of the attention pair on screen (the lesson runs it at its own defaults).
  const pairT = useInside((s) => s.pair?.result.seqLen);
  const pairUnits = useInside((s) => s.pair?.result.units);
  useEffect(() => {
    if (pairT !== undefined) setT(pairT);
  }, [pairT]);
  useEffect(() => {
    if (pairUnits !== undefined) setUnits(pairUnits);
  }, [pairUnits]);
  // Panels take the width there is (no sideways scrolling at 1024 px): measured, and re-measured on resize.
  const box = useRef<HTMLDivElement>(null);
  const [avail, setAvail] = useState(1200);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setAvail(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const panelWidth = (w: number) => Math.max(240, Math.min(w, avail - 20));
  const race = (o: { seqLen?: number; units?: number } = {}) =>
    void runRace(doc, { seqLen: o.seqLen ?? T, units: o.units ?? units, steps: num(steps, RACE_DEFAULTS.steps), every: num(every, RACE_DEFAULTS.every) });
  const hasAttention = doc.nodes.some((n) => isAttentionKind(n.data.kind));
  const pair = (o: { seqLen?: number; units?: number } = {}) => void runAttentionPair(doc, { seqLen: o.seqLen ?? T, units: o.units ?? units });
  // One control, an immediate effect: moving a slider re-runs the race (or the attention pair on screen) once the slider rests for a moment.
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const slide = (set: (v: number) => void, key: 'seqLen' | 'units') => (v: number) => {
    set(v);
    clearTimeout(timer.current);
    if (ok) timer.current = setTimeout(() => (useInside.getState().pair ? pair : race)({ [key]: v }), 350);
  };

  const probeWhy = ok ? (busy ? 'Wait: the Inside tab is busy.' : null) : NEEDS_VALID;
  return (
    <div className="inside" data-testid="inside" ref={box}>
      <div className="inside-controls">
        <button type="button" className="btn" {...whyDisabled('inside-why', probeWhy)} onClick={() => void probeCurrentGraph(doc, { seqLen: T })}>Probe this graph</button>
        <span className="sep" />
        <Slider label="T" aria="Sequence length T" value={T} range={RACE_RANGES.seqLen} onChange={slide(setT, 'seqLen')} />
        <Slider label="units" aria="Units per recurrent layer" value={units} range={RACE_RANGES.units} onChange={slide(setUnits, 'units')} />
        <label>steps <input aria-label="Race steps" type="number" min={1} value={steps} onChange={(e) => setSteps(e.target.value)} /></label>
        <label>record every <input aria-label="Record every N steps" type="number" min={1} value={every} onChange={(e) => setEvery(e.target.value)} /></label>
        <button type="button" className="btn" {...whyDisabled('inside-why', ok ? null : NEEDS_VALID)}
          title={ok ? 'Train SimpleRNN, LSTM and GRU versions of this graph on the same data and seed, one after the other (moving T or units re-runs it)' : undefined}
          onClick={() => race()}>Run the race</button>
        {hasAttention && (
          <button type="button" className="btn" {...whyDisabled('inside-why', ok ? null : NEEDS_VALID)}
            title={ok ? 'Train this graph without its attention and with it, on the same data and seed (length T, units), and overlay the encoder\'s gradient over its steps' : undefined}
            onClick={() => pair()}>With and without attention</button>
        )}
        <button type="button" className="btn" {...whyDisabled('stop-why', stopWhy)} onClick={stopInsideTraining}>Stop</button>
        <Why id="inside-why" reason={probeWhy} />
        <Why id="stop-why" reason={stopWhy} />
        <label title="While the Training tab trains, probe the first 32 validation sequences every N steps (0 = off); the snapshots appear here as the run 'Training tab run'">
          Training tab: record every <input aria-label="Training tab: record every N steps" type="number" min={0} value={recordEvery}
            onChange={(e) => setRecordEvery(Number(e.target.value) || 0)} /></label>
        {busy && <span role="status" className="muted">{busy}</span>}
        {error && <span role="alert" className="inside-error">{error}</span>}
      </div>
      <ErrorBoundary area="the race story"><RaceStory /></ErrorBoundary>
      <ErrorBoundary area="the attention story"><AttentionPairStory /></ErrorBoundary>
      {runs.length > 0 && (
        <div className="inside-controls" role="group" aria-label="What to show">
          <span>Model:</span>
          {runs.map((r) => (
            <label key={r.id} className="run-choice">
              <input type="radio" name="inside-run" checked={(activeRun ?? runs[0].id) === r.id} onChange={() => setActiveRun(r.id)} />
              <span className="swatch" style={{ background: r.colour }} /> {r.label} <span className="muted">({r.status}{r.health.length ? `, step ${r.health[r.health.length - 1].step}` : ''})</span>
            </label>
          ))}
          {probe && probe.directions.length > 1 && (
            <label>Layer <select value={direction} onChange={(e) => setDirection(Number(e.target.value))}>
              {probe.directions.map((d, k) => <option key={k} value={k}>{d.name} ({d.kind}, {d.direction})</option>)}
            </select></label>
          )}
          {probe && (
            <label>Example <select value={example} onChange={(e) => setExample(Number(e.target.value))}>
              {Array.from({ length: probe.batch }, (_, b) => <option key={b} value={b}>{b + 1}</option>)}
            </select></label>
          )}
        </div>
      )}
      {runs.length === 0 ? (
        <p className="dock-empty">
          Look inside the recurrent layers: <strong>Probe this graph</strong> shows its gates, states and per-timestep gradients (with the weights the Training tab saved, else the initial ones);
          <strong> Run the race</strong> trains SimpleRNN, LSTM and GRU versions of it on the same data and seed and overlays their gradient curves —
          the vanishing gradient in one screen.
        </p>
      ) : (
        <div className="inside-grid">
          <ErrorBoundary area="the gradient panel"><GradientPanel width={panelWidth(560)} /></ErrorBoundary>
          <ErrorBoundary area="the training health panel"><HealthPanel width={panelWidth(460)} /></ErrorBoundary>
          <ErrorBoundary area="the gradient flow panel"><FlowPanel width={panelWidth(560)} /></ErrorBoundary>
          <ErrorBoundary area="the gates panel"><GatePanel width={panelWidth(380)} /></ErrorBoundary>
          <ErrorBoundary area="the Jacobian panel"><JacobianPanel width={panelWidth(460)} /></ErrorBoundary>
          <ErrorBoundary area="the gate saturation panel"><SaturationPanel width={panelWidth(460)} /></ErrorBoundary>
          <ErrorBoundary area="the connectivity panel"><ConnectivityPanel width={panelWidth(1100)} seqLen={T} /></ErrorBoundary>
          <ErrorBoundary area="the attention panel"><AttentionPanel width={panelWidth(1100)} seqLen={T} /></ErrorBoundary>
        </div>
      )}
    </div>
  );
}
