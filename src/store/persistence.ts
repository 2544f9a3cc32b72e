/**
 * Where a document lives besides memory: local storage (autosave), files and share links. Everything read back
 * is untrusted and goes through `parseDocument` (zod + migrations), exactly like a file.
 */
import { compressToEncodedURIComponent, decompressFromEncodedURIComponent } from 'lz-string';
import { parseDocument, serializeDocument, type GraphDoc, type ParseResult } from '../graph/index.ts';

/** The part of `Storage` we use, so tests can pass a Map-backed one. */
export interface KeyValue {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export const STORAGE_KEY = 'rnn-studio:graph';
/** Who wrote the autosave last and when: lets a tab notice that another tab saved over its document. */
export const STAMP_KEY = 'rnn-studio:graph-stamp';
export const SHARE_PREFIX = '#g=';

export interface Stamp {
  tab: string;
  rev: number;
}

export function saveLocal(kv: KeyValue, doc: GraphDoc, stamp: Stamp): void {
  kv.setItem(STORAGE_KEY, serializeDocument(doc));
  kv.setItem(STAMP_KEY, JSON.stringify(stamp));
}

/** The autosaved document, or null when there is none; a damaged autosave is reported, never thrown. */
export function loadLocal(kv: KeyValue): ParseResult | null {
  const text = kv.getItem(STORAGE_KEY);
  return text === null ? null : parseDocument(text);
}

export function readStamp(text: string | null): Stamp | null {
  if (!text) return null;
  try {
    const v = JSON.parse(text) as Partial<Stamp>;
    return typeof v.tab === 'string' && typeof v.rev === 'number' ? { tab: v.tab, rev: v.rev } : null;
  } catch {
    return null;
  }
}

/** The URL hash that holds the whole document (graph, training settings and seed; never weights). */
export function encodeShare(doc: GraphDoc): string {
  return SHARE_PREFIX + compressToEncodedURIComponent(serializeDocument(doc));
}

/** The document in a share hash; null when the hash is not a share link at all. */
export function decodeShare(hash: string): ParseResult | null {
  if (!hash.startsWith(SHARE_PREFIX)) return null;
  const text = decompressFromEncodedURIComponent(hash.slice(SHARE_PREFIX.length));
  if (!text) return { ok: false, error: 'This share link is damaged (it could not be decompressed). Ask for the link again.' };
  return parseDocument(text);
}

/** A file name for a download: the graph's name made safe, with the versioned suffix. */
export function fileNameFor(doc: GraphDoc): string {
  const base = (doc.meta?.name ?? 'graph').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'graph';
  return `${base}.rnn.json`;
}
