/** Auto-layout with elkjs (layered, top to bottom), as one undo step, then fit the view. */
import { boxOf } from '../../graph/index.ts';
import { applyLive, moveNodes, useStore } from '../../store/index.ts';
import { fitAll } from './focus.ts';

/** elkjs is large (~1.5 MB): it loads on the first auto-layout, not with the app. */
async function layoutEngine() {
  const { default: ELK } = await import('elkjs/lib/elk.bundled.js');
  return new ELK();
}

/**
 * `record: true` (the toolbar button) makes the layout one undo step; `false` (tidying a freshly loaded preset)
 * folds it into the load, so undo never shows the untidy intermediate.
 */
export async function autoLayout({ record }: { record: boolean }): Promise<void> {
  const elk = await layoutEngine();
  const { doc, measured } = useStore.getState();
  const top = doc.nodes.filter((n) => !n.parentId);
  const ids = new Set(top.map((n) => n.id));
  const graph = await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.spacing.nodeNode': '50',
      'elk.layered.spacing.nodeNodeBetweenLayers': '46',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
    },
    children: top.map((n) => {
      const { width, height } = boxOf(n, measured);
      return { id: n.id, width, height };
    }),
    edges: doc.edges.filter((e) => ids.has(e.source) && ids.has(e.target)).map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  });
  // The document may have changed while elk worked; move only layers that still exist.
  const now = new Set(useStore.getState().doc.nodes.map((n) => n.id));
  const moves = (graph.children ?? []).filter((c) => now.has(c.id)).map((c) => ({ id: c.id, position: { x: Math.round(c.x ?? 0), y: Math.round(c.y ?? 0) } }));
  if (record) moveNodes(moves);
  else applyLive([{ type: 'moveNodes', moves }]);
  await fitAll();
}
