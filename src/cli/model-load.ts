/** Shared by export and predict: graph or model file → compiled IR → tfjs model with the right weights. */
import type * as tf from '@tensorflow/tfjs';
import { compile, type ModelIR } from '../compiler/index.ts';
import type { GraphDoc } from '../graph/index.ts';
import { modelWithWeights } from '../runtime/model-io.ts';
import { initTfNode } from '../runtime/setup-node.ts';
import { CliError, readGraphOrModel, readWeightsDir, type ReadModelOptions } from './io.ts';

export interface LoadedTfModel {
  doc: GraphDoc;
  ir: ModelIR;
  model: tf.LayersModel;
  /** Where the weights came from: a folder, the model file, or the seeded initial weights. */
  weightsFrom: string;
}

export async function loadTfModel(path: string | undefined, weightsDir: string | undefined, backend: string | undefined, flags: ReadModelOptions = {}): Promise<LoadedTfModel> {
  const loaded = await readGraphOrModel(path, flags);
  for (const w of loaded.warnings) process.stderr.write(`note: ${w}\n`);
  const r = compile(loaded.doc);
  if (!r.ir) throw new CliError(`The graph has problems; run "rnn-studio check ${path}" to see them.\n${r.diagnostics.map((d) => `  ${d.code}: ${d.message}`).join('\n')}`, 1);
  const weights = weightsDir ? readWeightsDir(weightsDir) : loaded.weights;
  if (backend !== undefined && backend !== 'cpu' && backend !== 'wasm') throw new CliError(`--backend must be cpu or wasm (got ${backend}).`);
  // wasm by default, as everywhere: on cpu tfjs's orthogonal initializer alone takes ~45 s for a 64-unit Bi-LSTM.
  await initTfNode((backend ?? 'wasm') as 'cpu' | 'wasm');
  try {
    const model = modelWithWeights(r.ir, weights);
    return { doc: loaded.doc, ir: r.ir, model, weightsFrom: weightsDir ?? (weights ? `${path}` : 'seeded initial weights') };
  } catch (e) {
    throw new CliError((e as Error).message, 1);
  }
}
