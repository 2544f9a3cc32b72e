/**
 * Versions, not overwrites (issue 21): the bounded version store over a Map-backed storage, and the autosave that
 * fills it — whatever a share link, a preset, a lesson step or another tab's graph replaces is kept first and comes
 * back from "Recent" exactly; an unreadable autosave is kept byte for byte and never dropped; a full storage is a
 * clear message, and what storage held is then never overwritten.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stepIndex } from '../../src/lesson/steps.ts';
import { parseDocument, serializeDocument, type GraphDoc } from '../../src/graph/index.ts';
import {
  keepVersion, listVersions, loadDocument, presetByName, resetStore, restoreVersion, setParam, STAMP_KEY, startAutosave, STORAGE_KEY,
  undo, useStore, useVersions, VERSION_EVERY_MS, versionText, VERSIONS_KEY, VERSIONS_MAX, VERSIONS_PER_DOCUMENT, type AutosaveHandle,
  type VersionStorage,
} from '../../src/store/index.ts';
import { bringBackGraph, doIt, goToStep, initLesson, keepAsideAndGoOn, useLesson } from '../../src/store/lesson.ts';

/** A Map-backed storage; with `limit`, a write that would pass that many characters in all throws as a full browser storage does. */
function memory(limit = Infinity): VersionStorage & { m: Map<string, string> } {
  const m = new Map<string, string>();
  const size = () => [...m].reduce((n, [k, v]) => n + k.length + v.length, 0);
  return {
    m,
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => {
      if (size() - (m.get(k)?.length ?? 0) + (m.has(k) ? 0 : k.length) + v.length > limit) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      m.set(k, v);
    },
    removeItem: (k) => void m.delete(k),
  };
}

const preset = (name: string) => presetByName(name)!.doc;
const named = (name: string, base = preset('lesson-gru')): GraphDoc => ({ ...base, meta: { name }, viewport: { x: 12, y: -7, zoom: 0.8 } });
const version = (doc: string, i: number, extra = {}) => ({ doc, time: 1000 + i, name: `${doc} ${i}`, why: 'test', ...extra });

let handle: AutosaveHandle | null = null;
beforeEach(() => {
  resetStore();
  useVersions.setState({ versions: [], unreadable: null });
});
afterEach(() => {
  handle?.stop();
  handle = null;
  vi.useRealTimers();
});

describe('the version store', () => {
  it('keeps the last 20 versions of each document, newest first, and others untouched', () => {
    const kv = memory();
    keepVersion(kv, 'other', version('B', 0));
    for (let i = 1; i <= 25; i++) expect(keepVersion(kv, `text ${i}`, version('A', i)).ok).toBe(true);
    const list = listVersions(kv);
    const a = list.filter((v) => v.doc === 'A');
    expect(a).toHaveLength(VERSIONS_PER_DOCUMENT);
    expect(a.map((v) => versionText(kv, v.id))).toEqual(Array.from({ length: 20 }, (_, i) => `text ${25 - i}`));
    expect(list.filter((v) => v.doc === 'B').map((v) => versionText(kv, v.id))).toEqual(['other']);
    // The dropped versions' texts are gone from storage too: 20 + 1 texts and the index.
    expect(kv.m.size).toBe(22);
  });

  it('keeps at most 100 versions in all, dropping the oldest, and never an unreadable autosave', () => {
    const kv = memory();
    keepVersion(kv, '{damaged', version('unreadable', 0, { unreadable: 'not JSON' }));
    for (let i = 1; i <= 130; i++) keepVersion(kv, `t${i}`, version(`doc${i}`, i));
    const list = listVersions(kv);
    expect(list).toHaveLength(VERSIONS_MAX);
    expect(list.find((v) => v.unreadable)).toBeDefined();
    expect(list[0].name).toBe('doc130 130');
    expect(list.some((v) => v.name === 'doc31 31')).toBe(false);
    expect(list.some((v) => v.name === 'doc32 32')).toBe(true);
  });

  it('does not keep the same text twice in a row for one document', () => {
    const kv = memory();
    const first = keepVersion(kv, 'same', version('A', 1));
    const again = keepVersion(kv, 'same', version('A', 2));
    expect(first.ok && again.ok && again.version.id === first.version.id).toBe(true);
    expect(listVersions(kv)).toHaveLength(1);
  });

  it('makes room in a full storage from the oldest versions of other documents, then says so clearly', () => {
    const kv = memory(4000);
    keepVersion(kv, 'x'.repeat(1500), version('old', 1));
    keepVersion(kv, 'y'.repeat(1000), version('mine', 2));
    const r = keepVersion(kv, 'z'.repeat(1500), version('mine', 3));
    expect(r.ok).toBe(true);
    expect(listVersions(kv).map((v) => v.doc)).toEqual(['mine', 'mine']);
    const huge = keepVersion(kv, 'w'.repeat(5000), version('mine', 4));
    expect(huge).toEqual({ ok: false, error: expect.stringMatching(/^the browser's storage is full \(The quota has been exceeded\.; this version is 5 kB\)$/) });
    // What was dropped to try is gone, what is listed is still readable, and the refused text is not left behind.
    expect(listVersions(kv).every((v) => versionText(kv, v.id) !== null)).toBe(true);
    expect([...kv.m.values()].some((v) => v.startsWith('w'))).toBe(false);
  });

  it('reads a damaged or hostile index as no versions', () => {
    for (const index of ['{', '{"a":1}', '[{"id":1}]', JSON.stringify([{ id: 'x', doc: 'd', time: 1, name: 'n'.repeat(500), why: '' }])]) {
      const kv = memory();
      kv.setItem(VERSIONS_KEY, index);
      expect(listVersions(kv)).toEqual([]);
    }
  });
});

describe('the autosave keeps what is replaced', () => {
  it('a share link, a preset and a lesson step each keep what they replace; Recent restores the first graph exactly, undoably', async () => {
    const kv = memory();
    const a = named('my graph A');
    const storedA = serializeDocument(a);
    kv.setItem(STORAGE_KEY, storedA);
    kv.setItem(STAMP_KEY, JSON.stringify({ tab: 'old', rev: 9, doc: 'docA' }));
    initLesson(kv);
    // The app opened a share link of B: A is kept before B is written.
    loadDocument(named('shared B', preset('lesson-lstm')), { record: false });
    handle = startAutosave(kv, 'tab', { opened: 'share' });
    expect(JSON.parse(kv.getItem(STORAGE_KEY)!).graph.meta.name).toBe('shared B');
    loadDocument(preset('copy-lstm'), { layout: true, why: 'replaced by preset copy-lstm' });
    goToStep(stepIndex('shapes'));
    await doIt('shapes');
    expect(useLesson.getState().confirm).toBeNull(); // an unedited preset is not the user's graph: no question
    expect(useStore.getState().doc.meta?.name).toBe(preset('lesson-bilstm-2layer').meta?.name);

    const list = useVersions.getState().versions;
    expect(list.map((v) => [v.name, v.why])).toEqual([
      [preset('copy-lstm').meta?.name, "replaced by the lesson's preset lesson-bilstm-2layer"],
      ['shared B', 'replaced by preset copy-lstm'],
      ['my graph A', 'replaced by a share link'],
    ]);
    expect(versionText(kv, list[2].id)).toBe(storedA);

    restoreVersion(list[2]);
    expect(kv.getItem(STORAGE_KEY)).toBe(storedA);
    const r = parseDocument(kv.getItem(STORAGE_KEY)!);
    expect(r.ok && r.doc).toEqual(a);
    expect(useVersions.getState().versions[0].name).toBe(preset('lesson-bilstm-2layer').meta?.name);
    undo();
    expect(useStore.getState().doc.meta?.name).toBe(preset('lesson-bilstm-2layer').meta?.name);
  });

  it('keeps a version of the graph being edited every few minutes', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const kv = memory();
    loadDocument(preset('lesson-gru'), { record: false });
    handle = startAutosave(kv, 'tab', { opened: 'default' });
    setParam('n3', 'units', 5);
    expect(listVersions(kv)).toEqual([]);
    vi.setSystemTime(Date.now() + VERSION_EVERY_MS);
    setParam('n3', 'units', 6);
    setParam('n3', 'units', 7);
    const list = listVersions(kv);
    expect(list.map((v) => v.why)).toEqual(['autosaved while editing']);
    const r = parseDocument(versionText(kv, list[0].id)!);
    expect(r.ok && r.doc.nodes.find((n) => n.id === 'n3')!.data.params.units).toBe(6);
  });

  it('keeps an unreadable autosave byte for byte and offers it; it outlives 150 later versions', () => {
    const kv = memory();
    const damaged = '{"type":"rnn-studio-graph","schemaVersion":99,"graph":{"nodes":[]} \u00e9';
    kv.setItem(STORAGE_KEY, damaged);
    loadDocument(preset('lesson-lstm'), { record: false });
    handle = startAutosave(kv, 'tab', { opened: 'default' });
    const offered = useVersions.getState().unreadable!;
    expect(offered.unreadable).toMatch(/JSON|newer/);
    expect(versionText(kv, offered.id)).toBe(damaged);
    for (let i = 0; i < 150; i++) loadDocument(named(`g${i}`), { why: 'test' });
    expect(versionText(kv, offered.id)).toBe(damaged);
    expect(listVersions(kv).length).toBe(VERSIONS_MAX);
  });

  it('with storage too full to keep the stored graph, it never overwrites it and says why', () => {
    const stored = serializeDocument(named('A'));
    const kv = memory(stored.length + 100);
    kv.setItem(STORAGE_KEY, stored);
    loadDocument(preset('lesson-lstm'), { record: false });
    handle = startAutosave(kv, 'tab', { opened: 'preset' });
    expect(useStore.getState().status?.text).toMatch(/^Could not keep a version of "A": the browser's storage is full \(.+\)\. Autosave is off for this visit, so the graph stored before is not overwritten\./);
    setParam('n3', 'units', 3);
    expect(kv.getItem(STORAGE_KEY)).toBe(stored);
  });
});

describe('take theirs', () => {
  it('keeps our graph as a version, and the echo of our own graph from the other tab is no conflict', () => {
    const kv = memory();
    loadDocument(named('ours', preset('lesson-lstm')), { record: false });
    handle = startAutosave(kv, 'A', { opened: 'preset' });
    // Tab B writes another graph: we take theirs, and ours becomes a version.
    kv.setItem(STORAGE_KEY, serializeDocument(named('theirs')));
    kv.setItem(STAMP_KEY, JSON.stringify({ tab: 'B', rev: 1, doc: 'docB' }));
    handle.onStorage(STAMP_KEY, kv.getItem(STAMP_KEY));
    expect(useStore.getState().conflict).toBe(true);
    handle.takeTheirs();
    expect(useStore.getState().doc.meta?.name).toBe('theirs');
    expect(useVersions.getState().versions.map((v) => [v.name, v.why])).toContainEqual(['ours', "replaced by the other tab's graph"]);
    expect(JSON.parse(kv.getItem(STAMP_KEY)!).doc).toBe('docB');
    // A version the other tab keeps shows in this tab's Recent when its storage event arrives.
    keepVersion(kv, 'from B', { doc: 'docB', time: Date.now() + 1, name: 'kept by B', why: 'test' });
    expect(useVersions.getState().versions[0]?.name).not.toBe('kept by B');
    handle.onStorage(VERSIONS_KEY, kv.getItem(VERSIONS_KEY));
    expect(useVersions.getState().versions[0].name).toBe('kept by B');

    // Now the roles turn: tab B took our graph and wrote it back under its own stamp, with its own view.
    setParam('n3', 'units', 3);
    const back = { ...useStore.getState().doc, viewport: { x: 1, y: 1, zoom: 2 } };
    kv.setItem(STORAGE_KEY, serializeDocument(back));
    kv.setItem(STAMP_KEY, JSON.stringify({ tab: 'B', rev: 2, doc: 'docB' }));
    handle.onStorage(STAMP_KEY, kv.getItem(STAMP_KEY));
    expect(useStore.getState().conflict).toBe(false);
    setParam('n3', 'units', 4);
    expect(useStore.getState().conflict).toBe(false);
    expect(JSON.parse(kv.getItem(STAMP_KEY)!).tab).toBe('A');
    // Without the storage event (it can be missed), the next edit checks the same way.
    kv.setItem(STORAGE_KEY, serializeDocument({ ...useStore.getState().doc, viewport: { x: 5, y: 5, zoom: 1 } }));
    kv.setItem(STAMP_KEY, JSON.stringify({ tab: 'B', rev: 3, doc: 'docB' }));
    setParam('n3', 'units', 5);
    expect(useStore.getState().conflict).toBe(false);
    expect(JSON.parse(kv.getItem(STORAGE_KEY)!).graph.nodes.find((n: { id: string }) => n.id === 'n3').data.params.units).toBe(5);
  });
});

describe("the lesson's keep-aside", () => {
  it('keeps every graph kept aside; "Bring back" returns the first, the later one is a version', async () => {
    const kv = memory();
    initLesson(kv);
    loadDocument(preset('lesson-gru'), { record: false });
    handle = startAutosave(kv, 'tab', { opened: 'default' });
    setParam('n3', 'units', 12);
    goToStep(stepIndex('shapes'));
    await doIt('shapes');
    await keepAsideAndGoOn();
    // The user edits the preset the lesson loaded, and a step asks again.
    setParam('n5', 'units', 9);
    const edited = serializeDocument(useStore.getState().doc);
    await doIt('shapes');
    expect(useLesson.getState().confirm).toBe('shapes');
    await keepAsideAndGoOn();
    expect(bringBackGraph()).toBe(true);
    const doc = useStore.getState().doc;
    expect(doc.meta?.name).toBe(preset('lesson-gru').meta?.name);
    expect(doc.nodes.find((n) => n.id === 'n3')!.data.params.units).toBe(12);
    const texts = listVersions(kv).map((v) => versionText(kv, v.id));
    expect(texts).toContain(edited);
  });
});
