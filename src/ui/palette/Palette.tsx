/**
 * Every layer kind, grouped by category. Drag a button onto the canvas, or click it / press Enter to add the
 * layer at the centre of the view (the no-drag path, WCAG 2.5.7). Ctrl/⌘+K focuses the filter.
 */
import { useState, type DragEvent } from 'react';
import { LAYER_KINDS, type LayerKind } from '../../graph/index.ts';
import { CATEGORIES, LAYERS } from '../../layers/index.ts';
import { addLayer, useStore } from '../../store/index.ts';
import { PALETTE_MIME } from '../canvas/Canvas.tsx';
import { viewportCentre } from '../canvas/focus.ts';
import { NODE_WIDTH } from '../canvas/flow.ts';

/** Click-to-add position: the view centre, stepped aside while another layer already sits there. */
function freeSpotNearCentre() {
  const c = viewportCentre();
  const taken = useStore.getState().doc.nodes.filter((n) => !n.parentId).map((n) => n.position);
  let p = { x: Math.round(c.x - NODE_WIDTH / 2), y: Math.round(c.y - 40) };
  while (taken.some((t) => Math.abs(t.x - p.x) < 20 && Math.abs(t.y - p.y) < 20)) p = { x: p.x + 30, y: p.y + 30 };
  return p;
}

export function Palette() {
  const [filter, setFilter] = useState('');
  const q = filter.trim().toLowerCase();
  const match = (k: LayerKind) => !q || k.toLowerCase().includes(q) || LAYERS[k].description.toLowerCase().includes(q);
  const onDragStart = (e: DragEvent, kind: LayerKind) => {
    e.dataTransfer.setData(PALETTE_MIME, kind);
    e.dataTransfer.effectAllowed = 'move';
  };
  return (
    <nav className="palette" aria-label="Layer palette">
      <input
        className="palette-filter"
        type="search"
        placeholder="Find a layer (Ctrl+K)"
        aria-label="Find a layer"
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
        data-testid="palette-filter"
      />
      {CATEGORIES.map((cat) => {
        const kinds = LAYER_KINDS.filter((k) => LAYERS[k].category === cat.id && match(k));
        if (kinds.length === 0) return null;
        return (
          <section key={cat.id} className="palette-group" aria-label={cat.label}>
            <h3>{cat.label}</h3>
            {kinds.map((k) => (
              <button
                key={k}
                type="button"
                className={`palette-item cat-${cat.id}`}
                title={LAYERS[k].description}
                draggable
                onDragStart={(e) => onDragStart(e, k)}
                onClick={() => addLayer(k, freeSpotNearCentre())}
              >
                {k}
              </button>
            ))}
          </section>
        );
      })}
      <p className="palette-hint">Drag onto the canvas, or click / press Enter to add at the centre.</p>
    </nav>
  );
}
