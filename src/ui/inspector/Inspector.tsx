/**
 * The inspector: a form generated from the selected layer's param specs (irrelevant params hidden by `when`),
 * its name, its connections (with "Connect to…", the no-drag way to connect), and its actions.
 */
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { GraphNode } from '../../graph/index.ts';
import { isRecurrentKind, LAYERS, withDefaults } from '../../layers/index.ts';
import {
  connect, duplicateSelection, fixReturnSequences, removeElements, renameNode, selectCompiled, selectNodes, setParam, unwrap, useStore, wrapInBidirectional,
  type StoreState,
} from '../../store/index.ts';
import { layerNames } from '../../compiler/index.ts';
import { ParamField } from './ParamField.tsx';

const selectInspector = (s: StoreState) => ({ doc: s.doc, selection: s.selection });

export function Inspector() {
  const { doc, selection } = useStore(useShallow(selectInspector));
  const node = selection.length === 1 ? doc.nodes.find((n) => n.id === selection[0]) : undefined;
  return (
    <aside className="inspector" aria-label="Inspector">
      {node ? (
        <NodeInspector key={node.id} node={node} />
      ) : selection.length > 1 ? (
        <div className="inspector-empty">
          <h2>{selection.length} layers selected</h2>
          <div className="actions">
            <button type="button" className="btn" onClick={duplicateSelection}>Duplicate</button>
            <button type="button" className="btn danger" onClick={() => removeElements(selection)}>Delete</button>
          </div>
        </div>
      ) : (
        <GraphInfo />
      )}
    </aside>
  );
}

function GraphInfo() {
  const meta = useStore((s) => s.doc.meta);
  return (
    <div className="inspector-empty">
      <h2>{meta?.name ?? 'Untitled graph'}</h2>
      {meta?.description && <p>{meta.description}</p>}
      <p className="muted">Select a layer to edit it. Add layers from the palette; connect them by dragging from a layer's bottom port to another's top port, or with “Connect to…”.</p>
      <dl className="shortcuts">
        <dt>Undo / redo</dt><dd>Ctrl+Z / Ctrl+Shift+Z</dd>
        <dt>Copy / paste / duplicate</dt><dd>Ctrl+C / Ctrl+V / Ctrl+D</dd>
        <dt>Delete</dt><dd>Delete or Backspace</dd>
        <dt>Box select</dt><dd>Shift + drag</dd>
        <dt>Fit view</dt><dd>.</dd>
      </dl>
    </div>
  );
}

function NodeInspector({ node }: { node: GraphNode }) {
  const doc = useStore((s) => s.doc);
  const { diagnostics } = useStore(selectCompiled);
  const spec = LAYERS[node.data.kind];
  const params = withDefaults(spec.params, node.data.params);
  const names = layerNames(doc.nodes);
  const label = (id: string) => {
    const n = doc.nodes.find((x) => x.id === id);
    return n ? `${n.data.kind} · ${names.get(id)}` : id;
  };
  const problems = diagnostics.filter((d) => d.nodeId === node.id);
  const incoming = doc.edges.filter((e) => e.target === node.id);
  const outgoing = doc.edges.filter((e) => e.source === node.id);
  const candidates = doc.nodes.filter((n) => n.id !== node.id && !n.parentId && !outgoing.some((e) => e.target === n.id));
  const wrapper = node.parentId ? doc.nodes.find((n) => n.id === node.parentId) : undefined;
  return (
    <div className="node-inspector" data-testid="inspector">
      <header className={`inspector-head cat-${spec.category}`}>
        <h2>{node.data.kind}</h2>
        <p>{spec.description}</p>
      </header>
      {problems.map((d, i) => (
        <div key={i} className={`inspector-problem ${d.severity}`} role="note">
          <strong>{d.message}</strong> {d.fix}
          {d.code === 'E_NEEDS_RETURN_SEQUENCES' && (
            <button type="button" className="btn small" onClick={() => fixReturnSequences(node.id)}>
              Fix it
            </button>
          )}
        </div>
      ))}
      <NameField key={node.data.name ?? ''} node={node} placeholder={names.get(node.id) ?? ''} />
      {Object.entries(spec.params)
        .filter(([, s]) => (!s.when || s.when(params)) && !(s.outputOnly && outgoing.length > 0))
        .map(([key, s]) => (
          <ParamField key={key} name={key} spec={s} value={params[key]} onCommit={(v) => setParam(node.id, key, v)} />
        ))}
      {wrapper ? (
        <section className="inspector-section">
          <h3>Wrapped</h3>
          <p className="muted">Inside {label(wrapper.id)}: connect the wrapper, not this layer.</p>
          <div className="actions">
            <button type="button" className="btn" onClick={() => selectNodes([wrapper.id])}>Select wrapper</button>
            <button type="button" className="btn" onClick={() => unwrap(node.id)}>Take out of {wrapper.data.kind}</button>
          </div>
        </section>
      ) : (
        <section className="inspector-section">
          <h3>Connections</h3>
          <ul className="connections">
            {incoming.map((e) => (
              <li key={e.id}>
                <span>from {label(e.source)}</span>
                <button type="button" className="btn small" onClick={() => removeElements([], [e.id])} aria-label={`Disconnect from ${label(e.source)}`}>✕</button>
              </li>
            ))}
            {outgoing.map((e) => (
              <li key={e.id}>
                <span>to {label(e.target)}</span>
                <button type="button" className="btn small" onClick={() => removeElements([], [e.id])} aria-label={`Disconnect to ${label(e.target)}`}>✕</button>
              </li>
            ))}
          </ul>
          <ConnectTo nodeId={node.id} options={candidates.map((n) => ({ id: n.id, label: label(n.id) }))} />
        </section>
      )}
      <section className="inspector-section actions">
        {!node.parentId && isRecurrentKind(node.data.kind) && (
          <button type="button" className="btn" onClick={() => wrapInBidirectional(node.id)}>Wrap in Bidirectional</button>
        )}
        <button type="button" className="btn" onClick={duplicateSelection}>Duplicate</button>
        <button type="button" className="btn danger" onClick={() => removeElements([node.id])}>Delete layer</button>
      </section>
    </div>
  );
}

function NameField({ node, placeholder }: { node: GraphNode; placeholder: string }) {
  const [draft, setDraft] = useState(node.data.name ?? '');
  const commit = () => {
    if (draft !== (node.data.name ?? '')) renameNode(node.id, draft);
  };
  return (
    <div className="field">
      <label htmlFor={`name-${node.id}`} className="field-label">Name</label>
      <input
        id={`name-${node.id}`}
        className="nodrag nokey nowheel"
        type="text"
        maxLength={100}
        value={draft}
        placeholder={placeholder}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
      />
      <p className="field-help">The layer name in the summary and in exported code (made identifier-safe).</p>
    </div>
  );
}

function ConnectTo({ nodeId, options }: { nodeId: string; options: { id: string; label: string }[] }) {
  return (
    <div className="field">
      <label htmlFor={`connect-${nodeId}`} className="field-label">Connect to…</label>
      <select
        id={`connect-${nodeId}`}
        className="nodrag nokey"
        value=""
        onChange={(e) => e.target.value && connect(nodeId, e.target.value)}
      >
        <option value="">Choose a layer to feed…</option>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}
