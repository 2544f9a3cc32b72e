import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from '../compiler/index.ts';
import { countOf, serializeDocument } from '../graph/index.ts';
import { modelWithWeights } from '../runtime/model-io.ts';
import { initTfNode } from '../runtime/setup-node.ts';
import { modelFiles } from '../runtime/save.ts';
import { writeOutputs } from './atomic.ts';
import { CliError, print, readGraphOrModel, weightsDirFor, MODEL_FILE_OPTIONS, modelFileFlags } from './io.ts';
import type { Command } from './command.ts';

/** `rnn-studio import <model.json> --out graph.json`: Keras / TF.js model JSON → graph (+ `graph.weights/` when the file has weights). */
export const importCmd: Command = {
  usage: 'import <model.keras|model.h5|model.json> --out graph.json   a Keras file, Keras to_json() or TF.js model.json → graph (weights to graph.weights/)',
  options: { out: { type: 'string' }, ...MODEL_FILE_OPTIONS },
  run: async ({ positionals, values }) => {
    const out = values.out as string | undefined;
    if (!out) throw new CliError('Missing --out graph.json.');
    const loaded = await readGraphOrModel(positionals[0], modelFileFlags(values));
    for (const w of loaded.warnings) process.stderr.write(`note: ${w}\n`);
    const r = compile(loaded.doc);
    if (!r.ir) throw new CliError(`The imported graph has problems:\n${r.diagnostics.map((d) => `  ${d.code}: ${d.message}`).join('\n')}`, 1);
    // Everything that can fail (tfjs checking the weights against the graph) runs before anything is written.
    let files: { modelJson: string; weights: Uint8Array } | null = null;
    if (loaded.weights) {
      // Rebuilt and saved by tfjs, so the folder is a loadable TF.js model whose weight names are the graph's.
      await initTfNode('wasm');
      let model;
      try {
        model = modelWithWeights(r.ir, loaded.weights);
      } catch (e) {
        throw new CliError((e as Error).message, 1);
      }
      files = await modelFiles(model);
      model.dispose();
    }
    const dir = weightsDirFor(out);
    // graph.json and graph.weights/ are replaced together or not at all; an import without weights removes the old
    // graph.weights/, which would not fit the new graph.
    await writeOutputs([out, dir], ([graph, weights]) => {
      writeFileSync(graph, serializeDocument(loaded.doc));
      if (!files) return;
      mkdirSync(weights);
      writeFileSync(join(weights, 'model.json'), files.modelJson);
      writeFileSync(join(weights, 'weights.bin'), files.weights);
    });
    const weightsNote = files ? `weights in ${dir}/` : 'no weights in the file';
    print(`wrote ${out}: ${countOf(loaded.doc.nodes.length, 'layer')}, ${r.ir.totalParams.toLocaleString('en-US')} params (${weightsNote})`);
    return 0;
  },
};
