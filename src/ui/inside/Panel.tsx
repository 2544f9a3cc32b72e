/** The frame every "look inside" panel shares: a title, the "what am I looking at" text, and the chart. */
import type { ReactNode } from 'react';

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
        <details className="explain">
          <summary title={explain}>What am I looking at?</summary>
          <p>{explain}</p>
        </details>
        {tools && <div className="inside-tools">{tools}</div>}
      </header>
      {children}
    </section>
  );
}

/** Scientific notation with three significant digits; "zero" at or below 1e−12 (panels.md colour conventions). */
export const fmtG = (v: number | null | undefined) => (v == null ? '—' : v <= 1e-12 ? 'zero' : v.toExponential(2));
