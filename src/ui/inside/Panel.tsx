/** The frame every "look inside" panel shares: a title, the "what am I looking at" text, and the chart. */
import { useCallback, useRef, useState, type ReactNode } from 'react';
import { useDismiss } from '../useDismiss.ts';

export interface PanelProps {
  title: string;
  /** One paragraph: what is drawn, how to read it, what to expect. */
  explain: string;
  testId: string;
  /** Controls shown right of the title. */
  tools?: ReactNode;
  children: ReactNode;
}

export function Panel({ title, explain, testId, tools, children }: PanelProps) {
  return (
    <section className="inside-panel" data-testid={testId} aria-label={title}>
      <header>
        <h3>{title}</h3>
        <Explain text={explain} />
        {tools && <div className="inside-tools">{tools}</div>}
      </header>
      {children}
    </section>
  );
}

/** "What am I looking at?": a help popover over the panel, closed by the button again, Escape or a click outside. */
function Explain({ text }: { text: string }) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const close = useCallback(() => setOpen(false), []);
  useDismiss(ref, close, open);
  return (
    <div className="explain" ref={ref}>
      <button type="button" className="explain-toggle" aria-expanded={open} title={text} onClick={() => setOpen((o) => !o)}>What am I looking at?</button>
      {open && <p className="explain-pop" role="note">{text}</p>}
    </div>
  );
}

/** Scientific notation with three significant digits; "zero" at or below 1e−12 (panels.md colour conventions). */
export const fmtG = (v: number | null | undefined) => (v == null ? '—' : v <= 1e-12 ? 'zero' : v.toExponential(2));
