import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportFiles, TARGETS, type Target } from '../codegen/export.ts';
import { modelFiles } from '../runtime/save.ts';
import { CliError, print } from './io.ts';
import type { Command } from './main.ts';
import { loadTfModel } from './model-load.ts';

/** `rnn-studio export <graph.json|model.json> --format keras|pytorch|tfjs [--weights DIR] --out DIR`. */
export const exportCmd: Command = {
  usage: 'export <graph.json|model.json> --format keras|pytorch|tfjs [--weights DIR] --out DIR   code + weights + predict script',
  options: { format: { type: 'string' }, weights: { type: 'string' }, out: { type: 'string' }, backend: { type: 'string' } },
  run: async ({ positionals, values }) => {
    const format = values.format as string | undefined;
    if (!format || !(TARGETS as readonly string[]).includes(format)) throw new CliError(`--format must be one of ${TARGETS.join(', ')}${format ? ` (got ${format})` : ''}.`);
    const out = values.out as string | undefined;
    if (!out) throw new CliError('Missing --out DIR (the export folder).');
    const { doc, ir, model, weightsFrom } = await loadTfModel(positionals[0], values.weights as string | undefined, values.backend as string | undefined);
    const files = exportFiles(ir, format as Target, { title: doc.meta?.name ?? 'RNN Studio model', training: doc.training, trained: weightsFrom !== 'seeded initial weights' });
    const { modelJson, weights } = await modelFiles(model);
    model.dispose();
    mkdirSync(out, { recursive: true });
    for (const [name, text] of Object.entries(files)) writeFileSync(join(out, name), text);
    writeFileSync(join(out, 'model.json'), modelJson);
    writeFileSync(join(out, 'weights.bin'), weights);
    print(`wrote ${format} export to ${out}: ${[...Object.keys(files), 'model.json', 'weights.bin'].join(', ')} (weights: ${weightsFrom})`);
    return 0;
  },
};
