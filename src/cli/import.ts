import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from '../compiler/index.ts';
import { countOf, serializeDocument } from '../graph/index.ts';
import { modelWithWeights } from '../runtime/model-io.ts';
import { initTfNode } from '../runtime/setup-node.ts';
import { modelFiles } from '../runtime/save.ts';
import { CliError, print, readGraphOrModel, weightsDirFor, MAX_BYTES_OPTION } from './io.ts';
import type { Command } from './command.ts';

/** `rnn-studio import <model.json> --out graph.json`: Keras / TF.js model JSON → graph (+ `graph.weights/` when the file has weights). */
export const importCmd: Command = {
  usage: 'import <model.keras|model.h5|model.json> --out graph.json   a Keras file, Keras to_json() or TF.js model.json → graph (weights to graph.weights/)',
  options: { out: { type: 'string' }, ...MAX_BYTES_OPTION },
  run: async ({ positionals, values }) => {
    const out = values.out as string | undefined;
    if (!out) throw new CliError('Missing --out graph.json.');
    const loaded = await readGraphOrModel(positionals[0], { maxBytes: values['max-bytes'] });
    for (const w of loaded.warnings) process.stderr.write(`note: ${w}\n`);
    const r = compile(loaded.doc);
    if (!r.ir) throw new CliError(`The imported graph has problems:\n${r.diagnostics.map((d) => `  ${d.code}: ${d.message}`).join('\n')}`, 1);
    writeFileSync(out, serializeDocument(loaded.doc));
    let weightsNote = 'no weights in the file';
    if (loaded.weights) {
      // Rebuilt and saved by tfjs, so the folder is a loadable TF.js model whose weight names are the graph's.
      await initTfNode('wasm');
      let model;
      try {
        model = modelWithWeights(r.ir, loaded.weights);
      } catch (e) {
        throw new CliError((e as Error).message, 1);
      }
      const { modelJson, weights } = await modelFiles(model);
      model.dispose();
      const dir = weightsDirFor(out);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'model.json'), modelJson);
      writeFileSync(join(dir, 'weights.bin'), weights);
      weightsNote = `weights in ${dir}/`;
    }
    print(`wrote ${out}: ${countOf(loaded.doc.nodes.length, 'layer')}, ${r.ir.totalParams.toLocaleString('en-US')} params (${weightsNote})`);
    return 0;
  },
};
