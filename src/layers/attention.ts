/**
 * Attention (Luong, dot product) and AdditiveAttention (Bahdanau): every query step (a decoder's outputs) takes a
 * softmax-weighted mix of the value steps (an encoder's outputs), Keras 3's `_calculate_scores`/`_apply_scores`
 * (seq2seq-attention.md §1.2). Ports: `query` (the data input), `value`, optional `key` (default the value); outputs
 * `output` [B, Tq, dv] and `scores`, the attention weights [B, Tq, Tv] (Keras's `return_attention_scores=True`).
 * The TF.js classes are in src/codegen/tfjs-attention.ts (TF.js 4.22 has neither layer).
 */
import { flag, mustBe, num, type Json, type KerasReadCtx } from './keras-config.ts';
import { bool, rate, seed } from './params.ts';
import type { Params } from '../graph/types.ts';
import { fail, type BuildCtx, type LayerSpec, type ShapeCtx, type ShapeResult, type SymbolicTensor, type TF, type TfLayer, type TorchCtx } from './spec.ts';
import { formatShape, isTokens, type TensorType } from './tensor-type.ts';

type Kind = 'Attention' | 'AdditiveAttention';

/** The tfjs factories of src/codegen/tfjs-attention.ts, on the `tf` the runtime and the TF.js export pass. */
type AttentionTf = Record<'attention' | 'additiveAttention' | 'attentionMask', (args: object) => TfLayer>;
const factoryOf = (kind: Kind) => (kind === 'Attention' ? 'attention' : 'additiveAttention');

function attentionShape(kind: Kind, [q]: TensorType[], ctx: ShapeCtx): ShapeResult {
  const v = ctx.states?.value, k = ctx.states?.key ?? v;
  if (!v || !k)
    return fail({ code: 'E_MISSING_INPUT', message: `${kind} has nothing connected to its value input.`, fix: 'Connect the sequence to attend over (an encoder with returnSequences) to value.' });
  const all: [string, TensorType][] = [['query', q], ['value', v], ['key', k]];
  const bad = all.find(([, t]) => isTokens(t) || t.dims.length !== 2);
  if (bad)
    return fail({
      code: 'E_NEEDS_SEQUENCE',
      message: `${kind}'s ${bad[0]} needs a sequence [batch, time, features]; it was given ${formatShape(bad[1])}${isTokens(bad[1]) ? ' token ids' : ''}.`,
      fix: 'Connect a recurrent layer with returnSequences (or an Embedding) there.',
    });
  const D = (t: TensorType) => t.dims[1];
  if (D(q) !== D(k))
    return fail({ code: 'E_SHAPE_MISMATCH', message: `${kind} compares query and key feature by feature; the query has ${D(q)} features, the key ${D(k)}.`, fix: 'Give both the same width (units), or put a Dense on one of them.' });
  if (v.dims[0] !== null && k.dims[0] !== null && v.dims[0] !== k.dims[0])
    return fail({ code: 'E_SHAPE_MISMATCH', message: `${kind}'s key has ${k.dims[0]} steps and its value ${v.dims[0]}; they must have the same steps.`, fix: 'Feed key and value from the same sequence.' });
  const [Tq, Tv] = [q.dims[0], v.dims[0]];
  return { ok: true, out: { dims: [Tq, D(v)], dtype: 'float32', masked: q.masked }, ports: { scores: { dims: [Tq, Tv], dtype: 'float32', masked: false } } };
}

/**
 * The attention layer's arguments; Attention writes its score mode (Keras's default "dot"). The seed (the scale's
 * initializer and the dropout in TF.js) is not a tf.keras 2 argument, so the Keras export leaves it out.
 */
const layerArgs = (kind: Kind, p: Params, name: string, seedValue?: number) => ({
  useScale: p.useScale as boolean,
  ...(kind === 'Attention' ? { scoreMode: 'dot' } : {}),
  dropout: p.dropout as number,
  ...(seedValue !== undefined ? { seed: seedValue } : {}),
  name,
});

/** The attention inputs in Keras's order: [query, value] or [query, value, key]. */
const kerasInputs = (ctx: BuildCtx): SymbolicTensor[] => [ctx.inputs[0], ...(ctx.states ?? [])];

function readAttention(kind: Kind, c: Json, cx: KerasReadCtx): Params {
  if (kind === 'Attention') mustBe(c, cx, 'score_mode', ['dot'], 'score_mode "concat" is not built; use "dot", or AdditiveAttention');
  // Keras ≤ 2.9 took causal in the constructor; later versions take use_causal_mask in the call (read into `causal`).
  return { useScale: flag(c, 'use_scale', kind === 'AdditiveAttention'), dropout: num(c, 'dropout', cx.layer, 0), causal: flag(c, 'causal', false) };
}

/**
 * PyTorch, plain ops (the torch twin of seq2seq-attention.md §3.4): scores, the value mask (and the causal one) as
 * S − 1e9, softmax, W·V, padded query rows zeroed.
 */
function torchAttention(kind: Kind, p: Params, cx: TorchCtx) {
  const [q] = cx.x;
  const [v, kIn] = cx.states!;
  const k = kIn ?? v;
  const w = `${cx.out}_w`, s = `${cx.out}_s`, keep = `${cx.out}_keep`;
  const scale = p.useScale ? `${cx.self}_scale` : null;
  const scores =
    kind === 'Attention'
      ? `${s} = torch.matmul(${q}, ${k}.transpose(1, 2))${scale ? ` * ${scale}` : ''}`
      : `${s} = (torch.tanh(${q}.unsqueeze(2) + ${k}.unsqueeze(1))${scale ? ` * ${scale}` : ''}).sum(-1)`;
  const vMask = cx.stateMasks?.[0];
  const causal = `torch.ones(${s}.shape[1], ${s}.shape[2], dtype=torch.bool, device=${s}.device).tril().unsqueeze(0)`;
  const keepExpr = [vMask ? `${vMask}.unsqueeze(1)` : null, p.causal ? causal : null].filter(Boolean).join(' & ');
  return {
    notes: (p.dropout as number) > 0 ? [`Porting note: dropout=${p.dropout} on the attention weights acts only in training and is not reproduced here; inference is exact.`] : [],
    init: scale ? [`${cx.self}_scale = nn.Parameter(torch.zeros(${kind === 'Attention' ? '()' : `${cx.inputSize}`}))`] : [],
    forward: [
      scores,
      ...(keepExpr ? [`${keep} = ${keepExpr}`, `${s} = torch.where(${keep}, ${s}, ${s} - 1e9)`] : []),
      `${w} = torch.softmax(${s}, dim=-1)`,
      `${cx.out} = torch.matmul(${w}, ${v})`,
      ...(cx.mask ? [`${cx.out} = torch.where(${cx.mask}.unsqueeze(-1), ${cx.out}, torch.zeros_like(${cx.out}))`] : []),
      ...(cx.stateOuts ? [`${cx.stateOuts[0]} = ${w}`] : []),
    ],
    load: scale ? [`load_param(${scale}, ${cx.weight('scale')})`] : [],
    // Keras's initializers: ones for the scalar; glorot_uniform for the [D] vector, limit sqrt(6 / (D + D)).
    reinit: scale ? [kind === 'Attention' ? `nn.init.ones_(${scale})` : `nn.init.uniform_(${scale}, -${Math.sqrt(3 / cx.inputSize)}, ${Math.sqrt(3 / cx.inputSize)})`] : [],
  };
}

function defineAttention(kind: Kind, description: string): LayerSpec {
  const additive = kind === 'AdditiveAttention';
  return {
    kind,
    category: 'merge',
    description,
    arity: 'one',
    params: {
      useScale: bool(additive, 'Use scale', additive ? 'Learn a weight per feature for the scores (Bahdanau\'s v).' : 'Learn one number that scales the scores (a softmax temperature).'),
      dropout: rate(0, 'Dropout', 'Fraction of attention weights dropped during training.'),
      causal: bool(false, 'Causal', 'Query step i only sees value steps up to i (for a sequence attending to itself).'),
      seed: seed(),
    },
    ports: () => ({ inputs: ['query', 'value', 'key'], outputs: ['output', 'scores'] }),
    inferShape: (xs, _p, ctx) => attentionShape(kind, xs, ctx),
    // Keras: Attention's scale is one number; AdditiveAttention's has the query's width.
    paramCount: ([q], p) => (p.useScale ? (additive ? (q.dims[1] as number) : 1) : 0),
    brief: (p) => `${additive ? 'additive' : 'dot'}${p.useScale ? ', scaled' : ''}${p.causal ? ', causal' : ''}`,
    tfjs: (tf, p, ctx) => {
      const layers = tf.layers as unknown as AttentionTf;
      const [value] = ctx.states!;
      const valueMask = layers.attentionMask({ name: `${ctx.name}_value_mask` }).apply(value) as SymbolicTensor;
      return layers[factoryOf(kind)]({ ...layerArgs(kind, p, ctx.name, ctx.seed), causal: p.causal as boolean }).apply([...kerasInputs(ctx), valueMask]) as SymbolicTensor[];
    },
    keras: {
      classNames: [kind],
      factory: factoryOf(kind),
      read: (c, cx) => ({ params: readAttention(kind, c, cx) }),
      weights: (p, d) => (p.useScale ? [{ name: 'scale', shape: additive ? [d] : [] }] : []),
      // Keras takes the masks itself; the scores come back with return_attention_scores, causality as a call argument.
      build: (tf: TF, p, ctx) => {
        const layer = (tf.layers as unknown as AttentionTf)[factoryOf(kind)](layerArgs(kind, p, ctx.name));
        return layer.apply(kerasInputs(ctx), { returnAttentionScores: true, ...(p.causal ? { useCausalMask: true } : {}) }) as SymbolicTensor[];
      },
    },
    pytorch: (p, cx) => torchAttention(kind, p, cx),
    mask: () => 'passes',
  };
}

export const attention = defineAttention('Attention', 'Dot-product (Luong) attention: each query step mixes the value steps, weighted by the softmax of query·key.');
export const additiveAttention = defineAttention('AdditiveAttention', 'Additive (Bahdanau) attention: each query step mixes the value steps, weighted by the softmax of Σ v·tanh(query + key).');
