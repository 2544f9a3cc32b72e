/**
 * An error boundary around one panel or tab: when its render throws, the rest of the page stays, and the place of
 * the panel says what failed, with a report to copy (the error, its stack, the app version and the graph's layers;
 * nothing else of the user's) and a button to try again.
 */
import { Component, useState, type ErrorInfo, type ReactNode } from 'react';
import pkg from '../../package.json' with { type: 'json' };
import type { GraphDoc } from '../graph/index.ts';
import { selectDoc, useStore } from '../store/index.ts';

/** The graph in a few lines: each layer's kind and parameters, the connections and the training settings. */
export function graphSummary(doc: GraphDoc): string {
  return [
    `${doc.nodes.length} layers, ${doc.edges.length} connections; training ${JSON.stringify(doc.training ?? {})}`,
    ...doc.nodes.map((n) => `  ${n.id}: ${n.data.kind} ${JSON.stringify(n.data.params)}${n.parentId ? ` in ${n.parentId}` : ''}`),
    ...doc.edges.map((e) => `  ${e.source} → ${e.target}`),
  ].join('\n');
}

/** The text a user copies into a bug report. */
export function crashReport(area: string, error: Error, componentStack: string, doc: GraphDoc): string {
  return [
    `RNN Studio ${pkg.version}: ${area} failed.`,
    `${error.name}: ${error.message}`,
    '', 'Stack:', error.stack ?? '(none)',
    '', 'Components:', componentStack.trim() || '(none)',
    '', 'Graph:', graphSummary(doc),
  ].join('\n');
}

function Failed({ area, error, componentStack, onRetry }: { area: string; error: Error; componentStack: string; onRetry(): void }) {
  const doc = useStore(selectDoc);
  const [copied, setCopied] = useState<string | null>(null);
  const report = crashReport(area, error, componentStack, doc);
  const copy = () => navigator.clipboard.writeText(report).then(() => setCopied('Copied.'), () => setCopied('Select the report and copy it.'));
  return (
    <section className="crash" role="alert" aria-label={`${area} failed`} data-testid="crash">
      <p><strong>{area[0].toUpperCase() + area.slice(1)} failed</strong> ({error.message}). The rest of the app still works.</p>
      <div className="crash-tools">
        <button type="button" className="btn small" onClick={onRetry}>Try again</button>
        <button type="button" className="btn small" onClick={() => void copy()}>Copy report</button>
        {copied && <span className="muted" role="status">{copied}</span>}
      </div>
      <details>
        <summary>Report</summary>
        <textarea readOnly aria-label="Error report" data-testid="crash-report" value={report} rows={8} />
      </details>
    </section>
  );
}

interface Props {
  /** What fails, in words ("the Training tab", "the connectivity panel"). */
  area: string;
  children: ReactNode;
}

interface State {
  error: Error | null;
  componentStack: string;
}

export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null, componentStack: '' };

  static getDerivedStateFromError(error: unknown): Partial<State> {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(_error: unknown, info: ErrorInfo) {
    this.setState({ componentStack: info.componentStack ?? '' });
  }

  override render() {
    const { error, componentStack } = this.state;
    if (!error) return this.props.children;
    return <Failed area={this.props.area} error={error} componentStack={componentStack} onRetry={() => this.setState({ error: null, componentStack: '' })} />;
  }
}
