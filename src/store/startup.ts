/**
 * Which document the app opens with, in order: a share link in the hash, `?fixture=` (tests), `?preset=`,
 * the autosave, and on a first start (empty storage) the default preset.
 */
import { parseDocument, type GraphDoc } from '../graph/index.ts';
import { decodeShare, loadLocal, type KeyValue } from './persistence.ts';
import { DEFAULT_PRESET, fixtureText, presetByName } from './presets.ts';

export interface Initial {
  doc: GraphDoc;
  source: 'share' | 'fixture' | 'preset' | 'autosave' | 'default';
  /** A problem met on the way (a damaged link or autosave), shown to the user; the next source was used. */
  error?: string;
}

export async function initialDocument(loc: { search: string; hash: string }, kv: KeyValue): Promise<Initial> {
  const errors: string[] = [];
  const share = decodeShare(loc.hash);
  if (share?.ok) return { doc: share.doc, source: 'share' };
  if (share) errors.push(share.error);

  const q = new URLSearchParams(loc.search);
  const fixture = q.get('fixture');
  if (fixture) {
    const text = await fixtureText(fixture);
    const r = text === null ? null : parseDocument(text);
    if (r?.ok) return { doc: r.doc, source: 'fixture' };
    errors.push(r ? r.error : `There is no test fixture named "${fixture}".`);
  }
  const presetName = q.get('preset');
  if (presetName) {
    const p = presetByName(presetName);
    if (p) return { doc: p.doc, source: 'preset' };
    errors.push(`There is no preset named "${presetName}".`);
  }
  const local = loadLocal(kv);
  const error = errors.length ? errors.join(' ') : undefined;
  if (local?.ok) return { doc: local.doc, source: 'autosave', ...(error ? { error } : {}) };
  if (local) errors.push(`The autosaved graph could not be restored: ${local.error}`);
  const fallback = presetByName(DEFAULT_PRESET);
  if (!fallback) throw new Error(`the default preset ${DEFAULT_PRESET} is missing`);
  return { doc: fallback.doc, source: 'default', ...(errors.length ? { error: errors.join(' ') } : {}) };
}

/** The address without the parts that only choose the first document, so a reload shows the autosave. */
export function cleanedUrl(loc: { pathname: string; search: string; hash: string }): string {
  const q = new URLSearchParams(loc.search);
  q.delete('preset');
  q.delete('fixture');
  const search = q.toString();
  const hash = loc.hash.startsWith('#g=') ? '' : loc.hash;
  return `${loc.pathname}${search ? `?${search}` : ''}${hash}`;
}
