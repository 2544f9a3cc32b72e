/**
 * Property test: random graphs that compile — recurrent or not, stacked, Bidirectional, masked, pooled, with Dropout
 * and Dense in between, heads of every loss family (softmax per sequence and per step, one sigmoid unit, linear,
 * a softmax wider than the classes) — are each trained for 2 steps by the app's own training session with the
 * Inside recording on, on every task the fit check accepts. None throws and none stops on NaN; no number a run
 * reports (losses, metrics, gradient norms, snapshots, the final validation) and no weight it leaves is NaN or
 * infinite, so a NaN the guard missed fails too; recording happens exactly when there is a recurrent layer (and says
 * why not otherwise); the confusion matrix has no NaN. wasm backend, tiny sizes.
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import { compile } from '../../src/compiler/index.ts';
import { checkFit, TASKS, type TaskInfo } from '../../src/datasets/index.ts';
import { chainDoc, serializeDocument, type ChainStep, type LayerKind } from '../../src/graph/index.ts';
import { probeBlocker } from '../../src/runtime/probes/index.ts';
import { initTfNode } from '../../src/runtime/setup-node.ts';
import { TrainSession, type SessionEvent } from '../../src/runtime/train-session.ts';
import type { OptimizerName } from '../../src/runtime/train.ts';
import { memoryRuns } from './runs-double.ts';

beforeAll(async () => {
  await initTfNode('wasm');
});

/** Every task at its shortest length: its description, made once (sequence-to-sequence tasks: no graph here fits them). */
const TASK_INFO: [string, number | undefined, TaskInfo][] = Object.values(TASKS).filter((t) => t.group !== 'sequence to sequence').map((t) => {
  const seqLen = t.seqLen ? Math.max(t.seqLen.min, 3) : undefined;
  return [t.id, seqLen, t.make({ seed: 1, seqLen }).info];
});

/**
 * A task's description for the training seed: a corpus builds its vocabulary on the seed's training split, so the
 * fit check must see the vocabulary the run will use (the graphs are drawn for seed 1's).
 */
const infoCache = new Map<string, TaskInfo>();
const infoFor = (id: string, seqLen: number | undefined, seed: number): TaskInfo => {
  const key = `${id}/${seed}`;
  if (!infoCache.has(key)) infoCache.set(key, Object.values(TASKS).find((t) => t.id === id)!.make({ seed, seqLen }).info);
  return infoCache.get(key)!;
};

const RNN = fc.constantFrom<LayerKind>('SimpleRNN', 'LSTM', 'GRU');
const rnnParams = (returnSequences: boolean) =>
  fc.record({ units: fc.integer({ min: 1, max: 4 }), goBackwards: fc.boolean(), dropout: fc.constantFrom(0, 0.2) }).map((p) => ({ ...p, returnSequences }));
/** One layer that keeps the time axis. */
const seqLayer: fc.Arbitrary<ChainStep> = fc.oneof(
  fc.tuple(RNN, rnnParams(true)).map(([k, p]): ChainStep => [k, p]),
  fc.tuple(fc.constantFrom('concat', 'sum', 'mul', 'ave'), RNN, rnnParams(true)).map(([mergeMode, k, p]): ChainStep => ['Bidirectional', { mergeMode }, [k, p]]),
  fc.constantFrom(0.1, 0.5).map((rate): ChainStep => ['Dropout', { rate }]),
  fc.constantFrom('tanh', 'relu').map((activation): ChainStep => ['Dense', { units: 3, activation }]),
);
/** One layer that ends the time axis. */
const reducer: fc.Arbitrary<ChainStep> = fc.oneof(
  fc.tuple(RNN, rnnParams(false)).map(([k, p]): ChainStep => [k, p]),
  fc.tuple(fc.constantFrom('concat', 'sum'), RNN, rnnParams(false)).map(([mergeMode, k, p]): ChainStep => ['Bidirectional', { mergeMode }, [k, p]]),
  fc.constantFrom<LayerKind>('GlobalAveragePooling1D', 'GlobalMaxPooling1D').map((k): ChainStep => [k, {}]),
);

/** A graph made for one task's input and output (other tasks may accept it too). */
const graphFor = ([, , info]: (typeof TASK_INFO)[number]) =>
  fc.record({
    maskZero: fc.boolean(),
    body: fc.array(seqLayer, { maxLength: 3 }),
    reduce: reducer,
    head: fc.constantFrom('exact', 'wide', 'sigmoid'),
    optimizer: fc.constantFrom<OptimizerName>('adam', 'rmsprop', 'sgd'),
    seed: fc.integer({ min: 0, max: 1000 }),
  }).map(({ maskZero, body, reduce, head, optimizer, seed }) => {
    const steps: ChainStep[] = info.input.kind === 'tokens'
      ? [['Input', { inputType: 'tokens', vocabSize: info.input.vocabSize, length: 0 }], ['Embedding', { inputDim: info.input.vocabSize, outputDim: 3, maskZero }]]
      : [['Input', { inputType: 'features', features: info.input.features, length: 0 }]];
    steps.push(...body);
    const out = info.output;
    if (out.kind === 'sequence') throw new Error('sequence tasks are left out of TASK_INFO');
    if (!(out.kind === 'classes' && out.perStep)) steps.push(reduce);
    if (out.kind === 'regression') steps.push(['Dense', { units: out.units, activation: 'linear' }]);
    else if (head === 'sigmoid' && out.classes === 2 && !out.perStep) steps.push(['Dense', { units: 1, activation: 'sigmoid' }]);
    else steps.push(['Dense', { units: out.classes + (head === 'wide' ? 1 : 0), activation: 'softmax' }]);
    return { doc: chainDoc(steps), optimizer, seed };
  });

const graphs = fc.constantFrom(...TASK_INFO).chain(graphFor);

/** Every number a run's events reported: step and validation losses and metrics, gradient norms, the Inside snapshots. */
const reported = (events: SessionEvent[]): number[] => events.flatMap((e) => {
  if (e.type === 'step') return [e.loss, e.metric, e.gradNorm];
  if (e.type === 'eval') return [e.loss, e.metric];
  if (e.type !== 'snapshot') return [];
  const series = e.snapshot.layers.flatMap((l) => [l.gradNorm, l.retention, ...Object.values(l.gateMeans)]);
  return [e.snapshot.loss, ...series.flat().filter((v): v is number => v !== null)];
});

it('>= 200 random compiling graphs train 2 steps with recording on, on every task the fit check accepts; none throws', async () => {
  const session = new TrainSession('nowhere://', memoryRuns().runs);
  const samples = fc.sample(graphs, { numRuns: 400, seed: 11 });
  let graphsTrained = 0, runs = 0, recorded = 0, notRecorded = 0;
  const losses = new Set<string>();
  for (const { doc, optimizer, seed } of samples) {
    if (graphsTrained >= 200) break;
    const r = compile(doc);
    if (!r.ok) continue;
    const ir = r.ir!;
    const tasks = TASK_INFO.map(([id, seqLen]) => [id, seqLen, infoFor(id, seqLen, seed)] as const).filter(([, , info]) => checkFit(ir, info).ok);
    if (tasks.length === 0) continue;
    graphsTrained++;
    for (const [task, seqLen, info] of tasks) {
      const events: SessionEvent[] = [];
      const docText = serializeDocument({ ...doc, training: { seed, task, seqLen } });
      const res = await session.start(
        { docText, task, seqLen, recordEvery: 1, settings: { optimizer, learningRate: 0.01, batchSize: 4, epochs: 1, steps: 2, clipNorm: 1, seed, evalEvery: 2, maxValSamples: 8 } },
        'wasm', (e) => events.push(e),
      ).catch((e: Error) => {
        throw new Error(`${task}: ${e.message}\n${docText}`);
      });
      runs++;
      losses.add(checkFit(ir, info).loss);
      // Two clipped steps at learning rate 0.01 do not diverge: every run ends 'done' (a NaN the guard caught fails
      // here with the guard's message), and every number it reported and every weight it left is finite (a NaN the
      // guard did not report fails below).
      expect(res.status, `${task}: ${res.message}\n${docText}`).toBe('done');
      expect(res.steps).toBe(2);
      const weights = (session as unknown as { model: tf.LayersModel }).model.getWeights().flatMap((w) => Array.from(w.dataSync()));
      const nonFinite = [...reported(events), res.final.loss, res.final.metric, ...weights].filter((v) => !Number.isFinite(v));
      expect(nonFinite, `${task} (${res.status}): ${nonFinite.length} non-finite numbers the NaN guard did not report\n${docText}`).toEqual([]);
      const snapshots = events.filter((e) => e.type === 'snapshot');
      const started = events.find((e) => e.type === 'started')!;
      if (probeBlocker(ir)) {
        notRecorded++;
        expect(started).toMatchObject({ notRecorded: expect.stringMatching(/no recurrent layer/) });
        expect(snapshots).toHaveLength(0);
      } else {
        recorded++;
        expect(snapshots.map((e) => e.type === 'snapshot' && e.snapshot.step)).toEqual([0, 1, 2]);
      }
      for (const row of res.final.confusion ?? []) for (const v of row) expect(Number.isInteger(v), `confusion ${JSON.stringify(res.final.confusion)}`).toBe(true);
    }
  }
  expect(graphsTrained).toBeGreaterThanOrEqual(200);
  // Not vacuous: every loss family, and models with and without a recurrent layer, were trained.
  expect([...losses].sort()).toEqual(['bce', 'ce', 'mse']);
  expect(recorded).toBeGreaterThan(50);
  expect(notRecorded).toBeGreaterThan(5);
  console.log(`${graphsTrained} graphs, ${runs} training runs (${recorded} recorded, ${notRecorded} without a recurrent layer)`);
}, 1_200_000);
