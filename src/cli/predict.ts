import { checkInputsJson, predict } from '../runtime/predict.ts';
import { CliError, print, printJson, readText, MAX_BYTES_OPTION } from './io.ts';
import type { Command } from './command.ts';
import { loadTfModel } from './model-load.ts';

/**
 * `rnn-studio predict <graph.json|model.json> [--weights DIR] --input x.json [--json]`. x.json is one tensor
 * {"dtype","shape","data"}, or a list of them, one per Input in the model's order (an encoder–decoder's two).
 */
export const predictCmd: Command = {
  usage: 'predict <graph.json|model.json|model.keras|model.h5> [--weights DIR] --input x.json [--json] [--backend wasm|cpu]   run the model on one input tensor (a JSON list of tensors for a model with several Inputs)',
  options: { weights: { type: 'string' }, input: { type: 'string' }, json: { type: 'boolean' }, backend: { type: 'string' }, ...MAX_BYTES_OPTION },
  run: async ({ positionals, values }) => {
    const inputPath = values.input as string | undefined;
    if (!inputPath) throw new CliError('Missing --input x.json ({"dtype","shape","data"}, or a list of them, one per Input).');
    let raw: unknown;
    try {
      raw = JSON.parse(readText(inputPath, 'input file'));
    } catch (e) {
      if (e instanceof CliError) throw e;
      throw new CliError(`${inputPath}: not JSON (${(e as Error).message}).`);
    }
    const x = checkInputsJson(raw);
    if (typeof x === 'string') throw new CliError(`${inputPath}: ${x}.`);
    const { model, weightsFrom } = await loadTfModel(positionals[0], values.weights as string | undefined, values.backend as string | undefined, values['max-bytes']);
    let y;
    try {
      y = await predict(model, x);
    } catch (e) {
      throw new CliError((e as Error).message, 1);
    } finally {
      model.dispose();
    }
    if (values.json) printJson(y);
    else {
      const width = y.shape[y.shape.length - 1];
      const rows = [];
      for (let i = 0; i < y.data.length; i += width) rows.push(y.data.slice(i, i + width).map((v) => v.toFixed(6)).join('  '));
      print(`output shape [${y.shape.join(', ')}] (weights: ${weightsFrom})\n${rows.join('\n')}`);
    }
    return 0;
  },
};
