/**
 * Autosave: every document change (graph, params, viewport, training settings) is written to local storage.
 * Each write is stamped with this tab's id; when another tab writes, this tab stops saving and asks the user
 * (reload theirs / keep mine) instead of silently overwriting either side.
 */
import { STAMP_KEY, loadLocal, readStamp, saveLocal, type KeyValue } from './persistence.ts';
import { sameContent } from './history.ts';
import { loadDocument, notify, setConflict, useStore } from './store.ts';

export interface AutosaveHandle {
  stop(): void;
  /** Reloads the other tab's document (conflict resolved their way). */
  takeTheirs(): void;
  /** Writes this tab's document over the other tab's (conflict resolved our way). */
  keepMine(): void;
  /** Handles a storage event (from `window`'s "storage" listener; exposed for tests). */
  onStorage(key: string | null, newValue: string | null): void;
}

/**
 * `saveNow`: write the current document at once (it came from a preset, file or link). A tab that just restored
 * the autosave does not write it back, so opening a second tab does not disturb the first.
 */
export function startAutosave(kv: KeyValue, tab: string, { saveNow }: { saveNow: boolean }): AutosaveHandle {
  let rev = 0;
  // The stamp of the autosave this tab knows about. If storage holds another one when we are about to write,
  // another tab saved in between: stop and ask (even if no storage event reached us).
  let known = kv.getItem(STAMP_KEY);
  const write = () => {
    try {
      saveLocal(kv, useStore.getState().doc, { tab, rev: ++rev });
      known = kv.getItem(STAMP_KEY);
    } catch (e) {
      notify(`Autosave failed: ${(e as Error).message}. Use Save to keep a copy.`, 'error');
    }
  };
  const save = (viewportOnly: boolean) => {
    const now = kv.getItem(STAMP_KEY);
    if (now === known || readStamp(now)?.tab === tab) write();
    // Looking around (pan/zoom) is not work: it neither overwrites the other tab nor raises the alarm.
    else if (!viewportOnly) setConflict(true);
  };
  const unsubscribe = useStore.subscribe((s, prev) => {
    if (s.doc !== prev.doc && !s.conflict) save(sameContent(s.doc, prev.doc));
  });
  if (saveNow) write();
  return {
    stop: unsubscribe,
    onStorage(key, newValue) {
      if (key !== STAMP_KEY || newValue === known) return;
      const stamp = readStamp(newValue);
      if (stamp && stamp.tab !== tab) setConflict(true);
    },
    takeTheirs() {
      const r = loadLocal(kv);
      known = kv.getItem(STAMP_KEY);
      setConflict(false);
      if (r?.ok) loadDocument(r.doc);
      else notify(r ? r.error : 'The other tab left no graph to load.', 'error');
    },
    keepMine() {
      setConflict(false);
      write();
    },
  };
}
