/**
 * Several outputs: every layer whose result goes nowhere is an output (Keras's functional rule), each with the loss
 * its head decides (src/compiler/loss.ts) and its loss weight, listed in the summary.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile, formatSummary, modelLoss, outputLosses, summarize } from '../../src/compiler/index.ts';
import { parseDocument } from '../../src/graph/index.ts';

const twoHeads = () => {
  const r = parseDocument(readFileSync(new URL('../fixtures/two-heads.json', import.meta.url), 'utf8'));
  if (!r.ok) throw new Error(r.error);
  return r.doc;
};

describe('several outputs', () => {
  it('a GRU read by two Dense heads compiles, with both heads as outputs in topological order', () => {
    const r = compile(twoHeads());
    expect(r.diagnostics).toEqual([]);
    expect(r.ir!.outputs).toEqual(['head1', 'head2']);
    // GRU(8) on 2 features, reset-before (a file from before reset-after): 3·8·(2 + 8 + 1) = 264; Dense(1): 8 + 1; Dense(2): 8·2 + 2.
    expect(r.ir!.totalParams).toBe(264 + 9 + 18);
  });

  it('each head has its own loss (linear → MSE, softmax → cross-entropy) and its loss weight (default 1)', () => {
    expect(outputLosses(compile(twoHeads()).ir!)).toEqual([
      { id: 'head1', name: 'dense', weight: 0.5, kind: 'mse', perStep: false },
      { id: 'head2', name: 'dense_1', weight: 1, kind: 'ce', perStep: false },
    ]);
  });

  it('a sigmoid head and a per-step head are told apart; a one-output model keeps modelLoss', () => {
    const doc = twoHeads();
    const sig = { ...doc, nodes: doc.nodes.map((n) => (n.id === 'head1' ? { ...n, data: { ...n.data, params: { ...n.data.params, activation: 'sigmoid' } } } : n)) };
    expect(outputLosses(compile(sig).ir!).map((o) => o.kind)).toEqual(['bce', 'ce']);
    const seq = { ...doc, nodes: doc.nodes.map((n) => (n.id === 'gru' ? { ...n, data: { ...n.data, params: { ...n.data.params, returnSequences: true } } } : n)) };
    expect(outputLosses(compile(seq).ir!).map((o) => o.perStep)).toEqual([true, true]);
    expect(() => modelLoss(compile(doc).ir!)).toThrow(/exactly one output/);
    const one = { ...doc, nodes: doc.nodes.filter((n) => n.id !== 'head2'), edges: doc.edges.filter((e) => e.target !== 'head2') };
    expect(modelLoss(compile(one).ir!)).toEqual({ kind: 'mse', perStep: false });
  });

  it('a loss weight out of range is a parameter problem on that head', () => {
    const doc = twoHeads();
    const bad = { ...doc, nodes: doc.nodes.map((n) => (n.id === 'head2' ? { ...n, data: { ...n.data, params: { ...n.data.params, lossWeight: -1 } } } : n)) };
    expect(compile(bad).diagnostics.map((d) => `${d.code}@${d.nodeId}.${d.param}`)).toEqual(['E_PARAM@head2.lossWeight']);
  });

  it('the summary lists each output with its loss and weight; a one-output summary is unchanged', () => {
    const s = summarize(compile(twoHeads()).ir!);
    expect(s.outputs).toEqual([{ name: 'dense', loss: 'mse', weight: 0.5 }, { name: 'dense_1', loss: 'ce', weight: 1 }]);
    expect(formatSummary(s).split('\n').slice(-3)).toEqual([
      'Outputs (total loss = Σ weight · loss):',
      ' dense: mean squared error, loss weight 0.5',
      ' dense_1: cross-entropy, loss weight 1',
    ]);
    const doc = twoHeads();
    const one = { ...doc, nodes: doc.nodes.filter((n) => n.id !== 'head2'), edges: doc.edges.filter((e) => e.target !== 'head2') };
    expect(summarize(compile(one).ir!).outputs).toBeUndefined();
  });
});
