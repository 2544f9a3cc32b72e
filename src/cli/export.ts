import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportFiles, TARGETS, type Target } from '../codegen/export.ts';
import { collate, loadTask, type Batch, type PairDataset } from '../datasets/index.ts';
import { planRun } from '../datasets/plan.ts';
import { modelFiles } from '../runtime/save.ts';
import { writeOutputs } from './atomic.ts';
import { CliError, print, MODEL_FILE_OPTIONS, modelFileFlags } from './io.ts';
import type { Command } from './command.ts';
import { loadTfModel } from './model-load.ts';

const tensorJson = (data: ArrayLike<number>, shape: number[], dtype: Batch['xDtype']) => JSON.stringify({ dtype, shape, data: Array.from(data) });

/**
 * `--data N`: the graph's training task (same seed as the app), N training samples as `train_x.json` /
 * `train_y.json` in the predict contract, so the exported train.py runs on the same task as is.
 */
function taskData(doc: Parameters<typeof planRun>[0], n: number): { files: Record<string, string>; data: { samples: number; task: string } } {
  const plan = planRun(doc);
  if (!plan.ok) throw new CliError(`--data: ${plan.error}`, 1);
  const samples = Math.min(n, plan.ds.trainSize);
  const b = collate(plan.ds, Array.from({ length: samples }, (_, i) => i));
  return {
    files: {
      'train_x.json': tensorJson(b.x, b.xShape, b.xDtype),
      // A model with several outputs: a list of targets, one per output in the model's order.
      'train_y.json': plan.fit.outputs
        ? `[${plan.fit.outputs.map((o) => b.heads![o.head]).map((t) => tensorJson(t.y, t.yShape, t.y instanceof Int32Array ? 'int32' : 'float32')).join(', ')}]`
        : tensorJson(b.y, b.yShape, b.y instanceof Int32Array ? 'int32' : 'float32'),
    },
    data: { samples, task: plan.ds.info.id },
  };
}

/** How the graph's task reads text, when it does (the same split and seed as the app): a text model's, or a pair task's. */
function readingOf(doc: Parameters<typeof planRun>[0]) {
  const plan = planRun(doc);
  return plan.ok ? { text: plan.ds.textInput, pairs: (plan.ds as Partial<PairDataset>).pairVocab } : {};
}

/** `rnn-studio export <graph.json|model.json> --format keras|pytorch|tfjs [--weights DIR] [--data N] --out DIR`. */
export const exportCmd: Command = {
  usage: 'export <graph.json|model.json|model.keras|model.h5> --format keras|pytorch|tfjs [--weights DIR] [--data N] --out DIR\n' +
    '                                   code + weights + predict script (+ N samples of the graph\'s task for train.py)',
  options: { format: { type: 'string' }, weights: { type: 'string' }, out: { type: 'string' }, backend: { type: 'string' }, data: { type: 'string' }, ...MODEL_FILE_OPTIONS },
  run: async ({ positionals, values }) => {
    const format = values.format as string | undefined;
    if (!format || !(TARGETS as readonly string[]).includes(format)) throw new CliError(`--format must be one of ${TARGETS.join(', ')}${format ? ` (got ${format})` : ''}.`);
    const out = values.out as string | undefined;
    if (!out) throw new CliError('Missing --out DIR (the export folder).');
    const { doc, ir, model, weightsFrom } = await loadTfModel(positionals[0], values.weights as string | undefined, values.backend as string | undefined, modelFileFlags(values));
    await loadTask(doc.training?.task);
    const n = values.data === undefined ? 0 : Number(values.data);
    if (!Number.isInteger(n) || n < 0) throw new CliError(`--data must be a whole number of samples (got ${values.data}).`);
    const data = n > 0 ? taskData(doc, n) : null;
    const files = {
      ...exportFiles(ir, format as Target, {
        title: doc.meta?.name ?? 'RNN Studio model', training: doc.training, trained: weightsFrom !== 'seeded initial weights', data: data?.data, ...readingOf(doc),
      }),
      ...data?.files,
    };
    const { modelJson, weights } = await modelFiles(model);
    model.dispose();
    await writeOutputs([out], ([dir]) => {
      mkdirSync(dir);
      for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
      writeFileSync(join(dir, 'model.json'), modelJson);
      writeFileSync(join(dir, 'weights.bin'), weights);
    }, { merge: true });
    print(`wrote ${format} export to ${out}: ${[...Object.keys(files), 'model.json', 'weights.bin'].join(', ')} (weights: ${weightsFrom})`);
    return 0;
  },
};
