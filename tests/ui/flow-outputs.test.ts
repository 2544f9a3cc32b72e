/**
 * The canvas labels the outputs of a model with several ("output 1", "output 2") in the order predict and the exports
 * use: node order by default, the graph's `outputOrder` (an imported Keras file's output_layers) when it has one; a
 * model with one output has no label.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/index.ts';
import { parseDocument, type GraphDoc } from '../../src/graph/index.ts';
import { toFlowNodes } from '../../src/ui/canvas/flow.ts';

const twoHeads = (): GraphDoc => {
  const r = parseDocument(readFileSync(new URL('../fixtures/two-heads.json', import.meta.url), 'utf8'));
  if (!r.ok) throw new Error(r.error);
  return r.doc;
};
const labels = (doc: GraphDoc) =>
  Object.fromEntries(toFlowNodes({ doc, compiled: compile(doc), selection: new Set(), measured: {} }).filter((n) => n.data.output).map((n) => [n.id, n.data.output]));

describe('output labels on the canvas', () => {
  it('two heads: node order, or the graph\'s output order; one head: none', () => {
    expect(labels(twoHeads())).toEqual({ head1: { index: 1, of: 2 }, head2: { index: 2, of: 2 } });
    expect(labels({ ...twoHeads(), outputOrder: ['head2', 'head1'] })).toEqual({ head1: { index: 2, of: 2 }, head2: { index: 1, of: 2 } });
    // An order naming a removed layer, or only some outputs: the named ones first, the rest after in node order.
    expect(labels({ ...twoHeads(), outputOrder: ['gone', 'head2'] })).toEqual({ head1: { index: 2, of: 2 }, head2: { index: 1, of: 2 } });
    const doc = twoHeads();
    const one = { ...doc, nodes: doc.nodes.filter((n) => n.id !== 'head2'), edges: doc.edges.filter((e) => e.target !== 'head2') };
    expect(labels(one)).toEqual({});
  });
});
