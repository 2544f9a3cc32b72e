/**
 * Versions, not overwrites: earlier states of the user's documents, kept in local storage. A document that an open,
 * a share link, a preset, a lesson step or another tab's graph replaces becomes a version first, and the autosave
 * adds one now and then while a document is edited. Each document (a run of edits from one load on) keeps its
 * last `VERSIONS_PER_DOCUMENT`; all documents together keep at most `VERSIONS_MAX`, and when the browser's storage
 * is full the oldest versions make room. An autosave the app cannot read is kept here too, byte for byte, and is
 * never dropped to make room.
 *
 * Pure logic over a `KeyValue`: an index of versions under `VERSIONS_KEY`, each version's text under its own key.
 */
import { z } from 'zod';
import type { KeyValue } from './persistence.ts';

/** Versions also delete what they drop. */
export type VersionStorage = KeyValue & Pick<Storage, 'removeItem'>;

export const VERSIONS_KEY = 'rnn-studio:versions';
const TEXT_PREFIX = 'rnn-studio:version:';
export const VERSIONS_PER_DOCUMENT = 20;
export const VERSIONS_MAX = 100;

const VersionSchema = z.object({
  id: z.string().max(100),
  /** Which document this is a version of. */
  doc: z.string().max(100),
  time: z.number(),
  name: z.string().max(200),
  /** What happened to it, e.g. "replaced by the share link". */
  why: z.string().max(300),
  /** Set when the text is an autosave the app could not read: the reason, shown with the download. */
  unreadable: z.string().max(2000).optional(),
});
export type Version = z.infer<typeof VersionSchema>;

/** The versions, newest first. Storage is untrusted: a damaged index reads as no versions, never as an error. */
export function listVersions(kv: KeyValue): Version[] {
  try {
    const r = z.array(VersionSchema).safeParse(JSON.parse(kv.getItem(VERSIONS_KEY) ?? '[]'));
    return r.success ? r.data.filter((v) => kv.getItem(TEXT_PREFIX + v.id) !== null).sort((a, b) => b.time - a.time) : [];
  } catch {
    return [];
  }
}

/** The stored text of a version, exactly as it was kept; null when there is no such version. */
export const versionText = (kv: KeyValue, id: string): string | null => kv.getItem(TEXT_PREFIX + id);

export type KeepResult = { ok: true; version: Version } | { ok: false; error: string };

/**
 * Keeps `text` as the newest version of document `doc`, then drops what is over the bounds. A text equal to the
 * newest version of the same document is already kept. When storage refuses the write (full), the oldest readable
 * versions of other documents, then of this one, make room; when nothing is left to drop, the result says so.
 */
export function keepVersion(kv: VersionStorage, text: string, v: Omit<Version, 'id'>): KeepResult {
  const all = listVersions(kv);
  const same = all.find((x) => x.doc === v.doc);
  if (same && versionText(kv, same.id) === text) return { ok: true, version: same };
  const version: Version = { ...v, id: `${v.time.toString(36)}-${Math.random().toString(36).slice(2, 10)}` };
  let kept = [version, ...all];
  // Oldest first: what goes when the bounds are passed or storage is full. Unreadable autosaves never go.
  const droppable = () => kept.filter((x) => !x.unreadable && x.id !== version.id).reverse();
  const drop = (gone: Version[]) => {
    kept = kept.filter((x) => !gone.includes(x));
    for (const x of gone) kv.removeItem(TEXT_PREFIX + x.id);
  };
  drop(kept.filter((x) => x.doc === v.doc && !x.unreadable).slice(VERSIONS_PER_DOCUMENT));
  drop(droppable().slice(0, Math.max(0, kept.length - VERSIONS_MAX)));
  for (;;) {
    try {
      kv.setItem(TEXT_PREFIX + version.id, text);
      kv.setItem(VERSIONS_KEY, JSON.stringify(kept));
      return { ok: true, version };
    } catch (e) {
      const victims = droppable();
      const victim = victims.find((x) => x.doc !== v.doc) ?? victims[0];
      if (!victim) {
        kv.removeItem(TEXT_PREFIX + version.id);
        return { ok: false, error: `the browser's storage is full (${(e as Error).message}; this version is ${Math.ceil(text.length / 1024)} kB)` };
      }
      drop([victim]);
    }
  }
}

/** Forgets one version (the user deletes a downloaded unreadable autosave). */
export function dropVersion(kv: VersionStorage, id: string): void {
  kv.setItem(VERSIONS_KEY, JSON.stringify(listVersions(kv).filter((x) => x.id !== id)));
  kv.removeItem(TEXT_PREFIX + id);
}
