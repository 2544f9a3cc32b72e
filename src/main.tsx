/** Composition root: choose the first document, start autosave, mount the editor. */
import '@xyflow/react/dist/style.css';
import './ui/styles.css';
import { createRoot } from 'react-dom/client';
import { cleanedUrl, initialDocument, loadDocument, notify, startAutosave, STORAGE_KEY, type VersionStorage } from './store/index.ts';
import { initLesson } from './store/lesson.ts';
import { App } from './ui/App.tsx';

/** Local storage, or a stand-in in memory when the browser blocks it (then reading it throws), with a message. */
function storage(): { kv: VersionStorage; error?: string } {
  try {
    localStorage.getItem(STORAGE_KEY);
    return { kv: localStorage };
  } catch (e) {
    const mem = new Map<string, string>();
    return {
      kv: { getItem: (k) => mem.get(k) ?? null, setItem: (k, v) => void mem.set(k, v), removeItem: (k) => void mem.delete(k) },
      error: `This browser blocks local storage (${(e as Error).message}), so nothing is autosaved. Use Save to keep your work.`,
    };
  }
}

function main() {
  const { kv, error } = storage();
  // initialDocument never throws: a damaged share link or autosave becomes a message and the next source opens.
  const first = initialDocument(location, kv);
  loadDocument(first.doc, {
    record: false,
    layout: first.source === 'preset' || first.source === 'default',
    fit: !(first.source === 'autosave' && first.doc.viewport),
  });
  const problems = [first.error, error].filter(Boolean).join(' ');
  if (problems) notify(problems, 'error');
  else if (first.source === 'share') notify('Opened the graph from the share link.');
  history.replaceState(null, '', cleanedUrl(location));

  const tab = crypto.randomUUID();
  // Before its first write, the autosave keeps what storage held (a version, or an unreadable autosave as it was).
  const autosave = startAutosave(kv, tab, { opened: first.source });
  window.addEventListener('storage', (e) => autosave.onStorage(e.key, e.newValue));

  initLesson(kv); // opens the guided lesson on a first visit
  createRoot(document.getElementById('root')!).render(<App onTakeTheirs={autosave.takeTheirs} onKeepMine={autosave.keepMine} />);
}

main();
