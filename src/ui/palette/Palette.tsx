/**
 * Every layer kind, grouped by category. Drag a button onto the canvas, or click it / press Enter to add the
 * layer at the centre of the view (the no-drag path, WCAG 2.5.7) — or, for a recurrent layer while an empty
 * Bidirectional is selected, inside it. Ctrl/⌘+K focuses the filter; Enter in it adds the first layer it lists.
 */
import { useState, type DragEvent } from 'react';
import { boxOf, defaultSize, LAYER_KINDS, overlaps, type LayerKind } from '../../graph/index.ts';
import { CATEGORIES, LAYERS } from '../../layers/index.ts';
import { addFromPalette, useStore } from '../../store/index.ts';
import { PALETTE_MIME } from '../canvas/Canvas.tsx';
import { revealNode, viewportCentre } from '../canvas/focus.ts';

/**
 * Click-to-add position. While the layer the palette added last is the one selected, the new layer goes under it,
 * aligned with it, so clicking Input, Embedding, LSTM, Dense builds a column in reading order; otherwise the view
 * centre. Either way the nearest free spot (downwards under a layer, in rings around the centre), so a new layer
 * never lands on top of another one.
 */
function freeSpot(kind: LayerKind): { x: number; y: number; under?: boolean } {
  const { doc, measured, selection } = useStore.getState();
  const boxes = doc.nodes.filter((n) => !n.parentId).map((n) => ({ id: n.id, ...boxOf(n, measured) }));
  const me = defaultSize(kind);
  const GAP = 20;
  const free = (x: number, y: number) => boxes.every((b) => !overlaps({ ...me, x, y }, b, GAP));
  const above = selection.length === 1 && selection[0] === lastAdded ? boxes.find((b) => b.id === lastAdded) : undefined;
  if (above) {
    const x = Math.round(above.x + above.width / 2 - me.width / 2);
    for (let y = Math.round(above.y + above.height + 2 * GAP), i = 0; i < 60; y += 45, i++) if (free(x, y)) return { x, y, under: true };
  }
  const c = viewportCentre();
  const x0 = Math.round(c.x - me.width / 2);
  const y0 = Math.round(c.y - me.height / 2);
  for (let ring = 0; ring < 30; ring++)
    for (let dx = -ring; dx <= ring; dx++)
      for (let dy = -ring; dy <= ring; dy++) {
        if (Math.max(Math.abs(dx), Math.abs(dy)) !== ring) continue;
        const x = x0 + dx * 60;
        const y = y0 + dy * 45;
        if (free(x, y)) return { x, y };
      }
  return { x: x0, y: y0 };
}

/** The layer the palette added last: while it is the one selected, the next one goes under it. */
let lastAdded: string | undefined;

/** Adds a layer by click or Enter; one placed under the last brings itself into view if it landed outside it. */
function addByClick(kind: LayerKind) {
  const { under, ...at } = freeSpot(kind);
  const id = addFromPalette(kind, at);
  lastAdded = id;
  if (under) requestAnimationFrame(() => revealNode(id));
}

export function Palette() {
  const [filter, setFilter] = useState('');
  const q = filter.trim().toLowerCase();
  const match = (k: LayerKind) => !q || k.toLowerCase().includes(q) || LAYERS[k].description.toLowerCase().includes(q);
  const groups = CATEGORIES.map((cat) => ({ cat, kinds: LAYER_KINDS.filter((k) => LAYERS[k].category === cat.id && match(k)) }));
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
        onKeyDown={(e) => {
          if (e.key !== 'Enter') return;
          const first = groups.flatMap((g) => g.kinds)[0]; // the first layer listed
          if (!first) return;
          e.preventDefault();
          addByClick(first);
        }}
        data-testid="palette-filter"
      />
      {groups.map(({ cat, kinds }) => {
        if (kinds.length === 0) return null;
        return (
          <section key={cat.id} className="palette-group" aria-label={cat.label}>
            <h3>{cat.label}</h3>
            {kinds.map((k) => (
              <button
                key={k}
                type="button"
                className={`palette-item cat-${cat.id}`}
                title={`${k}: ${LAYERS[k].description}`}
                draggable
                onDragStart={(e) => onDragStart(e, k)}
                onClick={() => addByClick(k)}
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
