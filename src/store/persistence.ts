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
  /** Which document the autosave holds (versions are kept per document; see versions.ts). */
  doc?: string;
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
    if (typeof v.tab !== 'string' || typeof v.rev !== 'number') return null;
    return { tab: v.tab, rev: v.rev, ...(typeof v.doc === 'string' ? { doc: v.doc } : {}) };
  } catch {
    return null;
  }
}

/**
 * The longest share link body read or made. The decompressed text grows about with the square of the link (a link
 * of 2,260 characters can hold 1 MB, one of 5,651 holds 5 MB), so the bound is on the link, before decompressing:
 * 12,000 characters hold about 20 MB at worst, and the 5 MB file limit then applies; a real graph of 100 layers
 * takes about 8,300.
 */
export const SHARE_MAX_CHARS = 12_000;

/** The URL hash that holds the whole document (graph, training settings and seed; never weights), or why there is none. */
export function encodeShare(doc: GraphDoc): { ok: true; hash: string } | { ok: false; error: string } {
  const body = compressToEncodedURIComponent(serializeDocument(doc));
  return body.length <= SHARE_MAX_CHARS
    ? { ok: true, hash: SHARE_PREFIX + body }
    : { ok: false, error: `This graph is too large for a share link (${body.length} characters; the limit is ${SHARE_MAX_CHARS}). Save it as a file and send the file.` };
}

/** The document in a share hash; null when the hash is not a share link at all. Never throws. */
export function decodeShare(hash: string): ParseResult | null {
  if (!hash.startsWith(SHARE_PREFIX)) return null;
  const body = hash.slice(SHARE_PREFIX.length);
  if (body.length > SHARE_MAX_CHARS)
    return { ok: false, error: `This share link is too long (${body.length} characters; links made by RNN Studio have at most ${SHARE_MAX_CHARS}), so it was not opened.` };
  let text: string | null = null;
  try {
    text = decompressFromEncodedURIComponent(body);
  } catch {
    // lz-string throws a TypeError on some damaged links (e.g. "z"); that is the same damage as an empty result.
  }
  if (!text) return { ok: false, error: 'This share link is damaged (it could not be decompressed). Ask for the link again.' };
  const r = parseDocument(text);
  return r.ok ? r : { ok: false, error: `This share link holds no usable graph: ${r.error}` };
}

/** The graph's name made safe for a file name (`My model / v2` → `My-model-v2`), `graph` when nothing is left. */
export const downloadBaseName = (doc: GraphDoc): string => (doc.meta?.name ?? 'graph').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '').slice(0, 100) || 'graph';

/** A file name for a download: the graph's name made safe, with the versioned suffix. */
export const fileNameFor = (doc: GraphDoc): string => `${downloadBaseName(doc)}.rnn.json`;
