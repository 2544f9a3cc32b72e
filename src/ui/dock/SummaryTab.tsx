/**
 * The live model summary in Keras's layout, with the total parameter count. While the graph has problems it
 * shows what is known: every layer whose shape could be inferred, marked as partial.
 */
import { formatSummary, layerNames, summarize, type Summary } from '../../compiler/index.ts';
import { kerasShape } from '../../layers/index.ts';
import { countOf } from '../../graph/index.ts';
import { selectCompiled, useStore } from '../../store/index.ts';

export function SummaryTab() {
  const compiled = useStore(selectCompiled);
  const doc = useStore((s) => s.doc);
  const title = doc.meta?.name ?? 'rnn_studio';
  let summary: Summary;
  if (compiled.ir) summary = summarize(compiled.ir);
  else {
    const names = layerNames(doc.nodes);
    const layers = doc.nodes
      .filter((n) => compiled.shapes[n.id])
      .map((n) => ({ name: names.get(n.id)!, kind: n.data.kind, outputShape: kerasShape(compiled.shapes[n.id]), params: compiled.params[n.id] ?? 0 }));
    const total = layers.reduce((s, l) => s + l.params, 0);
    summary = { layers, totalParams: total, trainableParams: total };
  }
  const errors = compiled.diagnostics.filter((d) => d.severity === 'error').length;
  return (
    <div className="summary" data-testid="summary">
      <div className="summary-totals">
        <span>
          Total params: <strong data-testid="total-params">{summary.totalParams.toLocaleString('en-US')}</strong>
          {!compiled.ir && ' (so far)'}
        </span>
        <span>{countOf(summary.layers.length, 'layer')}</span>
        {!compiled.ir && (
          <span className="summary-partial" role="note">
            Partial: {errors} problem{errors === 1 ? '' : 's'} to fix (see Problems); unresolved layers are left out.
          </span>
        )}
      </div>
      <pre className="summary-table">{formatSummary(summary, title)}</pre>
    </div>
  );
}
