import { compile, formatSummary, summarize } from '../compiler/index.ts';
import { CliError, print, printJson, readGraphOrModel, MODEL_FILE_OPTIONS, modelFileFlags } from './io.ts';
import type { Command } from './command.ts';

/** `rnn-studio summary <graph.json|model.json> [--json]`: the Keras-style summary. */
export const summary: Command = {
  usage: 'summary <graph.json|model.json|model.keras|model.h5> [--json]    Keras-style layer table with parameter counts',
  options: { json: { type: 'boolean' }, ...MODEL_FILE_OPTIONS },
  run: async ({ positionals, values }) => {
    const doc = (await readGraphOrModel(positionals[0], { weights: false, ...modelFileFlags(values) })).doc;
    const r = compile(doc);
    if (!r.ir) throw new CliError(`The graph has problems; run "rnn-studio check ${positionals[0]}" to see them.\n${r.diagnostics.map((d) => `  ${d.code}: ${d.message}`).join('\n')}`, 1);
    const s = summarize(r.ir);
    if (values.json) printJson(s);
    else print(formatSummary(s, doc.meta?.name ?? 'rnn_studio'));
    return 0;
  },
};
