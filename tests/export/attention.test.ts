/**
 * Attention and AdditiveAttention: `rnn-studio predict` (output and the `scores` port) against a float64 numpy
 * reference written from Keras 3's attention.py / additive_attention.py (`_calculate_scores`, `_calculate_score_mask`,
 * `_apply_scores`, `call`), with and without padding masks, key, scale and causal mask; the PyTorch and TF.js exports
 * against predict; all within 1e-5. Keras configs of tf.keras 2 and Keras 3 (inputs as a list, call kwargs) open
 * with the right ports and params.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { importModelJson } from '../../src/codegen/import-keras.ts';
import { compile } from '../../src/compiler/index.ts';
import type { GraphDoc } from '../../src/graph/index.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { inputOf, parity } from './kinds-helpers.ts';

beforeAll(async () => {
  await initTfNode('cpu');
});

type Kind = 'Attention' | 'AdditiveAttention';

/**
 * tokens [B, T] → Embedding(6) (maskZero or not) → Dense q (tanh), Dense v (linear) [, Dense k (linear)] → attention;
 * the model ends in the attention's output, or in a linear Activation of its scores.
 */
function attentionGraph(kind: Kind, params: Record<string, boolean>, o: { masked: boolean; key: boolean; scores: boolean }): GraphDoc {
  const n = (id: string, k: string, p: object) => ({ id, position: { x: 0, y: 0 }, data: { kind: k, params: p } });
  const e = (source: string, target: string, targetHandle?: string, sourceHandle?: string) => ({ id: `${source}-${target}-${targetHandle ?? ''}`, source, target, ...(targetHandle ? { targetHandle } : {}), ...(sourceHandle ? { sourceHandle } : {}) });
  return {
    nodes: [
      n('in', 'Input', { inputType: 'tokens', vocabSize: 9, length: 0 }),
      n('emb', 'Embedding', { inputDim: 9, outputDim: 6, maskZero: o.masked }),
      n('q', 'Dense', { units: 4, activation: 'tanh' }),
      n('v', 'Dense', { units: 4, activation: 'linear' }),
      ...(o.key ? [n('k', 'Dense', { units: 4, activation: 'linear' })] : []),
      n('att', kind, params),
      ...(o.scores ? [n('out', 'Activation', { activation: 'linear' })] : []),
    ],
    edges: [
      e('in', 'emb'), e('emb', 'q'), e('emb', 'v'), ...(o.key ? [e('emb', 'k'), e('k', 'att', 'key')] : []),
      e('q', 'att'), e('v', 'att', 'value'),
      ...(o.scores ? [e('att', 'out', undefined, 'scores')] : []),
    ],
  } as GraphDoc;
}

/** Keras 3's formulas in float64; `qm`/`vm` are the padding masks (ids ≠ 0), or all true without masking. */
const REFERENCE = (kind: Kind, p: Record<string, boolean>, o: { masked: boolean; key: boolean; scores: boolean }) => `
emb = w["embedding/embeddings"][x]
dense = lambda name, f: f(emb @ w[name + "/kernel"] + w[name + "/bias"])
q, v = dense("dense", np.tanh), dense("dense_1", lambda a: a)
k = dense("dense_2", lambda a: a) if ${o.key ? 'True' : 'False'} else v
qm = vm = (x != 0) if ${o.masked ? 'True' : 'False'} else np.ones(x.shape, dtype=bool)
layer = "${kind === 'Attention' ? 'attention' : 'additive_attention'}"
scale = w[layer + "/scale"] if ${p.useScale ? 'True' : 'False'} else None
if "${kind}" == "Attention":
    s = q @ k.transpose(0, 2, 1)
    if scale is not None:
        s = s * scale
else:
    s = ((scale if scale is not None else 1.0) * np.tanh(q[:, :, None, :] + k[:, None, :, :])).sum(-1)
keep = vm[:, None, :]
if ${p.causal ? 'True' : 'False'}:
    keep = keep & np.tril(np.ones(s.shape[1:], dtype=bool))[None]
# Keras computes S - 1e9 in float32: on a row with every step masked the scores round to equal values (uniform weights).
s = np.where(keep, s, (s.astype(np.float32) - np.float32(1e9)).astype(np.float64))
e = np.exp(s - s.max(-1, keepdims=True))
wts = e / e.sum(-1, keepdims=True)
out = np.where(qm[:, :, None], wts @ v, 0.0)
y = wts if ${o.scores ? 'True' : 'False'} else out
`;

const CASES: [Kind, Record<string, boolean>, { masked: boolean; key: boolean; scores: boolean }][] = [
  ['Attention', { useScale: false }, { masked: false, key: false, scores: false }],
  ['Attention', { useScale: true }, { masked: true, key: false, scores: false }],
  ['Attention', { useScale: true }, { masked: true, key: true, scores: true }],
  ['Attention', { useScale: false, causal: true }, { masked: true, key: false, scores: true }],
  ['AdditiveAttention', { useScale: true }, { masked: false, key: false, scores: true }],
  ['AdditiveAttention', { useScale: true }, { masked: true, key: true, scores: false }],
  ['AdditiveAttention', { useScale: false }, { masked: true, key: false, scores: true }],
  ['AdditiveAttention', { useScale: true, causal: true }, { masked: true, key: false, scores: false }],
];

describe('attention layers reproduce Keras and export exactly', () => {
  it.each(CASES)('%s %j %j', async (kind, params, o) => {
    const doc = attentionGraph(kind, params, o);
    const name = `${kind}-${Object.entries({ ...params, ...o }).filter(([, v]) => v).map(([k]) => k).join('-')}`;
    // Row b of the ids is left-padded by b steps, so the masks differ per row.
    const { app, diffs } = await parity(name, doc, inputOf([3, 5], 7, 9), REFERENCE(kind, params, o));
    expect(app.shape).toEqual(o.scores ? [3, 5, 5] : [3, 5, 4]);
    expect(Object.keys(diffs).sort()).toEqual(['pytorch', 'reference', 'tfjs']);
    for (const [k, d] of Object.entries(diffs)) expect(d, k).toBeLessThanOrEqual(1e-5);
  });

  it('counts parameters as Keras: Attention use_scale 1, AdditiveAttention use_scale D (the query width)', () => {
    const count = (kind: Kind, useScale: boolean) => compile(attentionGraph(kind, { useScale }, { masked: false, key: false, scores: false })).ir!.layers.find((l) => l.kind === kind)!.paramCount;
    expect([count('Attention', false), count('Attention', true), count('AdditiveAttention', false), count('AdditiveAttention', true)]).toEqual([0, 1, 0, 4]);
  });
});

describe('Keras configs with attention open with their ports', () => {
  const tensor = (name: string, index = 0) => ({ class_name: '__keras_tensor__', config: { keras_history: [name, 0, index] } });
  const input = (name: string) => ({ class_name: 'InputLayer', name, config: { batch_shape: [null, null, 4], dtype: 'float32', name }, inbound_nodes: [] });
  const keras3 = (layer: object, extra: object[] = []) => ({
    module: 'keras', class_name: 'Functional', keras_version: '3.6.0',
    config: { name: 'm', layers: [input('dec'), input('enc'), input('keys'), layer, ...extra] },
  });

  it('Keras 3: [query, value, key] as a list arg, return_attention_scores and use_causal_mask as call kwargs', () => {
    const att = {
      class_name: 'Attention', name: 'att', config: { name: 'att', use_scale: true, score_mode: 'dot', dropout: 0.1, seed: null },
      inbound_nodes: [{ args: [[tensor('dec'), tensor('enc'), tensor('keys')]], kwargs: { return_attention_scores: true, use_causal_mask: true } }],
    };
    const dense = { class_name: 'Dense', name: 'd', config: { name: 'd', units: 2, activation: 'linear' }, inbound_nodes: [{ args: [tensor('att', 1)], kwargs: {} }] };
    const r = importModelJson(keras3(att, [dense]));
    if (!r.ok) throw new Error(r.error);
    const { doc, nodeOfLayer } = r.model;
    const a = doc.nodes.find((n) => n.id === nodeOfLayer.get('att'))!;
    expect(a.data).toMatchObject({ kind: 'Attention', params: { useScale: true, dropout: 0.1, causal: true } });
    const into = doc.edges.filter((e) => e.target === a.id).map((e) => [doc.nodes.find((n) => n.id === e.source)!.data.name, e.targetHandle ?? 'query']);
    expect(into).toEqual([['dec', 'query'], ['enc', 'value'], ['keys', 'key']]);
    expect(doc.edges.find((e) => e.source === a.id)!.sourceHandle).toBe('scores');
    expect(compile(doc).diagnostics).toEqual([]);
  });

  it('tf.keras 2: AdditiveAttention on [query, value]; score_mode "concat" is refused by name', () => {
    const model = (cls: string, config: object) => ({
      class_name: 'Functional', keras_version: '2.15.0',
      config: {
        name: 'm',
        layers: [
          { class_name: 'InputLayer', name: 'dec', config: { batch_input_shape: [null, null, 4], dtype: 'float32', name: 'dec' }, inbound_nodes: [] },
          { class_name: 'InputLayer', name: 'enc', config: { batch_input_shape: [null, null, 4], dtype: 'float32', name: 'enc' }, inbound_nodes: [] },
          { class_name: cls, name: 'att', config: { name: 'att', ...config }, inbound_nodes: [[['dec', 0, 0, {}], ['enc', 0, 0, {}]]] },
        ],
      },
    });
    const r = importModelJson(model('AdditiveAttention', { use_scale: true, dropout: 0.0 }));
    if (!r.ok) throw new Error(r.error);
    const att = r.model.doc.nodes.find((n) => n.data.kind === 'AdditiveAttention')!;
    expect(att.data.params).toEqual({ useScale: true, dropout: 0, causal: false });
    expect(r.model.doc.edges.filter((e) => e.target === att.id).map((e) => e.targetHandle)).toEqual([undefined, 'value']);
    expect(compile(r.model.doc).ir!.layers.at(-1)!.paramCount).toBe(4);
    expect(importModelJson(model('Attention', { use_scale: false, score_mode: 'concat' }))).toEqual({
      ok: false,
      error: 'Layer att (Attention) has score_mode="concat", which RNN Studio does not support: score_mode "concat" is not built; use "dot", or AdditiveAttention.',
    });
  });
});
