/** The editor's layout: toolbar on top, palette | canvas (+ dock) | inspector. */
import { ReactFlowProvider } from '@xyflow/react';
import { useEffect } from 'react';
import { countOf } from '../graph/index.ts';
import { clearStatus, selectCompiled, useImport, useStore } from '../store/index.ts';
import { useLesson } from '../store/lesson.ts';
import { Canvas } from './canvas/Canvas.tsx';
import { Dock } from './dock/Dock.tsx';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { ImportOfferBar } from './ImportOffer.tsx';
import { ImportProgress } from './ImportProgress.tsx';
import { Inspector } from './inspector/Inspector.tsx';
import { LessonPanel } from './lesson/LessonPanel.tsx';
import { Palette } from './palette/Palette.tsx';
import { onShortcut } from './shortcuts.ts';
import { Toolbar } from './Toolbar.tsx';
import { UnreadableBanner } from './Versions.tsx';

export interface AppProps {
  /** Resolves a conflict with another tab (see store/autosave.ts). */
  onTakeTheirs(): void;
  onKeepMine(): void;
}

/** What the graph is at a glance, shown when there is no message. */
function GraphStatus() {
  // Layers as the Summary lists them: a Bidirectional with the layer inside it is one.
  const nodes = useStore((s) => s.doc.nodes.filter((n) => !n.parentId).length);
  const edges = useStore((s) => s.doc.edges.length);
  const errors = useStore((s) => selectCompiled(s).diagnostics.filter((d) => d.severity === 'error').length);
  return (
    <span className="muted">
      {countOf(nodes, 'layer')} · {countOf(edges, 'connection')} · {errors === 0 ? 'the model compiles' : `${countOf(errors, 'problem')} (see Problems)`}
    </span>
  );
}

function StatusLine() {
  const status = useStore((s) => s.status);
  useEffect(() => {
    if (!status || status.kind === 'error') return;
    const t = setTimeout(clearStatus, 6000);
    return () => clearTimeout(t);
  }, [status]);
  const job = useImport((s) => s.job);
  const offer = useImport((s) => s.offer);
  if (job) return <ImportProgress job={job} />;
  if (offer) return <ImportOfferBar offer={offer} />;
  return (
    <div className={`status-line ${status?.kind ?? ''}`} role={status?.kind === 'error' ? 'alert' : 'status'} aria-live="polite" data-testid="status">
      {status ? (
        <>
          <span>{status.text}</span>
          <button type="button" className="btn small ghost" onClick={clearStatus} aria-label="Dismiss message">✕</button>
        </>
      ) : (
        <GraphStatus />
      )}
    </div>
  );
}

function ConflictBanner({ onTakeTheirs, onKeepMine }: AppProps) {
  const conflict = useStore((s) => s.conflict);
  if (!conflict) return null;
  return (
    <div className="conflict" role="alert" data-testid="conflict">
      <span>This graph was changed in another tab. Autosave is paused so neither version is lost.</span>
      <button type="button" className="btn" onClick={onTakeTheirs}>Load the other tab's graph</button>
      <button type="button" className="btn" onClick={onKeepMine}>Keep mine (overwrite)</button>
    </div>
  );
}

export function App(props: AppProps) {
  const dockSize = useStore((s) => s.dockSize);
  const dockFull = useStore((s) => s.dockFull);
  const lessonOpen = useLesson((s) => s.open);
  useEffect(() => {
    const open = () => document.querySelector<HTMLInputElement>('[data-testid="open-file"]')?.click();
    const onKey = (e: KeyboardEvent) => onShortcut(e, open);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return (
    <ReactFlowProvider>
      <div className={`app${dockFull ? ' dock-full' : ''}${lessonOpen ? ' lesson-open' : ''}`}>
        <Toolbar />
        <ConflictBanner {...props} />
        <UnreadableBanner />
        <Palette />
        <main className="workspace" style={{ gridTemplateRows: dockFull ? 'minmax(60px, 14%) auto minmax(0, 1fr)' : `minmax(0, 1fr) auto minmax(130px, ${Math.round(dockSize * 100)}%)` }}>
          <ErrorBoundary area="the canvas"><Canvas /></ErrorBoundary>
          <StatusLine />
          <Dock />
        </main>
        <ErrorBoundary area="the inspector"><Inspector /></ErrorBoundary>
        <ErrorBoundary area="the lesson"><LessonPanel /></ErrorBoundary>
      </div>
    </ReactFlowProvider>
  );
}
