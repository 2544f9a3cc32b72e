/** The dock under the canvas: one tab per entry of DOCK_TABS (summary, problems, and the other areas' tabs). */
import type { KeyboardEvent, PointerEvent } from 'react';
import { DEFAULT_DOCK_SIZE, selectCompiled, setDockSize, setDockTab, toggleDockFull, useStore } from '../../store/index.ts';
import { ErrorBoundary } from '../ErrorBoundary.tsx';
import { DOCK_TABS } from './tabs.ts';

const EXPANDED = 0.7;

/** Dragging the dock's top edge sets its share of the workspace height (pointer capture keeps the drag on it). */
function startResize(e: PointerEvent<HTMLDivElement>) {
  const workspace = e.currentTarget.closest('.workspace');
  if (!workspace) return;
  e.preventDefault();
  const handle = e.currentTarget;
  handle.setPointerCapture(e.pointerId);
  const box = workspace.getBoundingClientRect();
  const move = (ev: globalThis.PointerEvent) => setDockSize((box.bottom - ev.clientY) / box.height);
  const end = () => {
    handle.removeEventListener('pointermove', move);
    handle.removeEventListener('pointerup', end);
    handle.removeEventListener('pointercancel', end);
  };
  handle.addEventListener('pointermove', move);
  handle.addEventListener('pointerup', end);
  handle.addEventListener('pointercancel', end);
}

/** Arrow keys resize by 5 % (WCAG 2.5.7: every drag has a single-pointer or keyboard alternative). */
function keyResize(e: KeyboardEvent<HTMLDivElement>, size: number) {
  const step = { ArrowUp: 0.05, ArrowDown: -0.05 }[e.key];
  if (step === undefined) return;
  e.preventDefault();
  setDockSize(size + step);
}

export function Dock() {
  const active = useStore((s) => s.dockTab);
  const size = useStore((s) => s.dockSize);
  const full = useStore((s) => s.dockFull);
  const problems = useStore((s) => selectCompiled(s).diagnostics.length);
  const current = DOCK_TABS.find((t) => t.id === active) ?? DOCK_TABS[0];
  const expanded = size >= EXPANDED - 0.01;
  return (
    <section className="dock" aria-label="Dock">
      <div
        className="dock-resizer"
        role="separator"
        aria-orientation="horizontal"
        aria-label="Resize the dock (drag, or arrow keys)"
        aria-valuemin={15}
        aria-valuemax={85}
        aria-valuenow={Math.round(size * 100)}
        tabIndex={0}
        onPointerDown={startResize}
        onKeyDown={(e) => keyResize(e, size)}
        onDoubleClick={() => setDockSize(expanded ? DEFAULT_DOCK_SIZE : EXPANDED)}
      />
      <div className="dock-bar">
        <div className="dock-tabs" role="tablist" aria-label="Dock tabs">
          {DOCK_TABS.map((t) => (
            <button
              key={t.id}
              type="button"
              role="tab"
              id={`dock-tab-${t.id}`}
              aria-selected={t.id === current.id}
              aria-controls={`dock-panel-${t.id}`}
              className="dock-tab"
              onClick={() => setDockTab(t.id)}
            >
              {t.label}
              {t.id === 'problems' && problems > 0 && <span className="count-badge">{problems}</span>}
            </button>
          ))}
        </div>
        <button
          type="button"
          className="dock-expand"
          title={expanded ? 'Give the canvas its space back' : 'Make the dock tall, for curves and heatmaps'}
          aria-pressed={expanded}
          onClick={() => setDockSize(expanded ? DEFAULT_DOCK_SIZE : EXPANDED)}
        >
          {expanded ? 'Shrink dock' : 'Expand dock'}
        </button>
        <button type="button" className="dock-expand dock-full-toggle" aria-pressed={full} aria-keyshortcuts="Control+Shift+F"
          title={full ? 'Give the window back to the canvas (Ctrl+Shift+F)' : 'The dock takes the whole window; the canvas shrinks to a strip (Ctrl+Shift+F)'}
          onClick={toggleDockFull}>
          {full ? 'Leave full window' : 'Full window'}
        </button>
      </div>
      <div className="dock-panel" role="tabpanel" id={`dock-panel-${current.id}`} aria-labelledby={`dock-tab-${current.id}`}>
        <ErrorBoundary key={current.id} area={`the ${current.label} tab`}><current.Component /></ErrorBoundary>
      </div>
    </section>
  );
}
