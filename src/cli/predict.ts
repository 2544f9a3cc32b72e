import { readFileSync } from 'node:fs';
import { loadTask, type PairDataset } from '../datasets/index.ts';
import { planRun } from '../datasets/plan.ts';
import { checkInputsJson, predict } from '../runtime/predict.ts';
import { buildInference, decodeOne } from '../runtime/seq2seq.ts';
import { CliError, num, print, printJson, readText, MODEL_FILE_OPTIONS, modelFileFlags } from './io.ts';
import type { Command } from './command.ts';
import { loadTfModel } from './model-load.ts';

/**
 * `rnn-studio predict <graph.json|model.json> [--weights DIR] --input x.json [--json]`. x.json is one tensor
 * {"dtype","shape","data"}, or a list of them, one per Input in the model's order (an encoder–decoder's two).
 */
export const predictCmd: Command = {
  usage: 'predict <graph.json|model.json|model.keras|model.h5> [--weights DIR] --input x.json [--json] [--backend wasm|cpu]   run the model on one input tensor (a JSON list of tensors for a model with several Inputs)\n' +
    '        predict <graph.json> [--weights DIR] --decode TEXT [--beam K] [--seq-len N] [--json]   an encoder–decoder: decode TEXT step by step (greedy, or beam search of width K);\n' +
    '                                   --decode - decodes each line of stdin',
  options: { weights: { type: 'string' }, input: { type: 'string' }, json: { type: 'boolean' }, backend: { type: 'string' }, decode: { type: 'string' }, beam: { type: 'string' }, 'seq-len': { type: 'string' }, ...MODEL_FILE_OPTIONS },
  run: async ({ positionals, values }) => {
    if (values.decode !== undefined) return decodeText(positionals[0], values);
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
    const { model, weightsFrom } = await loadTfModel(positionals[0], values.weights as string | undefined, values.backend as string | undefined, modelFileFlags(values));
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
      const ys = [y].flat();
      print(ys.map((t, k) => {
        const width = t.shape[t.shape.length - 1];
        const rows = [];
        for (let i = 0; i < t.data.length; i += width) rows.push(t.data.slice(i, i + width).map((v) => v.toFixed(6)).join('  '));
        return `${ys.length > 1 ? `output ${k + 1} of ${ys.length}, ` : 'output '}shape [${t.shape.join(', ')}] (weights: ${weightsFrom})\n${rows.join('\n')}`;
      }).join('\n'));
    }
    return 0;
  },
};

/** `predict --decode`: the graph's pair task gives the vocabularies; the decoder runs from START as in the app's "try it". */
async function decodeText(path: string | undefined, values: Record<string, string | boolean | undefined>): Promise<number> {
  const texts = values.decode === '-' ? readFileSync(0, 'utf8').split('\n').filter((l) => l.trim()) : [values.decode as string];
  const beam = num(values.beam, 'beam', { int: true, min: 1 }) ?? 1;
  const { doc, ir, model, weightsFrom } = await loadTfModel(path, values.weights as string | undefined, values.backend as string | undefined);
  try {
    await loadTask(doc.training?.task);
    const plan = planRun(doc, { seqLen: num(values['seq-len'], 'seq-len', { int: true, min: 1 }) });
    if (!plan.ok) throw new CliError(plan.error, 1);
    if (!plan.fit.feeds) throw new CliError(`--decode needs an encoder–decoder trained on a sequence-to-sequence task; this graph's task is "${plan.taskId}".`, 1);
    const ds = plan.ds as PairDataset;
    const inf = buildInference(model, ir);
    for (const text of texts) {
      const source = ds.encode!(text);
      if (source.length === 0) throw new CliError('--decode needs a non-empty source text.');
      const tokens = decodeOne(inf, source, ds.maxTargetLen, { beam });
      const output = ds.showTarget(tokens);
      if (values.json) printJson({ source: text, output, tokens, beam, weights: weightsFrom });
      else print(`${text} → ${output} (${beam > 1 ? `beam ${beam}` : 'greedy'}; weights: ${weightsFrom})`);
    }
    return 0;
  } finally {
    model.dispose();
  }
}
