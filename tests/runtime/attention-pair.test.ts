/**
 * The with/without-attention pair: the graph without attention is the encoder–decoder the fixture builds without it
 * (the decoder straight into the head), and a short pair run gives the encoder's curve over its own L steps, for
 * the same data and seed.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/index.ts';
import { parseDocument, type GraphDoc } from '../../src/graph/index.ts';
import { attentionPair, withoutAttention } from '../../src/runtime/probes/attention-pair.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { seq2seqDoc, withAttention } from '../fixtures/seq2seq.ts';

const preset = (): GraphDoc => {
  const r = parseDocument(readFileSync(new URL('../../presets/reversal-attention.json', import.meta.url), 'utf8'));
  if (!r.ok) throw new Error(r.error);
  return r.doc;
};

/** A graph's layers and wiring by kind, independent of ids and positions. */
const shape = (d: GraphDoc) => {
  const ir = compile(d).ir!;
  const kindOf = new Map(ir.layers.map((l) => [l.id, l.kind]));
  return { kinds: ir.layers.map((l) => l.kind).sort(), edges: d.edges.map((e) => `${kindOf.get(e.source)}>${kindOf.get(e.target)}:${e.targetHandle ?? ''}`).sort() };
};

describe('withoutAttention', () => {
  it('takes the fixture with attention back to the fixture without it', () => {
    const base = seq2seqDoc({ source: 12, target: 13, embed: 8, units: 8, task: 'reversal' });
    expect(shape(withoutAttention(withAttention(base, 'AdditiveAttention')))).toEqual(shape(base));
  });
  it('leaves the preset a valid encoder–decoder whose Dense reads the decoder', () => {
    const d = withoutAttention(preset());
    expect(compile(d).ok).toBe(true);
    expect(d.nodes.map((n) => n.data.kind)).not.toContain('Attention');
    expect(d.edges.find((e) => e.target === 'next_token')?.source).toBe('decoder');
  });
  it('refuses a graph without attention', () => {
    expect(() => withoutAttention(seq2seqDoc({ source: 12, target: 13, embed: 8, units: 8, task: 'reversal' }))).toThrow(/no Attention/);
  });
});

describe('attentionPair', () => {
  beforeAll(async () => {
    await initTfNode('cpu');
  });
  it('trains both models on the same data and gives the encoder curve over L steps', async () => {
    const events: string[] = [];
    const r = await attentionPair(preset(), { seqLen: 5, units: 8, steps: 3, probeBatch: 8 }, (e) => void (e.type !== 'step' && events.push(`${e.type}:${e.run}`)));
    expect(events).toEqual(['start:without', 'probe:without', 'done:without', 'start:with', 'probe:with', 'done:with']);
    expect(r.models.map((m) => m.run)).toEqual(['without', 'with']);
    const encoderName = compile(preset()).ir!.layers.find((l) => l.id === 'encoder')!.name;
    for (const m of r.models) {
      expect(m.encoder).toBe(encoderName);
      expect(m.encoderGrad).toHaveLength(5);
      expect(m.encoderGrad.every((g) => Number.isFinite(g) && g > 0)).toBe(true);
    }
    expect(r.baseline).toBeGreaterThan(0);
  }, 60_000);
});
