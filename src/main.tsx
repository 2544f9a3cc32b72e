/** Composition root: choose the first document, start autosave, mount the editor. */
import '@xyflow/react/dist/style.css';
import './ui/styles.css';
import { createRoot } from 'react-dom/client';
import { cleanedUrl, initialDocument, loadDocument, notify, startAutosave } from './store/index.ts';
import { initLesson } from './store/lesson.ts';
import { App } from './ui/App.tsx';

async function main() {
  const first = await initialDocument(location, localStorage);
  loadDocument(first.doc, {
    record: false,
    layout: first.source === 'preset' || first.source === 'default',
    fit: !(first.source === 'autosave' && first.doc.viewport),
  });
  if (first.error) notify(first.error, 'error');
  else if (first.source === 'share') notify('Opened the graph from the share link.');
  history.replaceState(null, '', cleanedUrl(location));

  const tab = crypto.randomUUID();
  const autosave = startAutosave(localStorage, tab, { saveNow: first.source !== 'autosave' });
  window.addEventListener('storage', (e) => autosave.onStorage(e.key, e.newValue));

  initLesson(localStorage);
  createRoot(document.getElementById('root')!).render(<App onTakeTheirs={autosave.takeTheirs} onKeepMine={autosave.keepMine} />);
}

void main();
