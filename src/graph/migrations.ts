/**
 * Schema versions of the graph file, oldest first, each with an `up` step to the next one.
 *
 * v1 — the first prototype's compact file: `{ schemaVersion: 1, nodes: [{ id, kind, params, x, y, parent? }],
 *      edges: [{ from, to }], seed? }`.
 * v2 — the envelope `{ type: "rnn-studio-graph", schemaVersion: 2, graph: { nodes, edges, viewport?, training?, meta? } }`
 *      with React Flow-shaped nodes (`{ id, position, parentId?, data: { kind, name?, params } }`).
 * v3 — GRU has `resetAfter` (default true for new nodes, as Keras and PyTorch). Every GRU of an older file was the
 *      reset-before GRU (TF.js's only form), so the step writes `resetAfter: false` where the param is missing.
 * v4 — edges may name the ports they join, in React Flow's own fields `sourceHandle` / `targetHandle` (a recurrent
 *      layer's `h` and `c` outputs, its `initial_h` / `initial_c` inputs). An edge without them joins the default
 *      ports (`output` → `x`), which is what every edge of an older file means, so the step changes only the version;
 *      a file that uses ports is refused by older versions as newer.
 *      A v4 graph may also carry `outputOrder` (the order of the model's outputs, from an imported Keras file). It came
 *      without a step: a file without it means the topological order, as before, so nothing older needs changing.
 */
export const CURRENT_VERSION = 4;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Each step takes a document of version k (already known to be an object) to version k + 1, or explains why not. */
const UP: Record<number, (d: Obj) => Obj | string> = {
  1: (d) => {
    if (!Array.isArray(d.nodes) || !Array.isArray(d.edges)) return 'a version-1 file needs "nodes" and "edges" lists';
    const nodes = d.nodes.map((n: unknown) => {
      const o = isObj(n) ? n : {};
      return {
        id: o.id,
        position: { x: o.x ?? 0, y: o.y ?? 0 },
        ...(o.parent !== undefined ? { parentId: o.parent } : {}),
        data: { kind: o.kind, params: o.params ?? {} },
      };
    });
    const edges = d.edges.map((e: unknown, i: number) => {
      const o = isObj(e) ? e : {};
      return { id: `e${i}`, source: o.from, target: o.to };
    });
    const graph: Obj = { nodes, edges };
    if (typeof d.seed === 'number') graph.training = { seed: d.seed };
    return { type: 'rnn-studio-graph', schemaVersion: 2, graph };
  },
  2: (d) => {
    if (!isObj(d.graph) || !Array.isArray(d.graph.nodes)) return { ...d, schemaVersion: 3 }; // the schema says what is wrong
    const nodes = d.graph.nodes.map((n: unknown) => {
      if (!isObj(n) || !isObj(n.data) || n.data.kind !== 'GRU') return n;
      const params = isObj(n.data.params) ? n.data.params : {};
      return Object.hasOwn(params, 'resetAfter') ? n : { ...n, data: { ...n.data, params: { ...params, resetAfter: false } } };
    });
    return { ...d, schemaVersion: 3, graph: { ...d.graph, nodes } };
  },
  3: (d) => ({ ...d, schemaVersion: 4 }),
};

export type MigrateResult = { ok: true; value: unknown; from: number } | { ok: false; error: string };

/** Brings any supported version up to `CURRENT_VERSION`; the result still has to pass the schema. */
export function migrate(raw: unknown): MigrateResult {
  if (!isObj(raw)) return { ok: false, error: 'This file does not hold an RNN Studio graph (expected a JSON object).' };
  const v = raw.schemaVersion;
  if (typeof v !== 'number' || !Number.isInteger(v))
    return { ok: false, error: 'This file has no schemaVersion, so it is not an RNN Studio graph; Keras/TF.js model files are opened with Import.' };
  if (v > CURRENT_VERSION)
    return { ok: false, error: `This file was saved by a newer RNN Studio (schema ${v}; this one reads up to ${CURRENT_VERSION}). Update RNN Studio to open it.` };
  if (v < 1) return { ok: false, error: `Unknown schema version ${v}.` };
  let doc: Obj = raw;
  for (let k = v; k < CURRENT_VERSION; k++) {
    const next = UP[k](doc);
    if (typeof next === 'string') return { ok: false, error: `Could not migrate this version-${v} file: ${next}.` };
    doc = next;
  }
  return { ok: true, value: doc, from: v };
}
