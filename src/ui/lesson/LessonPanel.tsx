/**
 * The guided lesson, beside the canvas: one step at a time, its text, a "Do it" button that performs it, and the
 * "What you should see" line with the verdict the store computed from the run (✓, or "not this time, because …").
 * It renders the lesson store only; Escape or Close dismisses it.
 */
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { LESSON_STEPS } from '../../lesson/steps.ts';
import {
  bringBackGraph, cancelReplace, closeLesson, doIt, goToStep, keepAsideAndGoOn, restartLesson, useLesson,
} from '../../store/lesson.ts';
import { notify } from '../../store/index.ts';
import { saveToFile } from '../files.ts';
import { Why, whyDisabled } from '../Why.tsx';
import { UnrollStrip } from './UnrollStrip.tsx';
import './lesson.css';

/** `h_t`, `s_{t−1}` → subscripts, so the text reads like the maths; only after a one-letter symbol (never in `bidirectional_1`). */
function maths(text: string) {
  return text.split(/((?<![A-Za-z0-9][A-Za-z0-9])_\{[^}]+\}|(?<![A-Za-z0-9][A-Za-z0-9])_[a-zA-Z0-9])/).map((part, i) =>
    part.startsWith('_') ? <sub key={i}>{part.replace(/^_\{?|\}$/g, '')}</sub> : part);
}

/**
 * Once a step has its verdict, the charts it talks about (steps.ts `view.focus`) are outlined and the first is scrolled
 * into view; they may render a moment after the verdict, so this looks for them for a few seconds.
 */
function useFocus(selectors: string[] | null) {
  const key = selectors?.join('\n') ?? '';
  useEffect(() => {
    if (!key) return;
    const sels = key.split('\n');
    const marked: Element[] = [];
    let tries = 0;
    const timer = setInterval(() => {
      const found = sels.map((s) => document.querySelector(s));
      if (found.every(Boolean) || ++tries > 30) {
        clearInterval(timer);
        for (const el of found) if (el) { el.classList.add('lesson-focus'); marked.push(el); }
        found.find(Boolean)?.scrollIntoView({ block: 'start', inline: 'nearest' });
      }
    }, 100);
    return () => {
      clearInterval(timer);
      for (const el of marked) el.classList.remove('lesson-focus');
    };
  }, [key]);
}

export function LessonPanel() {
  const s = useLesson(useShallow((x) => ({ open: x.open, step: x.step, verdicts: x.verdicts, busy: x.busy, strip: x.strip, confirm: x.confirm, stashed: x.stashed })));
  useEffect(() => {
    if (!s.open) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && closeLesson();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [s.open]);
  const step = LESSON_STEPS[s.step];
  const verdict = s.verdicts[step.id];
  useFocus(s.open && verdict && !s.busy ? step.view.focus : null);
  if (!s.open) return null;
  const last = s.step === LESSON_STEPS.length - 1;
  return (
    <aside className="lesson" role="dialog" aria-modal="false" aria-labelledby="lesson-title" data-testid="lesson" data-step={step.id}>
      <header className="lesson-head">
        <span className="lesson-kicker">Lesson · step {s.step + 1} of {LESSON_STEPS.length}</span>
        <button type="button" className="btn small ghost" onClick={closeLesson} aria-label="Close the lesson" title="Close (Esc); the Lesson button brings it back where you left it">Close</button>
      </header>
      <ol className="lesson-steps" aria-label="Lesson steps">
        {LESSON_STEPS.map((x, i) => (
          <li key={x.id}>
            <button type="button" className={i === s.step ? 'on' : ''} aria-current={i === s.step ? 'step' : undefined} onClick={() => goToStep(i)}
              title={`${i + 1}. ${x.title}${s.verdicts[x.id] ? (s.verdicts[x.id]!.ok ? ' (seen ✓)' : ' (not yet)') : ''}`}>
              {s.verdicts[x.id]?.ok ? '✓' : i + 1}
            </button>
          </li>
        ))}
      </ol>
      <div className="lesson-body">
        <h2 id="lesson-title">{step.title}</h2>
        {step.body.map((p, i) => <p key={i}>{maths(p)}</p>)}
        {step.id === 'cell' && s.strip && <UnrollStrip u={s.strip} />}
        <div className="lesson-do">
          <button type="button" className="btn primary" data-testid="lesson-do" disabled={!!s.busy} title={step.doIt} onClick={() => void doIt(step.id)}>
            {s.busy === step.id ? 'Working…' : 'Do it'}
          </button>
          <span className="muted">{step.doIt}.</span>
        </div>
        <p className="lesson-uses muted" data-testid="lesson-uses">Uses {step.uses}.</p>
        {s.confirm === step.id && (
          <div className="lesson-confirm" role="alertdialog" aria-label="Your graph" data-testid="lesson-confirm">
            <p>
              This step loads the preset {step.preset} in place of your own graph.{' '}
              {s.stashed
                ? 'This graph is kept under Recent; "Bring back my graph" still restores the graph you kept aside first (Undo works too).'
                : 'Your graph is kept aside and "Bring back my graph" restores it (Undo works too).'}
            </p>
            <div className="actions">
              <button type="button" className="btn" onClick={() => { saveToFile(); notify('Saved your graph to a file.'); void keepAsideAndGoOn(); }}>Save it to a file, then go on</button>
              <button type="button" className="btn" onClick={() => void keepAsideAndGoOn()}>Keep it aside and go on</button>
              <button type="button" className="btn ghost" onClick={cancelReplace}>Cancel</button>
            </div>
          </div>
        )}
        <div className={`lesson-expect ${verdict ? (verdict.ok ? 'ok' : 'not') : ''}`} data-testid="lesson-expect">
          <strong>What you should see:</strong> {maths(step.expect)}
          <p className="lesson-verdict" data-testid="lesson-verdict" data-ok={verdict ? String(verdict.ok) : ''} aria-live="polite">
            {s.busy === step.id ? 'running…' : verdict ? <>{verdict.ok ? <span aria-label="seen">✓ </span> : null}{maths(verdict.text)}</> : 'Press Do it to check it against a run.'}
          </p>
        </div>
      </div>
      <footer className="lesson-foot">
        <button type="button" className="btn" {...whyDisabled('lesson-back-why', s.step === 0 ? 'This is the first step.' : null)} onClick={() => goToStep(s.step - 1)}>Back</button>
        <Why id="lesson-back-why" reason={s.step === 0 ? 'This is the first step.' : null} />
        {last ? <button type="button" className="btn" onClick={restartLesson}>Start over</button>
          : <button type="button" className="btn primary" data-testid="lesson-next" onClick={() => goToStep(s.step + 1)}>Next</button>}
        {s.stashed && <button type="button" className="btn" data-testid="lesson-bring-back" onClick={() => bringBackGraph() && notify('Your graph is back on the canvas.')}>Bring back my graph</button>}
      </footer>
    </aside>
  );
}
