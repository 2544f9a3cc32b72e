/** The training store's pure parts: settings with defaults, and the dataset preview (no worker, no tfjs). */
import { describe, expect, it } from 'vitest';
import { previewOf, settingsOf } from '../../src/store/training.ts';
import type { GraphDoc } from '../../src/graph/index.ts';

const doc = (training: GraphDoc['training']): GraphDoc => ({ nodes: [], edges: [], training });

describe('training settings and preview', () => {
  it('fills defaults for unset hyperparameters and falls back to a known task', () => {
    expect(settingsOf(doc({ seed: 7 }))).toEqual({ task: 'adding', seqLen: 100, seed: 7, optimizer: 'adam', learningRate: 0.001, batchSize: 32, epochs: 1, clipNorm: 1 });
    expect(settingsOf(doc({ seed: 7, task: 'removed-task' })).task).toBe('adding');
    expect(settingsOf(doc({ seed: 1, task: 'copy', seqLen: 30, optimizer: 'sgd', clipNorm: 0 }))).toMatchObject({ task: 'copy', seqLen: 30, optimizer: 'sgd', clipNorm: 0 });
  });
  it('gives a graph that names no task one that fits its Input: text for tokens, a sequence task for floats', () => {
    const withInput = (inputType: string): GraphDoc => ({ ...doc(undefined), nodes: [{ id: 'n1', position: { x: 0, y: 0 }, data: { kind: 'Input', params: { inputType, vocabSize: 100, features: 2, length: 0 } } }] });
    expect(settingsOf(withInput('tokens')).task).toBe('spam-subjects');
    expect(settingsOf(withInput('features')).task).toBe('adding');
    expect(settingsOf({ ...withInput('tokens'), training: { seed: 1, task: 'removed-task' } }).task).toBe('spam-subjects');
  });
  it('previews four samples with the baseline, follows the seed, and reports CSV problems as text', () => {
    const p = previewOf(doc({ seed: 1, task: 'copy', seqLen: 10 }), null);
    expect('info' in p && p.info.baseline.loss).toBeCloseTo((10 * Math.log(8)) / 30, 10);
    expect('samples' in p && p.samples).toHaveLength(4);
    const q = previewOf(doc({ seed: 2, task: 'copy', seqLen: 10 }), null);
    expect('samples' in q && q.samples[0].input).not.toBe('samples' in p && p.samples[0].input);
    expect(previewOf(doc({ seed: 1, task: 'csv' }), null)).toEqual({ error: 'Choose a CSV file first.' });
    expect(previewOf(doc({ seed: 1, task: 'csv' }), { name: 'a.csv', text: 'words,label\n' })).toMatchObject({ error: expect.stringMatching(/No "label" column|at least 10/) });
  });
});
