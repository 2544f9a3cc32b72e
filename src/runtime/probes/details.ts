/**
 * P6, P7 and P9 for the Inside tab, on demand: the models of the last probe and race stay alive in race.ts (one per
 * run), so the panels can ask for any example's connectivity later without training again. Results are plain typed
 * arrays (transferable); tensors never leave.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelIR } from '../../compiler/index.ts';
import type { GraphDoc } from '../../graph/index.ts';
import { loadTask, TASKS } from '../../datasets/index.ts';
import type { RecurrentKind } from '../../layers/index.ts';
import { attributeTime, connectivity, extrapolateTask, KERNEL_BLOCKS, type Extrapolation } from './connectivity.ts';
import type { WeightsSource } from '../weights-key.ts';
import { graphModel, keptRun, prepare } from './race.ts';
import { probeTargets, sequenceInput, targetInputs } from './walk.ts';

export interface DetailsMessage {
  example: number;
  /** The output P6 differentiates (an index into the model's `count` outputs) and its layer's name. */
  output: { index: number; name: string; count: number };
  /** Input step labels of the example (tokens or values). */
  labels: string[];
  /** P6 of the example: rows = output steps, [rows.length, T]. */
  connectivity: { rows: number[]; predicted: number[]; matrix: Float32Array; seqLen: number };
  /** P7 of the example per recurrent direction, steps in INPUT order (aligned with `labels`). */
  attribution: { name: string; kind: RecurrentKind; direction: 'forward' | 'backward'; share: Float32Array; blocks: Record<string, Float32Array> }[];
  /** P9 at up to EXTRAPOLATE·T (null when the data has no example longer than T). */
  extrapolation: Extrapolation | null;
}

/** How many times longer P9 asks for (panels.md default); the task's maximum length may give less. */
export const EXTRAPOLATE = 5;

async function details(model: tf.LayersModel, ir: ModelIR, prep: ReturnType<typeof prepare>, seqLen: number | undefined, example: number, output: number): Promise<DetailsMessage> {
  if (!(output >= 0 && output < ir.outputs.length)) throw new Error(`Output ${output + 1} does not exist: this model has ${ir.outputs.length} output(s).`);
  const b = prep.batch();
  const B = b.inputs[0].shape[0]!;
  if (!(example >= 0 && example < B)) throw new Error(`Example ${example + 1} is outside the probe batch of ${B}.`);
  const one = b.inputs.map((x) => tf.slice(x, example, 1));
  try {
    const c = await connectivity(model, ir, one, undefined, output);
    const T = c.seqLen;
    // The bars sit under the source strip: the directions that read it (an encoder's, not its decoder's).
    const source = ir.inputs.indexOf(sequenceInput(ir));
    const reads = targetInputs(ir, probeTargets(model, ir));
    const attribution = (await attributeTime(model, ir, b.inputs, b.targets, { skipPad: b.skipPad })).filter((_, k) => reads[k] === source).map((a) => {
      // Processing order → input order, one example.
      const pick = (v: Float32Array) => {
        const row = v.slice(example * T, (example + 1) * T);
        return a.direction === 'backward' ? row.reverse() : row;
      };
      return { name: a.name, kind: a.kind, direction: a.direction, share: pick(a.share),
        blocks: Object.fromEntries(KERNEL_BLOCKS[a.kind].map((n) => [n, pick(a.blocks[n])])) };
    });
    const task = TASKS[prep.taskId];
    const setting = seqLen ?? task.seqLen?.default;
    // P9 runs the model on longer data of the task; an encoder–decoder's decoding is not measured that way here.
    const extrapolation = setting && ir.inputs.length === 1 ? await extrapolateTask(model, ir, task, { seed: prep.seed, setting, trainedLength: T, asked: EXTRAPOLATE, examples: 16 }) : null;
    const name = ir.layers.find((l) => l.id === ir.outputs[output])!.name;
    return { example, output: { index: output, name, count: ir.outputs.length }, labels: prep.labels[example], connectivity: { rows: c.rows, predicted: c.predicted, matrix: c.matrix, seqLen: T }, attribution, extrapolation };
  } finally {
    tf.dispose([...b.inputs, ...b.targets, ...one]);
  }
}

/** P6/P7/P9 of a kept run (the graph's probe, or a race model); P6 of its output `output` (default the first). */
export async function runDetails(run: string, example: number, output = 0): Promise<DetailsMessage> {
  const k = keptRun(run);
  if (!k) throw new Error('Probe the graph or run the race first.');
  return details(k.model, k.ir, k.prep, k.seqLen, example, output);
}

/**
 * The same for another graph (a preset) on the data of the current one: its trained weights when `storage` holds
 * some for it, else its initial ones.
 */
export async function graphDetails(doc: GraphDoc, o: { task?: string; seqLen?: number; probeBatch?: number; storage?: string }, example: number, output = 0):
  Promise<DetailsMessage & { weights: WeightsSource }> {
  await loadTask(o.task ?? doc.training?.task);
  const prep = prepare(doc, o);
  const { model, weights } = await graphModel(prep.ir, { task: prep.taskId, seed: prep.seed }, o.storage);
  try {
    return { ...(await details(model, prep.ir, prep, o.seqLen ?? doc.training?.seqLen, example, output)), weights };
  } finally {
    model.dispose();
  }
}

/** Every typed-array buffer of a details message, to transfer instead of copy. */
export const detailBuffers = (d: DetailsMessage): ArrayBuffer[] =>
  [d.connectivity.matrix, ...d.attribution.flatMap((a) => [a.share, ...Object.values(a.blocks)])].map((a) => a.buffer as ArrayBuffer);
