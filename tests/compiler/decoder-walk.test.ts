/**
 * The step-by-step walk of an encoder–decoder (`decoderWalk`) and what the exports' decode.py makes of it
 * (`decodable`): attention and TimeDistributed decoders walk; a causal attention in the decoder is refused, since a
 * one-step query is always query step 0 and its causal mask would hide every encoder step but the first, and so is an
 * attention over the decoder's own outputs (one step holds only the current step); a one-Input
 * model with a softmax per output step (addition_rnn) decodes from one prediction.
 */
import { describe, expect, it } from 'vitest';
import { decoderWalk } from '../../src/compiler/index.ts';
import { decodable } from '../../src/codegen/decode-py.ts';
import type { GraphDoc } from '../../src/graph/index.ts';
import { irOf, presetDoc } from '../export/helpers.ts';
import { dotScaledTimeDistributed, seq2seqDoc, withAttention } from '../fixtures/seq2seq.ts';

const causal = (doc: GraphDoc): GraphDoc => ({
  ...doc,
  nodes: doc.nodes.map((n) => (n.data.kind === 'Attention' || n.data.kind === 'AdditiveAttention' ? { ...n, data: { ...n.data, params: { ...n.data.params, causal: true } } } : n)),
});

describe('decoderWalk', () => {
  it.each(['Attention', 'AdditiveAttention'] as const)('walks a decoder with %s: the attention layer is on the path, the encoder outside it', (kind) => {
    const ir = irOf(withAttention(seq2seqDoc({ source: 12, target: 13, embed: 8, units: 16, task: 'reversal' }), kind));
    const w = decoderWalk(ir);
    if (!w.ok) throw new Error(w.message);
    expect(w.walk.path.map((l) => l.kind)).toEqual(['Embedding', 'LSTM', kind, 'Concatenate', 'Dense']);
    expect(w.walk.stateSources.map((s) => s.port)).toEqual(['h', 'c']);
  });

  it.each(['g2p-attention', 'reversal-attention'])('refuses %s with a causal attention, naming the layer', (preset) => {
    const doc = causal(presetDoc(preset));
    const w = decoderWalk(irOf(doc));
    expect(w.ok).toBe(false);
    expect(!w.ok && w.message).toMatch(/^The decoder's "(additive_)?attention" is causal, which a one-step query cannot be/);
    expect(decodable(irOf(doc))).toBeNull();
  });

  it('refuses an attention over the decoder\'s own outputs (self-attention), naming both layers', () => {
    const doc = withAttention(seq2seqDoc({ source: 12, target: 13, embed: 8, units: 16, task: 'reversal' }), 'Attention');
    const self = { ...doc, edges: doc.edges.map((e) => (e.id === 'value' ? { ...e, source: 'dec' } : e)) };
    expect(decoderWalk(irOf(doc)).ok).toBe(true); // not vacuous: the same graph attending over the encoder walks
    const w = decoderWalk(irOf(self));
    expect(w.ok).toBe(false);
    const name = (id: string) => irOf(self).layers.find((l) => l.id === id)!.name;
    expect(!w.ok && w.message).toBe(`The decoder's "${name('att')}" attends over "${name('dec')}", a decoder layer, which one step at a time holds only the current step; attend over the encoder's outputs.`);
    expect(decodable(irOf(self))).toBeNull();
  });
});

describe('decodable', () => {
  it('gives the walk of the attention presets (one with a TimeDistributed head) and reads addition_rnn as aligned', () => {
    expect(decodable(irOf(presetDoc('g2p-attention')))?.kind).toBe('steps');
    const td = decodable(irOf(dotScaledTimeDistributed(presetDoc('reversal-attention'))));
    expect(td?.kind === 'steps' && td.walk.path.map((l) => l.kind)).toContain('TimeDistributed');
    expect(decodable(irOf(presetDoc('addition-rnn')))).toEqual({ kind: 'aligned' });
  });

  it('writes none for a one-Input model with one vector out', () => {
    expect(decodable(irOf(presetDoc('lesson-lstm')))).toBeNull();
  });
});
