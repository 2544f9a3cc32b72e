/**
 * Which document the app opens with, in order: a share link in the hash, `?preset=`, the autosave, and on a first
 * start (empty storage) the default preset. Never throws: a damaged link or autosave is a message, and the next
 * source is used, so the app always mounts and a bad link never replaces the autosaved graph.
 */
import type { GraphDoc } from '../graph/index.ts';
import { decodeShare, loadLocal, type KeyValue } from './persistence.ts';
import { DEFAULT_PRESET, presetByName } from './presets.ts';

export interface Initial {
  doc: GraphDoc;
  source: 'share' | 'preset' | 'autosave' | 'default';
  /** A problem met on the way (a damaged link or autosave), shown to the user; the next source was used. */
  error?: string;
}

export function initialDocument(loc: { search: string; hash: string }, kv: KeyValue): Initial {
  const errors: string[] = [];
  const share = decodeShare(loc.hash);
  if (share?.ok) return { doc: share.doc, source: 'share' };
  if (share) errors.push(share.error);

  const q = new URLSearchParams(loc.search);
  const presetName = q.get('preset');
  if (presetName) {
    const p = presetByName(presetName);
    if (p) return { doc: p.doc, source: 'preset' };
    errors.push(`There is no preset named "${presetName}".`);
  }
  const local = loadLocal(kv);
  if (local?.ok) return { doc: local.doc, source: 'autosave', ...(errors.length ? { error: `${errors.join(' ')} Your autosaved graph is open.` } : {}) };
  if (local) errors.push(`The autosaved graph could not be restored: ${local.error}`);
  // PRESETS are checked at start-up and in the tests, so the default exists.
  const fallback = presetByName(DEFAULT_PRESET)!;
  return { doc: fallback.doc, source: 'default', ...(errors.length ? { error: `${errors.join(' ')} The example graph is open.` } : {}) };
}

/** The address without the parts that only choose the first document, so a reload shows the autosave. */
export function cleanedUrl(loc: { pathname: string; search: string; hash: string }): string {
  const q = new URLSearchParams(loc.search);
  q.delete('preset');
  const search = q.toString();
  const hash = loc.hash.startsWith('#g=') ? '' : loc.hash;
  return `${loc.pathname}${search ? `?${search}` : ''}${hash}`;
}
