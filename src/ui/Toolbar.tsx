/** The top bar: file actions, presets, history, layout. */
import { useCallback, useRef, useState } from 'react';
import {
  EMPTY_DOC, loadDocument, notify, PRESETS, redo, requestFit, selectCanRedo, selectCanUndo, selectIsDirty, undo, useStore,
} from '../store/index.ts';
import { openLesson, useLesson } from '../store/lesson.ts';
import { autoLayout } from './canvas/layout.ts';
import { openFile, saveToFile, shareUrl } from './files.ts';
import { Menu, MenuItem } from './Menu.tsx';
import { useDismiss } from './useDismiss.ts';
import { RecentMenu } from './Versions.tsx';

export function Toolbar() {
  const canUndo = useStore(selectCanUndo);
  const canRedo = useStore(selectCanRedo);
  const dirty = useStore(selectIsDirty);
  const name = useStore((s) => s.doc.meta?.name);
  const fileInput = useRef<HTMLInputElement>(null);
  const [link, setLink] = useState<string | null>(null);
  const shareBox = useRef<HTMLDivElement>(null);
  const closeShare = useCallback(() => setLink(null), []);
  useDismiss(shareBox, closeShare, link !== null);
  const lessonOpen = useLesson((s) => s.open);

  const share = async () => {
    const r = shareUrl();
    if (!r.ok) return notify(r.error, 'error');
    const url = r.url;
    setLink(url);
    try {
      await navigator.clipboard.writeText(url);
      notify('Share link copied to the clipboard.');
    } catch {
      notify('Copy the share link from the box.');
    }
  };

  return (
    <header className="toolbar">
      <div className="brand">
        <span className="logo" aria-hidden>◎</span> RNN Studio
      </div>
      <div className="doc-name" title={name ?? 'Untitled graph'}>
        {name ?? 'Untitled graph'}
        {dirty && <span className="dirty" title="Changed since the last Save/Open"> •</span>}
      </div>
      <div className="toolbar-group">
        <Menu label="Presets">
          {(close) =>
            PRESETS.map((p) => (
              <MenuItem
                key={p.name}
                name={p.name}
                desc={p.description}
                onClick={() => {
                  loadDocument(p.doc, { layout: true, why: `replaced by preset ${p.name}` });
                  close();
                  notify(`Loaded preset ${p.name}. Undo to go back.`);
                }}
              />
            ))
          }
        </Menu>
        <RecentMenu />
        <button type="button" className="btn" onClick={() => loadDocument(EMPTY_DOC, { why: 'replaced by a new graph' })} title="Start an empty graph (undo brings the old one back)">New</button>
        <button type="button" className="btn" onClick={() => fileInput.current?.click()} title="Open a saved graph (Ctrl+O)">Open</button>
        <input
          ref={fileInput}
          type="file"
          accept=".json,.keras,.h5,.yaml,.yml,application/json"
          hidden
          data-testid="open-file"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void openFile(f);
            e.target.value = '';
          }}
        />
        <button type="button" className="btn" onClick={saveToFile} title="Download the graph as a .json file (Ctrl+S)">Save</button>
        <button type="button" className="btn" onClick={() => void share()} title="A link that holds the whole graph">Share</button>
      </div>
      <div className="toolbar-group">
        <button type="button" className="btn icon" onClick={undo} disabled={!canUndo} aria-label="Undo" title="Undo (Ctrl+Z)">↶</button>
        <button type="button" className="btn icon" onClick={redo} disabled={!canRedo} aria-label="Redo" title="Redo (Ctrl+Shift+Z)">↷</button>
      </div>
      <div className="toolbar-group">
        <button type="button" className="btn" onClick={() => void autoLayout({ record: true })} title="Arrange the layers top to bottom">Auto layout</button>
        <button type="button" className="btn" onClick={requestFit} title="Fit the graph in view (.)">Fit view</button>
      </div>
      <div className="toolbar-group">
        <button type="button" className="btn" aria-pressed={lessonOpen} onClick={openLesson} title="A guided lesson on recurrent networks, step by step, checked against real runs">Lesson</button>
      </div>
      {link && (
        <div className="share-box" role="dialog" aria-label="Share link" ref={shareBox}>
          <input readOnly value={link} aria-label="Share link URL" data-testid="share-url" onFocus={(e) => e.target.select()} />
          <button type="button" className="btn small" onClick={closeShare}>Close</button>
        </div>
      )}
    </header>
  );
}
