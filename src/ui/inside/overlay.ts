/**
 * The gradient-flow overlay on the canvas: each probed recurrent node (and the connection leaving it) is outlined in a
 * colour for how much gradient reaches its first step, g₁/g_T = ‖∂L/∂h_1‖/‖∂L/∂h_T‖ (log scale: red = vanished,
 * green = kept), with the ratio as a badge. Drawn with one generated style sheet keyed on React Flow's
 * `data-id` attributes, so the canvas components stay untouched and no probe data enters node.data.
 */
import * as d3 from 'd3';
import { isRecurrentKind } from '../../layers/index.ts';
import { useStore } from '../../store/index.ts';
import { medianPerStep, selectActiveProbe, useInside, type ProbeView } from '../../store/inside.ts';

/** log₁₀ ratio −12 … 0 mapped onto red → yellow → green. */
const colour = (ratio: number) => d3.interpolateRdYlGn(Math.max(0, Math.min(1, 1 + Math.log10(Math.max(ratio, 1e-12)) / 12)));

const ratiosOf = new WeakMap<ProbeView, Map<string, number>>();

/** Per node id, the smallest ratio over its directions (the weakest path); computed once per probe. */
export function firstStepRatios(p: ProbeView): Map<string, number> {
  const known = ratiosOf.get(p);
  if (known) return known;
  const out = new Map<string, number>();
  ratiosOf.set(p, out);
  for (const d of p.directions) {
    const g = medianPerStep(d.dh, d.mask, p.seqLen, p.batch);
    const first = g.find((v) => v != null && v > 0);
    const last = [...g].reverse().find((v) => v != null && v > 0);
    if (first == null || last == null) continue;
    out.set(d.id, Math.min(out.get(d.id) ?? Infinity, first / last));
  }
  return out;
}

function css(p: ProbeView | null): string {
  if (!p) return '';
  const { edges, nodes } = useStore.getState().doc;
  const rules: string[] = [];
  for (const [id, r] of firstStepRatios(p)) {
    // Only on the layer that was probed: a node that has since become another kind (a new graph reusing the id) gets nothing.
    const kind = nodes.find((n) => n.id === id)?.data.kind;
    if (!kind || !(isRecurrentKind(kind) || kind === 'Bidirectional')) continue;
    const c = colour(r);
    const sel = `.react-flow__node[data-id="${CSS.escape(id)}"]`;
    rules.push(`${sel} { outline: 3px solid ${c}; outline-offset: 2px; border-radius: 8px; }`);
    rules.push(`${sel}::after { content: "g₁/g_T ${r.toExponential(0)}"; position: absolute; right: 4px; top: -18px; font: 10px sans-serif; background: ${c}; color: #111; padding: 0 4px; border-radius: 4px; }`);
    for (const e of edges.filter((e) => e.source === id))
      rules.push(`.react-flow__edge[data-id="${CSS.escape(e.id)}"] path.react-flow__edge-path { stroke: ${c}; stroke-width: 3px; }`);
  }
  return rules.join('\n');
}

let sheet: HTMLStyleElement | null = null;
function render() {
  if (typeof document === 'undefined') return;
  sheet ??= Object.assign(document.createElement('style'), { id: 'inside-gradient-overlay' });
  if (!sheet.isConnected) document.head.append(sheet);
  sheet.textContent = css(selectActiveProbe(useInside.getState()));
}

/** Keeps the overlay in step with the active probe and the graph's connections. */
export function startGradientOverlay() {
  render();
  useInside.subscribe((s, prev) => {
    if (selectActiveProbe(s) !== selectActiveProbe(prev)) render();
  });
  useStore.subscribe((s, prev) => {
    if (s.doc.edges !== prev.doc.edges || s.doc.nodes !== prev.doc.nodes) render();
  });
}
