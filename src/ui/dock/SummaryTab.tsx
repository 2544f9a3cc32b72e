/** The live model summary in Keras's layout, with the total parameter count. */
import { summarize, formatSummary } from '../../compiler/index.ts';
import { selectCompiled, useStore } from '../../store/index.ts';

export function SummaryTab() {
  const compiled = useStore(selectCompiled);
  const name = useStore((s) => s.doc.meta?.name);
  if (!compiled.ir) {
    const n = compiled.diagnostics.filter((d) => d.severity === 'error').length;
    return (
      <div className="dock-empty" data-testid="summary">
        The summary appears when the model compiles. {n} problem{n === 1 ? '' : 's'} to fix — see Problems.
      </div>
    );
  }
  const summary = summarize(compiled.ir);
  return (
    <div className="summary" data-testid="summary">
      <div className="summary-totals">
        <span>
          Total params: <strong data-testid="total-params">{summary.totalParams.toLocaleString('en-US')}</strong>
        </span>
        <span>{summary.layers.length} layers</span>
      </div>
      <pre className="summary-table">{formatSummary(summary, name ?? 'rnn_studio')}</pre>
    </div>
  );
}
