/**
 * Autosave: every document change (graph, params, viewport, training settings) is written to local storage.
 * Each write is stamped with this tab's id; when another tab writes, this tab stops saving and asks the user
 * (reload theirs / keep mine) instead of silently overwriting either side.
 */
import { STAMP_KEY, loadLocal, readStamp, saveLocal, type KeyValue } from './persistence.ts';
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

export function startAutosave(kv: KeyValue, tab: string): AutosaveHandle {
  let rev = 0;
  const save = () => {
    try {
      saveLocal(kv, useStore.getState().doc, { tab, rev: ++rev });
    } catch (e) {
      notify(`Autosave failed: ${(e as Error).message}. Use Save to keep a copy.`, 'error');
    }
  };
  const unsubscribe = useStore.subscribe((s, prev) => {
    if (s.doc !== prev.doc && !s.conflict) save();
  });
  save();
  return {
    stop: unsubscribe,
    onStorage(key, newValue) {
      if (key !== STAMP_KEY) return;
      const stamp = readStamp(newValue);
      if (stamp && stamp.tab !== tab) setConflict(true);
    },
    takeTheirs() {
      const r = loadLocal(kv);
      setConflict(false);
      if (r?.ok) loadDocument(r.doc);
      else notify(r ? r.error : 'The other tab left no graph to load.', 'error');
    },
    keepMine() {
      setConflict(false);
      save();
    },
  };
}
