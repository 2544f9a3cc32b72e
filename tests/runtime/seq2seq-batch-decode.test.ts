/**
 * Greedy decoding of many sources as one batch (`greedyMany`, what validation and the CLI's test split use) gives
 * exactly the tokens of decoding each source alone (`decodeOne`: encoder on the one source, then one step at a time),
 * on 120 sources of lengths 1 to L, for: the lstm_seq2seq shape (masked, so sources of different lengths share a
 * padded batch), the same with its encoder unmasked (sources batched by length), a Bidirectional encoder with an
 * AdditiveAttention decoder (value mask per row), the reversal attention preset with a scaled Attention and a
 * TimeDistributed head, and Keras's addition_rnn (one Input, every step at once; unmasked, so batched by length). Each
 * model is trained briefly, so the stepped decoders' rows end at different steps. Wasm, as the app runs.
 */
import { readFileSync } from 'node:fs';
import type * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { parseDocument, type GraphDoc, type Params } from '../../src/graph/index.ts';
import type { PairDataset } from '../../src/datasets/index.ts';
import { planRun } from '../../src/datasets/plan.ts';
import { buildModel } from '../../src/runtime/build.ts';
import { buildInference, decodeOne } from '../../src/runtime/seq2seq.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { Trainer } from '../../src/runtime/train.ts';
import { edge, node } from '../fixtures/graphs.ts';
import { dotScaledTimeDistributed, seq2seqDoc } from '../fixtures/seq2seq.ts';

beforeAll(async () => {
  expect(await initTfNode('wasm')).toBe('wasm');
});

const preset = (name: string): GraphDoc => {
  const r = parseDocument(readFileSync(new URL(`../../presets/${name}.json`, import.meta.url), 'utf8'));
  if (!r.ok) throw new Error(r.error);
  return r.doc;
};

const small = { source: 12, target: 13, embed: 8, units: 16, task: 'reversal', seqLen: 6 };
const withParams = (doc: GraphDoc, id: string, params: Params): GraphDoc =>
  ({ ...doc, nodes: doc.nodes.map((n) => (n.id === id ? { ...n, data: { ...n.data, params: { ...n.data.params, ...params } } } : n)) });
/** `seq2seqDoc` with a Bidirectional(LSTM, returnSequences) between the source Embedding and the encoder LSTM. */
const biEncoder = (doc: GraphDoc): GraphDoc => ({
  ...doc,
  nodes: [...doc.nodes, node('bi', 'Bidirectional', { mergeMode: 'concat' }), node('bi_lstm', 'LSTM', { units: 8, returnSequences: true }, 'bi')],
  edges: [...doc.edges.filter((e) => !(e.source === 'srcEmb' && e.target === 'enc')), edge('srcEmb', 'bi'), edge('bi', 'enc')],
});

it.each([
  { name: 'lstm_seq2seq (masked: padded batches)', doc: () => seq2seqDoc(small), seqLen: 6, endsVary: true },
  { name: 'lstm_seq2seq with an unmasked encoder (batches by length)', doc: () => withParams(seq2seqDoc(small), 'srcEmb', { maskZero: false }), seqLen: 6, endsVary: true },
  { name: 'Bidirectional encoder, AdditiveAttention decoder', doc: () => biEncoder(seq2seqDoc({ ...small, attention: 'AdditiveAttention' })), seqLen: 6, endsVary: true },
  { name: 'reversal attention preset, scaled Attention, TimeDistributed head', doc: () => dotScaledTimeDistributed(preset('reversal-attention')), seqLen: 6, endsVary: true },
  { name: 'addition_rnn (one Input)', doc: () => preset('addition-rnn'), seqLen: 3, endsVary: false },
])('$name: greedyMany gives decodeOne\'s tokens on 120 sources of varied lengths', async ({ doc, seqLen, endsVary }) => {
  const plan = planRun(doc(), { seed: 7, seqLen });
  if (!plan.ok) throw new Error(plan.error);
  const ds = plan.ds as PairDataset;
  const model: tf.LayersModel = buildModel(plan.ir);
  const trainer = new Trainer(model, ds, plan.fit, { optimizer: 'adam', learningRate: 0.02, batchSize: 32, epochs: 1, steps: 40, clipNorm: 1, seed: 7, evalEvery: 1000, maxValSamples: 32 });
  await trainer.run();
  trainer.dispose();
  const inf = buildInference(model, plan.ir);
  // Validation sources cut to lengths 1 … L in turn (the full length every few), in a shuffled-looking order.
  const sources = Array.from({ length: 120 }, (_, k) => {
    const x = Array.from(ds.sample(ds.trainSize + k).x);
    return x.slice(0, 1 + ((k * 5) % x.length));
  });
  const one = sources.map((s) => decodeOne(inf, s, ds.maxTargetLen));
  const many = inf.greedyMany(sources, ds.maxTargetLen);
  expect(new Set(sources.map((s) => s.length)).size).toBeGreaterThan(2);
  expect(many).toEqual(one);
  // Rows ended at different steps (END before the cap for some, not others), so a finished row was carried along;
  // addition_rnn hands out all its output steps whatever the previous token, so its rows end together.
  if (endsVary) expect(new Set(one.map((t) => t.length)).size).toBeGreaterThan(1);
  model.dispose();
}, 180_000);
