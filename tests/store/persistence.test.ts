import { compressToEncodedURIComponent } from 'lz-string';
import { beforeEach, describe, expect, it } from 'vitest';
import { serializeDocument } from '../../src/graph/index.ts';
import {
  cleanedUrl, decodeShare, DEFAULT_PRESET, downloadBaseName, encodeShare, fileNameFor, initialDocument, loadDocument, loadLocal, PRESETS, presetByName,
  resetStore, saveLocal, setParam, setViewport, SHARE_MAX_CHARS, STAMP_KEY, startAutosave, STORAGE_KEY, useStore, type VersionStorage,
} from '../../src/store/index.ts';

class MemoryKV implements VersionStorage {
  map = new Map<string, string>();
  getItem(k: string) {
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.map.set(k, v);
  }
  removeItem(k: string) {
    this.map.delete(k);
  }
}

const lesson = () => presetByName('lesson-lstm')!.doc;
const hashOf = (doc: Parameters<typeof encodeShare>[0]) => {
  const r = encodeShare(doc);
  if (!r.ok) throw new Error(r.error);
  return r.hash;
};
const bilstm = () => presetByName('lesson-bilstm-2layer')!.doc;

beforeEach(() => resetStore());

describe('presets', () => {
  it('lists every file in presets/ with its description, and the default exists', () => {
    expect(PRESETS.length).toBeGreaterThanOrEqual(11);
    for (const p of PRESETS) expect(p.description.length).toBeGreaterThan(10);
    expect(presetByName(DEFAULT_PRESET)).toBeDefined();
  });
});

describe('local storage', () => {
  it('round-trips a document with viewport and training settings', () => {
    const kv = new MemoryKV();
    const d = { ...bilstm(), viewport: { x: 1, y: 2, zoom: 0.75 } };
    saveLocal(kv, d, { tab: 't', rev: 1 });
    const r = loadLocal(kv)!;
    expect(r.ok && r.doc).toEqual(d);
  });

  it('reports a damaged autosave instead of throwing', () => {
    const kv = new MemoryKV();
    kv.setItem(STORAGE_KEY, '{"type":"rnn-studio-graph",');
    const r = loadLocal(kv)!;
    expect(r.ok).toBe(false);
    expect(loadLocal(new MemoryKV())).toBeNull();
  });
});

describe('share links', () => {
  it('hold the whole document and decode to the same one', () => {
    const d = { ...bilstm(), training: { seed: 1234, learningRate: 0.003, batchSize: 16 } };
    const hash = hashOf(d);
    expect(hash.startsWith('#g=')).toBe(true);
    expect(hash).toMatch(/^#g=[A-Za-z0-9+\-$]*$/); // URL-safe
    const r = decodeShare(hash)!;
    expect(r.ok && r.doc).toEqual(d);
  });

  it('refuse damaged or hostile links with a message', () => {
    expect(decodeShare('#other')).toBeNull();
    expect(decodeShare('#g=%%%')).toMatchObject({ ok: false });
    const hostile = compressToEncodedURIComponent(JSON.stringify({ type: 'rnn-studio-graph', schemaVersion: 2, graph: { nodes: [{ id: 'a b', position: { x: 0, y: 0 }, data: { kind: 'LSTM', params: {} } }], edges: [] } }));
    expect(decodeShare(`#g=${hostile}`)).toMatchObject({ ok: false });
  });

  it('a link that makes lz-string throw (a TypeError in its decoder) is reported as damaged', async () => {
    const { decompressFromEncodedURIComponent } = await import('lz-string');
    expect(() => decompressFromEncodedURIComponent('z')).toThrow(TypeError);
    expect(decodeShare('#g=z')).toEqual({ ok: false, error: 'This share link is damaged (it could not be decompressed). Ask for the link again.' });
  });

  it('bound the link before decompressing: a longer one is refused unread, and a graph too large for one is refused when sharing', () => {
    // 'a' × 1 MB compresses to about 2,260 characters: the decompressed size grows with the square of the link.
    expect(decodeShare(`#g=${'A'.repeat(SHARE_MAX_CHARS + 1)}`)).toEqual({ ok: false, error: `This share link is too long (${SHARE_MAX_CHARS + 1} characters; links made by RNN Studio have at most ${SHARE_MAX_CHARS}), so it was not opened.` });
    const big = structuredClone(lesson());
    big.meta = { name: 'big', description: Array.from({ length: 1990 }, (_, i) => String.fromCharCode(0x4e00 + ((i * 7919) % 20000))).join('') };
    big.nodes = Array.from({ length: 40 }, (_, i) => ({ ...big.nodes[i % big.nodes.length], id: `n${i}`, data: { ...big.nodes[i % big.nodes.length].data, name: big.meta!.description!.slice(i * 40, i * 40 + 100) } }));
    const r = encodeShare(big);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/^This graph is too large for a share link \(\d+ characters; the limit is 12000\)\. Save it as a file/);
  });
});

describe('file names', () => {
  it('are safe and versioned', () => {
    expect(fileNameFor({ nodes: [], edges: [], meta: { name: 'My model / v2 <x>' } })).toBe('My-model-v2-x.rnn.json');
    expect(fileNameFor({ nodes: [], edges: [] })).toBe('graph.rnn.json');
    expect(downloadBaseName({ nodes: [], edges: [], meta: { name: '../../etc/passwd' } })).toBe('etc-passwd');
    expect(downloadBaseName({ nodes: [], edges: [], meta: { name: '日本語' } })).toBe('graph');
    expect(downloadBaseName({ nodes: [], edges: [], meta: { name: 'x'.repeat(300) } })).toHaveLength(100);
  });
});

describe('first document', () => {
  it('is the default preset on a first start (empty storage)', async () => {
    const r = await initialDocument({ search: '', hash: '' }, new MemoryKV());
    expect(r.source).toBe('default');
    expect(r.doc).toEqual(lesson());
  });

  it('prefers share link > preset > autosave', async () => {
    const kv = new MemoryKV();
    saveLocal(kv, lesson(), { tab: 't', rev: 1 });
    expect((await initialDocument({ search: '', hash: '' }, kv)).source).toBe('autosave');
    expect((await initialDocument({ search: '?preset=lesson-gru', hash: '' }, kv)).doc).toEqual(presetByName('lesson-gru')!.doc);
    const shared = await initialDocument({ search: '?preset=lesson-gru', hash: hashOf(bilstm()) }, kv);
    expect(shared.source).toBe('share');
    expect(shared.doc).toEqual(bilstm());
  });

  it('falls back with a message on a bad link or an unknown preset', async () => {
    const r = await initialDocument({ search: '?preset=nope', hash: '#g=garbage' }, new MemoryKV());
    expect(r.source).toBe('default');
    expect(r.error).toMatch(/share link is damaged.*no preset named "nope".* The example graph is open\.$/);
  });

  it('cleans the address so a reload shows the autosave, keeping other parameters', () => {
    expect(cleanedUrl({ pathname: '/', search: '?preset=a&backend=wasm', hash: '#g=xyz' })).toBe('/?backend=wasm');
    expect(cleanedUrl({ pathname: '/app/', search: '?preset=b', hash: '' })).toBe('/app/');
  });
});

describe('autosave', () => {
  it('writes every document change, including the viewport', () => {
    const kv = new MemoryKV();
    loadDocument(lesson(), { record: false });
    const h = startAutosave(kv, 'A', { opened: 'preset' });
    setParam('n3', 'units', 5);
    expect(JSON.parse(kv.getItem(STORAGE_KEY)!).graph.nodes[2].data.params.units).toBe(5);
    setViewport({ x: 3, y: 4, zoom: 1.5 });
    expect(JSON.parse(kv.getItem(STORAGE_KEY)!).graph.viewport).toEqual({ x: 3, y: 4, zoom: 1.5 });
    h.stop();
  });

  it('does not overwrite another tab’s save: it raises a conflict, then resolves either way', () => {
    const kv = new MemoryKV();
    loadDocument(lesson(), { record: false });
    const h = startAutosave(kv, 'A', { opened: 'preset' });
    // Tab B writes its own version.
    const theirs = { ...lesson(), meta: { name: 'from B' } };
    kv.setItem(STORAGE_KEY, serializeDocument(theirs));
    kv.setItem(STAMP_KEY, JSON.stringify({ tab: 'B', rev: 1 }));
    setViewport({ x: 9, y: 9, zoom: 1 }); // looking around is not work: no conflict, no write
    expect(useStore.getState().conflict).toBe(false);
    setParam('n3', 'units', 7);
    expect(useStore.getState().conflict).toBe(true);
    expect(JSON.parse(kv.getItem(STORAGE_KEY)!).graph.meta.name).toBe('from B');
    setParam('n3', 'units', 6); // still paused
    expect(JSON.parse(kv.getItem(STORAGE_KEY)!).graph.meta.name).toBe('from B');
    h.takeTheirs();
    expect(useStore.getState().conflict).toBe(false);
    expect(useStore.getState().doc.meta?.name).toBe('from B');
    setParam('n3', 'units', 4);
    expect(JSON.parse(kv.getItem(STORAGE_KEY)!).graph.nodes[2].data.params.units).toBe(4);
    h.stop();
  });

  it('a storage event from another tab raises the conflict at once; keepMine overwrites explicitly', () => {
    const kv = new MemoryKV();
    loadDocument(lesson(), { record: false });
    const h = startAutosave(kv, 'A', { opened: 'preset' });
    h.onStorage(STAMP_KEY, JSON.stringify({ tab: 'A', rev: 1 }));
    expect(useStore.getState().conflict).toBe(false);
    kv.setItem(STORAGE_KEY, serializeDocument({ ...lesson(), meta: { name: 'from B' } }));
    kv.setItem(STAMP_KEY, JSON.stringify({ tab: 'B', rev: 3 }));
    h.onStorage(STAMP_KEY, JSON.stringify({ tab: 'B', rev: 3 }));
    expect(useStore.getState().conflict).toBe(true);
    h.keepMine();
    expect(useStore.getState().conflict).toBe(false);
    expect(JSON.parse(kv.getItem(STAMP_KEY)!).tab).toBe('A');
    h.stop();
  });

  it('a tab that restored the autosave does not write it back on start', () => {
    const kv = new MemoryKV();
    saveLocal(kv, lesson(), { tab: 'B', rev: 5 });
    loadDocument(lesson(), { record: false });
    const h = startAutosave(kv, 'A', { opened: 'autosave' });
    expect(JSON.parse(kv.getItem(STAMP_KEY)!)).toEqual({ tab: 'B', rev: 5 });
    setParam('n3', 'units', 3); // nobody wrote since we read: ours now
    expect(JSON.parse(kv.getItem(STAMP_KEY)!).tab).toBe('A');
    h.stop();
  });
});
