import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/index.ts';
import { checkFit, TASKS } from '../../src/datasets/index.ts';
import { planRun } from '../../src/datasets/plan.ts';
import { parseDocument, type GraphDoc } from '../../src/graph/index.ts';
import { chain } from '../fixtures/graphs.ts';

const preset = (name: string): GraphDoc => {
  const r = parseDocument(readFileSync(new URL(`../../presets/${name}.json`, import.meta.url), 'utf8'));
  if (!r.ok) throw new Error(r.error);
  return r.doc;
};
const fitOf = (name: string, task: string, seqLen?: number) => checkFit(compile(preset(name)).ir!, TASKS[task].make({ seed: 1, seqLen }).info);
const codes = (r: ReturnType<typeof fitOf>) => r.issues.map((i) => `${i.severity}:${i.code}`);

describe('task ↔ model fit', () => {
  it('accepts each preset on its own task and picks the loss the task implies', () => {
    expect(fitOf('adding-lstm', 'adding')).toMatchObject({ ok: true, loss: 'mse', metric: 'mse', perStep: false, issues: [] });
    expect(fitOf('copy-lstm', 'copy', 20)).toMatchObject({ ok: true, loss: 'ce', perStep: true, issues: [] });
    expect(fitOf('char-lstm', 'chars')).toMatchObject({ ok: true, loss: 'ce', perStep: true, issues: [] });
    expect(fitOf('lesson-lstm', 'news-titles')).toMatchObject({ ok: true, loss: 'ce', metric: 'accuracy', issues: [] });
    expect(fitOf('conv-lstm-forecast', 'sine-forecast')).toMatchObject({ ok: true, loss: 'mse', metric: 'mse', perStep: false, issues: [] });
    expect(fitOf('addition-rnn', 'addition-text')).toMatchObject({ ok: true, loss: 'ce', perStep: true, feeds: ['x'], aligned: 4, issues: [] });
  });
  it('warns, without refusing, when the softmax has more units than classes', () => {
    const r = fitOf('lesson-lstm', 'names');
    expect(r.ok).toBe(true);
    expect(codes(r)).toEqual(['warning:F_EXTRA_CLASSES']);
    expect(r.issues[0].fix).toMatch(/Set the final Dense to 2 units/);
  });
  it('says what to change when the input kind, feature count, per-step output or classes do not match', () => {
    expect(codes(fitOf('adding-lstm', 'names'))).toEqual(['error:F_INPUT_KIND', 'error:F_ACTIVATION']);
    expect(fitOf('lesson-lstm', 'adding').issues[0].fix).toMatch(/Set the Input type to features with 2 feature/);
    expect(codes(fitOf('copy-lstm', 'temporal-order'))).toEqual(['error:F_FEATURES', 'error:F_PER_STEP', 'warning:F_EXTRA_CLASSES']);
    expect(fitOf('copy-lstm', 'temporal-order').issues[1].fix).toMatch(/Turn off returnSequences/);
    expect(codes(fitOf('adding-lstm', 'copy'))).toEqual(['error:F_FEATURES', 'error:F_PER_STEP', 'error:F_ACTIVATION']);
    expect(fitOf('adding-lstm', 'copy').issues[1].fix).toMatch(/Turn on returnSequences/);
    expect(codes(fitOf('copy-lstm', 'chars'))).toEqual(['error:F_FEATURES', 'error:F_CLASSES']);
  });
  it('names a vector Input (no time axis) when the data gives features per step', () => {
    const doc = chain(['Input', { inputType: 'vector', features: 2 }], ['Dense', { units: 1, activation: 'linear' }]);
    const r = checkFit(compile(doc).ir!, TASKS.adding.make({ seed: 1 }).info);
    expect(r.issues[0]).toMatchObject({ code: 'F_INPUT_KIND', message: '"Adding problem (uRNN variant)" gives 2 float feature(s) per step, but the Input expects one vector with no time axis.' });
    expect(r.issues[0].fix).toBe('Set the Input type to features with 2 feature(s).');
  });
  it('refuses a vocabulary smaller than the data', () => {
    const doc = preset('lesson-lstm');
    doc.nodes[0].data.params.vocabSize = 10;
    doc.nodes[1].data.params.inputDim = 10;
    const r = checkFit(compile(doc).ir!, TASKS.names.make({ seed: 1 }).info);
    expect(codes(r)).toContain('error:F_VOCAB');
    expect(r.issues.find((i) => i.code === 'F_VOCAB')!.fix).toMatch(/at least 29/);
  });
  it('a TimeDistributed(Dense(softmax)) head is a per-step softmax head; a TimeDistributed(Dropout) head is not', () => {
    expect(fitOf('lstm-tagger', 'copy', 20)).toMatchObject({ ok: true, loss: 'ce', perStep: true, issues: [] });
    const doc = preset('lstm-tagger');
    doc.nodes.find((n) => n.parentId)!.data = { kind: 'Dropout', params: { rate: 0.1 } };
    const r = checkFit(compile(doc).ir!, TASKS.copy.make({ seed: 1, seqLen: 20 }).info);
    expect(r.loss).toBe('mse');
    expect(r.issues.map((i) => i.message)).toContain('10 classes need probabilities, but the model ends with a TimeDistributed.');
  });
  it('a sigmoid unit on a 2-class task means binary cross-entropy', () => {
    const doc = preset('lesson-lstm');
    doc.nodes[3].data.params = { units: 1, activation: 'sigmoid' };
    expect(checkFit(compile(doc).ir!, TASKS.negation.make({ seed: 1 }).info)).toMatchObject({ ok: true, loss: 'bce' });
  });
  it('planRun uses the graph task by default and reports a misfit as one message', () => {
    const ok = planRun(preset('adding-lstm'), { seqLen: 10 });
    expect(ok.ok && ok.taskId).toBe('adding');
    const bad = planRun(preset('adding-lstm'), { task: 'names' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatch(/does not fit "First names → gender"[\s\S]*F_INPUT_KIND/);
    const unknown = planRun(preset('adding-lstm'), { task: 'nope' });
    expect(!unknown.ok && unknown.error).toMatch(/Unknown task "nope"/);
  });
});
