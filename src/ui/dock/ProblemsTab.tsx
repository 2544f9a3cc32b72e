/** Every diagnostic of the current graph; clicking one selects the layer it is about. */
import { DIAGNOSTICS } from '../../layers/index.ts';
import { fixReturnSequences, selectCompiled, selectNodes, useStore } from '../../store/index.ts';
import { focusNode } from '../canvas/focus.ts';

export function ProblemsTab() {
  const { diagnostics } = useStore(selectCompiled);
  if (diagnostics.length === 0) return <div className="dock-empty" data-testid="problems">No problems: the model compiles.</div>;
  return (
    <ul className="problems" data-testid="problems" aria-label="Problems">
      {diagnostics.map((d, i) => (
        <li key={`${d.code}-${d.nodeId ?? d.edgeId ?? ''}-${i}`} className={`problem ${d.severity}`}>
          <button
            type="button"
            className="problem-main"
            onClick={() => {
              if (d.nodeId) {
                selectNodes([d.nodeId]);
                focusNode(d.nodeId);
              }
            }}
          >
            <span className="problem-code">{d.code}</span>
            <span className="problem-title">{DIAGNOSTICS[d.code]}</span>
            <span className="problem-message">{d.message}</span>
            <span className="problem-fix">Fix: {d.fix}</span>
          </button>
          {d.code === 'E_NEEDS_RETURN_SEQUENCES' && d.nodeId && (
            <button type="button" className="btn small" onClick={() => fixReturnSequences(d.nodeId!)}>
              Set returnSequences
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}
