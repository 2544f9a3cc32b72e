/** A toolbar menu: a button that opens a list of choices, closed by a choice, Escape or a click outside. */
import { useCallback, useRef, useState, type ReactNode } from 'react';
import { useDismiss } from './useDismiss.ts';

export function Menu({ label, title, children }: { label: string; title?: string; children: (close: () => void) => ReactNode }) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const close = useCallback(() => setOpen(false), []);
  useDismiss(ref, close, open);
  return (
    <div className="menu" ref={ref}>
      <button type="button" className="btn" aria-haspopup="menu" aria-expanded={open} title={title} onClick={() => setOpen((o) => !o)}>
        {label} ▾
      </button>
      {open && (
        <ul className="menu-list" role="menu" aria-label={label}>
          {children(close)}
        </ul>
      )}
    </div>
  );
}

/** One choice: its name and a line that says what it does. */
export function MenuItem({ name, desc, onClick }: { name: ReactNode; desc: ReactNode; onClick(): void }) {
  return (
    <li role="none">
      <button type="button" role="menuitem" className="menu-item" onClick={onClick}>
        <span className="menu-item-name">{name}</span>
        <span className="menu-item-desc">{desc}</span>
      </button>
    </li>
  );
}
