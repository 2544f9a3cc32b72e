import { compile } from '../compiler/index.ts';
import { countOf } from '../graph/index.ts';
import { DIAGNOSTICS } from '../layers/index.ts';
import { print, printJson, readGraphOrModel, MODEL_FILE_OPTIONS, modelFileFlags } from './io.ts';
import type { Command } from './command.ts';

/** `rnn-studio check <graph.json> [--json]`: 0 valid, 1 diagnostics, 2 unreadable. */
export const check: Command = {
  usage: 'check <graph.json|model.json|model.keras|model.h5> [--json]    list problems; exit 0 valid, 1 invalid, 2 unreadable',
  options: { json: { type: 'boolean' }, ...MODEL_FILE_OPTIONS },
  run: async ({ positionals, values }) => {
    const doc = (await readGraphOrModel(positionals[0], { weights: false, ...modelFileFlags(values) })).doc;
    const r = compile(doc);
    const names = new Map(doc.nodes.map((n) => [n.id, n.data.name || n.data.kind]));
    if (values.json) printJson({ ok: r.ok, diagnostics: r.diagnostics.map((d) => ({ ...d, title: DIAGNOSTICS[d.code] })) });
    else if (r.diagnostics.length === 0) print(`${positionals[0]}: OK (${countOf(doc.nodes.length, 'layer')})`);
    else
      for (const d of r.diagnostics)
        print(`${d.severity} ${d.code}${d.nodeId ? ` at node "${d.nodeId}" (${names.get(d.nodeId)})` : d.edgeId ? ` at connection "${d.edgeId}"` : ''}: ${d.message}\n  fix: ${d.fix}`);
    return r.ok ? 0 : 1;
  },
};
