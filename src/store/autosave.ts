/**
 * Autosave: every document change (graph, params, viewport, training settings) is written to local storage.
 * Each write is stamped with this tab's id; when another tab writes, this tab stops saving and asks the user
 * (reload theirs / keep mine) instead of silently overwriting either side.
 *
 * Nothing is overwritten without a kept copy (versions.ts): what storage held when the app opened a share link or a
 * preset, every document a load replaces, and every few minutes the document being edited become versions, listed
 * under "Recent". An autosave the app cannot read is kept as it was and offered as a download.
 */
import { create } from 'zustand';
import { parseDocument, serializeDocument, type GraphDoc } from '../graph/index.ts';
import { STAMP_KEY, STORAGE_KEY, loadLocal, readStamp } from './persistence.ts';
import { sameContent } from './history.ts';
import type { Initial } from './startup.ts';
import { loadDocument, notify, setConflict, setOnReplace, useStore } from './store.ts';
import { dropVersion, keepVersion, listVersions, versionText, VERSIONS_KEY, type Version, type VersionStorage } from './versions.ts';

/** While a document is edited, the autosave keeps a version of it this often. */
export const VERSION_EVERY_MS = 5 * 60_000;

export interface VersionsState {
  /** Newest first (see versions.ts). */
  versions: Version[];
  /** The unreadable autosave found at start, kept and offered as a download until dismissed. */
  unreadable: Version | null;
}
export const useVersions = create<VersionsState>()(() => ({ versions: [], unreadable: null }));

export interface AutosaveHandle {
  stop(): void;
  /** Reloads the other tab's document (conflict resolved their way). */
  takeTheirs(): void;
  /** Writes this tab's document over the other tab's (conflict resolved our way). */
  keepMine(): void;
  /** Handles a storage event (from `window`'s "storage" listener; exposed for tests): a stamp or the versions' index. */
  onStorage(key: string | null, newValue: string | null): void;
}

/** The running autosave's storage and version actions (module-level, so the UI calls them without props). */
let running: { kv: VersionStorage; restore(v: Version, doc: GraphDoc): void } | null = null;

const WHY_OPENED: Record<Initial['source'], string> = {
  share: 'replaced by a share link',
  preset: 'replaced by a preset',
  default: 'replaced by the example graph',
  autosave: '',
};
const nameOf = (doc: GraphDoc) => doc.meta?.name ?? 'Untitled graph';
const newDocId = () => crypto.randomUUID();

/**
 * Starts autosaving the store's document. `opened` is where it came from (startup.ts): unless it is the autosave
 * itself, what storage holds is kept as a version (or, unreadable, kept as it was) before the first write. A tab
 * that restored the autosave does not write it back, so opening a second tab does not disturb the first.
 */
export function startAutosave(kv: VersionStorage, tab: string, { opened }: { opened: Initial['source'] }): AutosaveHandle {
  let rev = 0;
  // The stamp of the autosave this tab knows about. If storage holds another one when we are about to write,
  // another tab saved in between: stop and ask (even if no storage event reached us).
  let known = kv.getItem(STAMP_KEY);
  let docId = readStamp(known)?.doc ?? newDocId();
  // When the document being edited was last kept as a version (or loaded).
  let keptAt = Date.now();
  // Set when what storage holds could not be kept: then nothing overwrites it during this visit.
  let held = false;
  const refresh = () => useVersions.setState({ versions: listVersions(kv) });

  /** Keeps a version; when storage refuses, says so, followed by `otherwise` (what still holds the graph). */
  const keep = (text: string, v: Omit<Version, 'id' | 'time'>, otherwise: string): Version | null => {
    const r = keepVersion(kv, text, { ...v, time: Date.now() });
    if (!r.ok) notify(`Could not keep a version of "${v.name}": ${r.error}. ${otherwise}`, 'error');
    refresh();
    return r.ok ? r.version : null;
  };
  const write = () => {
    if (held) return;
    const doc = useStore.getState().doc;
    try {
      if (Date.now() - keptAt >= VERSION_EVERY_MS && doc.nodes.length) {
        keep(serializeDocument(doc), { doc: docId, name: nameOf(doc), why: 'autosaved while editing' }, 'Save it as a file to keep this state.');
        keptAt = Date.now();
      }
      kv.setItem(STORAGE_KEY, serializeDocument(doc));
      kv.setItem(STAMP_KEY, JSON.stringify({ tab, rev: ++rev, doc: docId }));
      known = kv.getItem(STAMP_KEY);
    } catch (e) {
      notify(`Autosave failed: ${(e as Error).message}. Use Save to keep a copy.`, 'error');
    }
  };
  // Another tab's save that holds the same graph as `doc` (it took ours, or only moved its view) is no conflict.
  const echoes = (doc: GraphDoc) => {
    const r = loadLocal(kv);
    return r?.ok === true && sameContent(r.doc, doc);
  };
  const save = (prev: GraphDoc, viewportOnly: boolean) => {
    const now = kv.getItem(STAMP_KEY);
    if (now === known || readStamp(now)?.tab === tab || echoes(prev)) write();
    // Looking around (pan/zoom) is not work: it neither overwrites the other tab nor raises the alarm.
    else if (!viewportOnly) setConflict(true);
  };

  /** Keeps what storage holds before the first write; false when it could not be kept (then it stays where it is). */
  const keepStored = (): boolean => {
    const text = kv.getItem(STORAGE_KEY);
    if (text === null) return true;
    const r = parseDocument(text);
    const held = 'Autosave is off for this visit, so the graph stored before is not overwritten. Save your work as a file.';
    if (r.ok) return keep(text, { doc: docId, name: nameOf(r.doc), why: WHY_OPENED[opened] }, held) !== null;
    const unreadable = keep(text, { doc: 'unreadable', name: 'Unreadable autosave', why: 'could not be read', unreadable: r.error }, held);
    useVersions.setState({ unreadable });
    return unreadable !== null;
  };

  const unsubscribe = useStore.subscribe((s, prev) => {
    if (s.doc !== prev.doc && !s.conflict) save(prev.doc, sameContent(s.doc, prev.doc));
  });
  // What a load replaces becomes a version first; the loaded graph is a new document unless it is a version's.
  let nextDocId: string | null = null;
  setOnReplace((old, why) => {
    if (old.nodes.length) keep(serializeDocument(old), { doc: docId, name: nameOf(old), why }, 'Undo still brings it back; Save it as a file to keep it.');
    docId = nextDocId ?? newDocId();
    nextDocId = null;
    keptAt = Date.now();
  });
  running = {
    kv,
    restore(v, doc) {
      nextDocId = v.doc;
      loadDocument(doc, { why: `replaced by a version from Recent (${v.name})`, fit: !doc.viewport });
    },
  };
  refresh();
  if (opened !== 'autosave') {
    held = !keepStored();
    docId = newDocId();
    write();
  }
  return {
    stop() {
      unsubscribe();
      setOnReplace(null);
      running = null;
    },
    onStorage(key, newValue) {
      if (key === VERSIONS_KEY) return refresh(); // another tab kept a version: Recent lists it here too
      if (key !== STAMP_KEY || newValue === known) return;
      const stamp = readStamp(newValue);
      if (!stamp || stamp.tab === tab) return;
      if (echoes(useStore.getState().doc)) known = newValue;
      else setConflict(true);
    },
    takeTheirs() {
      const r = loadLocal(kv);
      known = kv.getItem(STAMP_KEY);
      nextDocId = readStamp(known)?.doc ?? null;
      setConflict(false);
      if (r?.ok) loadDocument(r.doc, { why: "replaced by the other tab's graph" });
      else notify(r ? r.error : 'The other tab left no graph to load.', 'error');
    },
    keepMine() {
      setConflict(false);
      write();
    },
  };
}

/**
 * Puts a version back on the canvas, as one undo step; the graph it replaces becomes a version itself. Returns
 * whether it did (else a message says why).
 */
export function restoreVersion(v: Version): boolean {
  const text = running && versionText(running.kv, v.id);
  const r = text ? parseDocument(text) : null;
  if (!running || !r?.ok) {
    notify(r && !r.ok ? `The version "${v.name}" cannot be opened (${r.error}); download it instead.` : `The version "${v.name}" is no longer stored.`, 'error');
    return false;
  }
  running.restore(v, r.doc);
  notify(`Restored "${v.name}" from ${new Date(v.time).toLocaleString()}. Undo to go back.`);
  return true;
}

/** The exact stored text of a version (what its download holds), or null. */
export const storedVersionText = (v: Version): string | null => (running ? versionText(running.kv, v.id) : null);

/** Forgets a version (after the user has downloaded an unreadable autosave) and hides its banner. */
export function deleteVersion(v: Version): void {
  if (!running) return;
  dropVersion(running.kv, v.id);
  useVersions.setState((s) => ({ versions: listVersions(running!.kv), unreadable: s.unreadable?.id === v.id ? null : s.unreadable }));
}
export const dismissUnreadable = () => useVersions.setState({ unreadable: null });
