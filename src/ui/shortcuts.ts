/**
 * Global keyboard shortcuts. They never fire while the user types in a field (Ctrl+Z there is the field's own
 * undo; Backspace deletes characters, never layers). React Flow handles Delete/Backspace and arrows on the canvas.
 */
import {
  copySelection, cutSelection, duplicateSelection, paste, redo, requestFit, selectAll, toggleDockFull, undo,
} from '../store/index.ts';
import { saveToFile } from './files.ts';

export function isEditable(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  return t.isContentEditable || t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT';
}

export function onShortcut(e: KeyboardEvent, open: () => void): void {
  const mod = e.ctrlKey || e.metaKey;
  const key = e.key.toLowerCase();
  if (mod && key === 'k') {
    e.preventDefault();
    document.querySelector<HTMLInputElement>('[data-testid="palette-filter"]')?.focus();
    return;
  }
  if (mod && key === 's') {
    e.preventDefault();
    saveToFile();
    return;
  }
  if (mod && key === 'o') {
    e.preventDefault();
    open();
    return;
  }
  if (isEditable(e.target)) return;
  const run = (f: () => void) => {
    e.preventDefault();
    f();
  };
  if (mod && e.shiftKey && key === 'f') run(toggleDockFull);
  else if (mod && key === 'z') run(e.shiftKey ? redo : undo);
  else if (mod && key === 'y') run(redo);
  else if (mod && key === 'c') run(copySelection);
  else if (mod && key === 'x') run(cutSelection);
  else if (mod && key === 'v') run(paste);
  else if (mod && key === 'd') run(duplicateSelection);
  else if (mod && key === 'a') run(selectAll);
  else if (!mod && !e.altKey && (e.key === '.' || (e.shiftKey && e.key === '!'))) run(requestFit);
}
