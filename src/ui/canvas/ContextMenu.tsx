/**
 * Right-click menus: on a layer (duplicate, wrap/unwrap, delete), on a connection (delete) and on the empty
 * canvas (add any layer there). Escape or a click elsewhere closes the menu.
 */
import { useEffect, useRef } from 'react';
import { LAYER_KINDS, type LayerKind } from '../../graph/index.ts';
import { isRecurrentKind } from '../../layers/index.ts';
import { useDismiss } from '../useDismiss.ts';
import { addLayer, duplicateSelection, insertOnEdge, removeElements, selectNodes, unwrap, useStore, wrapInBidirectional } from '../../store/index.ts';

/** Layers that take one input and can sit inside a connection. */
const INSERTABLE: LayerKind[] = ['Dropout', 'Dense', 'SimpleRNN', 'LSTM', 'GRU', 'GlobalAveragePooling1D'];

export type MenuTarget =
  | { type: 'node'; id: string; x: number; y: number }
  | { type: 'edge'; id: string; x: number; y: number }
  | { type: 'pane'; x: number; y: number; flow: { x: number; y: number } };

export function ContextMenu({ target, onClose }: { target: MenuTarget; onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useDismiss(ref, onClose);
  useEffect(() => {
    ref.current?.querySelector<HTMLButtonElement>('[role="menuitem"]')?.focus();
  }, []);
  const doc = useStore((s) => s.doc);
  const item = (label: string, run: () => void, danger = false) => (
    <button
      key={label}
      type="button"
      role="menuitem"
      className={`menu-item compact${danger ? ' danger' : ''}`}
      onClick={() => {
        run();
        onClose();
      }}
    >
      {label}
    </button>
  );
  let items: React.ReactNode[] = [];
  if (target.type === 'node') {
    const n = doc.nodes.find((x) => x.id === target.id);
    if (n) {
      items = [
        item('Duplicate', () => {
          selectNodes([n.id]);
          duplicateSelection();
        }),
        !n.parentId && isRecurrentKind(n.data.kind) && item('Wrap in Bidirectional', () => wrapInBidirectional(n.id)),
        n.parentId && item(`Take out of ${doc.nodes.find((w) => w.id === n.parentId)?.data.kind ?? 'its wrapper'}`, () => unwrap(n.id)),
        item('Delete', () => removeElements([n.id]), true),
      ];
    }
  } else if (target.type === 'edge')
    items = [
      ...INSERTABLE.map((k) => item(`Insert ${k}`, () => insertOnEdge(target.id, k))),
      item('Delete connection', () => removeElements([], [target.id]), true),
    ];
  else {
    const at = { x: Math.round(target.flow.x), y: Math.round(target.flow.y) };
    items = LAYER_KINDS.map((k) => item(`Add ${k}`, () => addLayer(k, at)));
  }
  return (
    <div ref={ref} className="context-menu" role="menu" aria-label="Context menu" style={{ left: target.x, top: target.y }}>
      {items}
    </div>
  );
}
