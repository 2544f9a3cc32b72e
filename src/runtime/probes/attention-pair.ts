/**
 * "Attention: a short path": an encoder–decoder with attention and the same graph without it (attention and its
 * Concatenate removed, the decoder's outputs straight into the head), trained one after the other on the same data
 * and seed with the training engine's own loop, then probed: ‖∂L/∂h_t‖ of the encoder over its own steps. Without
 * attention the gradient that reaches an early encoder step has come through every later encoder step and the
 * decoder's initial state; attention adds a direct path from every decoder step to every encoder step.
 */
import type { GraphDoc } from '../../graph/index.ts';
import { loadTask } from '../../datasets/index.ts';
import { buildModel } from '../build.ts';
import { Trainer } from '../train.ts';
import { isAttentionKind, isRecurrentKind } from '../../graph/types.ts';
import { attentionPairSettings, PAIR_LABELS, type AttentionPairModel, type AttentionPairOptions, type AttentionPairResult, type PairRun } from './attention-pair-settings.ts';
import { prepare, probeMessage, type ProbeMessage } from './race.ts';
import { medianPerStep } from './stats.ts';

/** As the race's events (the store applies both alike); `done` carries this pair's own result. */
export type AttentionPairEvent =
  | { type: 'start'; run: PairRun; label: string; baseline: number }
  | { type: 'step'; run: PairRun; step: number; loss: number; gradNorm: number; clipped: boolean }
  | { type: 'probe'; run: PairRun; probe: ProbeMessage }
  | { type: 'done'; run: PairRun; result?: AttentionPairModel };


/**
 * `doc` without its attention: each attention layer and the Concatenate it feeds are removed, and whatever read
 * the Concatenate reads the attention's query (the decoder's outputs) instead. Throws when the graph has none.
 */
export function withoutAttention(doc: GraphDoc): GraphDoc {
  const att = doc.nodes.filter((n) => isAttentionKind(n.data.kind));
  if (!att.length) throw new Error('The graph has no Attention or AdditiveAttention layer to take away.');
  const drop = new Set<string>();
  let edges = doc.edges;
  for (const a of att) {
    const query = doc.edges.find((e) => e.target === a.id && (e.targetHandle ?? 'query') === 'query');
    const cat = doc.edges.map((e) => doc.nodes.find((n) => n.id === e.target && e.source === a.id)).find((n) => n?.data.kind === 'Concatenate');
    if (!query || !cat) throw new Error(`${a.data.name || a.id} needs a query input and a Concatenate after it.`);
    drop.add(a.id).add(cat.id);
    edges = edges.map((e) => (e.source === cat.id ? { ...e, source: query.source, sourceHandle: query.sourceHandle } : e));
  }
  return { ...doc, nodes: doc.nodes.filter((n) => !drop.has(n.id)), edges: edges.filter((e) => !drop.has(e.source) && !drop.has(e.target)) };
}

/** `doc` with every recurrent layer's units set to `units`. */
const withUnits = (doc: GraphDoc, units: number): GraphDoc =>
  ({ ...doc, nodes: doc.nodes.map((n) => (isRecurrentKind(n.data.kind) ? { ...n, data: { ...n.data, params: { ...n.data.params, units } } } : n)) });

/**
 * Trains the graph without and with its attention (the graph given has it), one after the other, and probes each:
 * the encoder's median ‖∂L/∂h_t‖ over the probe batch, per encoder step.
 */
export async function attentionPair(doc: GraphDoc, o: AttentionPairOptions, onEvent: (e: AttentionPairEvent) => void = () => {}, shouldStop: () => boolean = () => false): Promise<AttentionPairResult> {
  const s = attentionPairSettings(o);
  await loadTask(s.task);
  const withAtt = withUnits({ ...doc, training: { ...doc.training, task: s.task, seqLen: s.seqLen, seed: s.seed } }, s.units);
  const graphs: [PairRun, GraphDoc][] = [['without', withoutAttention(withAtt)], ['with', withAtt]];
  const result: AttentionPairResult = { ...s, baseline: NaN, models: [] };
  for (const [run, g] of graphs) {
    if (shouldStop()) break;
    const started = performance.now();
    const prep = prepare(g, { task: s.task, seqLen: s.seqLen, seed: s.seed, probeBatch: o.probeBatch });
    const { ir, ds, fit, batch } = prep;
    const model = buildModel(ir);
    const trainer = new Trainer(model, ds, fit, {
      optimizer: 'adam', learningRate: s.learningRate, batchSize: s.batchSize, epochs: 1, steps: s.steps, clipNorm: s.clipNorm, seed: s.seed,
      evalEvery: s.steps, maxValSamples: 200,
    });
    const probeBatch = batch();
    result.baseline = ds.info.baseline.loss;
    onEvent({ type: 'start', run, label: PAIR_LABELS[run], baseline: ds.info.baseline.loss });
    try {
      const r = await trainer.run((e) => {
        if (e.type === 'step') onEvent({ type: 'step', run, step: e.step, loss: e.loss, gradNorm: e.gradNorm, clipped: e.clipped });
        if (shouldStop()) trainer.stop();
      });
      const probe = await probeMessage(model, ir, probeBatch, prep);
      const enc = probe.directions.find((d) => d.input === prep.labelsInput);
      if (!enc) throw new Error('The graph has no recurrent encoder reading the source.');
      const m: AttentionPairModel = {
        run, valLoss: r.final.loss, encoder: enc.name,
        encoderGrad: medianPerStep(enc.dh, enc.mask, enc.steps, probe.batch).map((v) => v ?? 0), ms: performance.now() - started,
      };
      // After the curve is read: in the browser the worker transfers the probe's buffers, which empties them here.
      onEvent({ type: 'probe', run, probe });
      if (r.status !== 'stopped') result.models.push(m);
      onEvent({ type: 'done', run, result: r.status !== 'stopped' ? m : undefined });
    } finally {
      trainer.dispose();
      model.dispose();
      [...probeBatch.inputs, ...probeBatch.targets].forEach((t) => t.dispose());
    }
  }
  return result;
}
