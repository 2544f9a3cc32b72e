/**
 * The lesson's store, without a worker: the steps as data, progress kept in storage (and untrusted there), the
 * steps that need no training run end to end (shapes, export) against the real presets and the real exporter,
 * and the user's own graph is never lost: the lesson asks, keeps it aside and brings it back.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { LESSON_STEPS, stepIndex } from '../../src/lesson/steps.ts';
import { presetByName, resetStore, setParam, loadDocument, useStore } from '../../src/store/index.ts';
import {
  bringBackGraph, doIt, goToStep, initLesson, isUsersGraph, keepAsideAndGoOn, PROGRESS_KEY, pytorchModules, SEEN_KEY, STASH_KEY, useLesson,
} from '../../src/store/lesson.ts';

const memory = () => {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k), m };
};

beforeEach(() => resetStore());

describe('the steps', () => {
  it('are 6 to 8, each with a unique id, a shipped preset (or none) and what to expect', () => {
    expect(LESSON_STEPS.length).toBeGreaterThanOrEqual(6);
    expect(LESSON_STEPS.length).toBeLessThanOrEqual(8);
    expect(new Set(LESSON_STEPS.map((s) => s.id)).size).toBe(LESSON_STEPS.length);
    for (const s of LESSON_STEPS) {
      if (s.preset) expect(presetByName(s.preset), s.preset).toBeDefined();
      expect(s.expect.length).toBeGreaterThan(20);
      expect(s.uses.length).toBeGreaterThan(5);
    }
  });
});

describe('progress', () => {
  it('opens on a first visit only, and resumes at the step and verdicts it kept', () => {
    const kv = memory();
    expect(initLesson(kv)).toBe(true);
    expect(useLesson.getState().open).toBe(true);
    expect(kv.getItem(SEEN_KEY)).toBe('1');
    goToStep(3);
    expect(initLesson(kv)).toBe(false);
    expect(useLesson.getState()).toMatchObject({ open: false, step: 3 });
  });
  it('ignores malformed or hostile stored progress', () => {
    for (const bad of ['{', '{"step": 99, "verdicts": {}}', '{"step": 1, "verdicts": {"cell": {"ok": "yes"}}}', '[]']) {
      const kv = memory();
      kv.setItem(SEEN_KEY, '1');
      kv.setItem(PROGRESS_KEY, bad);
      initLesson(kv);
      expect(useLesson.getState()).toMatchObject({ step: 0, verdicts: {} });
    }
    const kv = memory();
    kv.setItem(PROGRESS_KEY, JSON.stringify({ step: 2, verdicts: { cell: { ok: true, text: 'x' }, __proto__x: { ok: true, text: 'y' } } }));
    initLesson(kv);
    expect(useLesson.getState().verdicts).toEqual({ cell: { ok: true, text: 'x' } });
  });
});

describe('steps without a run', () => {
  it('step 6 loads the bidirectional preset and checks the shapes the compiler inferred', async () => {
    initLesson(memory());
    await doIt('shapes');
    expect(useStore.getState().doc.meta?.name).toBe(presetByName('lesson-bilstm-2layer')!.doc.meta?.name);
    expect(useLesson.getState().verdicts.shapes).toEqual({
      ok: true,
      text: 'bidirectional outputs [batch, T, 128] = 64 forward + 64 backward, one vector per step for the next layer; bidirectional_1 outputs [batch, 128] = 64 forward + 64 backward, only the last state.',
    });
  });
  it('step 7 counts the recurrent modules in the real PyTorch export: one per direction', async () => {
    initLesson(memory());
    loadDocument(presetByName('lesson-bilstm-2layer')!.doc);
    await doIt('export');
    expect(useLesson.getState().verdicts.export?.ok).toBe(true);
    expect(useLesson.getState().verdicts.export?.text).toMatch(/^model\.py \(PyTorch\) builds 4 recurrent modules, one per direction, reading 128, 128, 128 and 128 input features/);
    loadDocument(presetByName('lesson-gru')!.doc);
    await doIt('export');
    expect(useLesson.getState().verdicts.export?.text).toMatch(/builds 1 recurrent module, one per direction, reading 64 input features/);
  });
  it('reads module input sizes from nn.LSTM and LoopRNN lines', () => {
    expect(pytorchModules(`a = nn.LSTM(128, 64, bias=True)\nb = LoopRNN('GRU', 64, 32, bias=True)\nc = LoopRNN("SimpleRNN", 7, 3)`)).toEqual([128, 64, 7]);
  });
});

describe("the user's own graph", () => {
  it('is a graph that is not a shipped preset (layout moves do not count)', () => {
    const p = presetByName('lesson-gru')!.doc;
    expect(isUsersGraph(p)).toBe(false);
    expect(isUsersGraph({ ...p, nodes: p.nodes.map((n) => ({ ...n, position: { x: n.position.x + 50, y: 0 } })) })).toBe(false);
    expect(isUsersGraph({ nodes: [], edges: [] })).toBe(false);
    loadDocument(p);
    setParam('n3', 'units', 12);
    expect(isUsersGraph(useStore.getState().doc)).toBe(true);
  });
  it('is not replaced without asking; kept aside, it comes back', async () => {
    const kv = memory();
    initLesson(kv);
    loadDocument(presetByName('lesson-gru')!.doc);
    setParam('n3', 'units', 12);
    const mine = useStore.getState().doc;
    goToStep(stepIndex('shapes'));
    await doIt('shapes');
    expect(useLesson.getState().confirm).toBe('shapes');
    expect(useStore.getState().doc).toBe(mine);
    expect(useLesson.getState().verdicts.shapes).toBeUndefined();

    await keepAsideAndGoOn();
    expect(kv.getItem(STASH_KEY)).not.toBeNull();
    expect(useStore.getState().doc.nodes.some((n) => n.data.kind === 'Bidirectional')).toBe(true);
    expect(useLesson.getState()).toMatchObject({ confirm: null, stashed: true });
    expect(useLesson.getState().verdicts.shapes?.ok).toBe(true);

    expect(bringBackGraph()).toBe(true);
    expect(useStore.getState().doc.nodes.find((n) => n.id === 'n3')!.data.params.units).toBe(12);
    expect(kv.getItem(STASH_KEY)).toBeNull();
    expect(useLesson.getState().stashed).toBe(false);
  });
});
