/**
 * Property tests: thousands of random graphs (random kinds incl. unknown ones, params incl. garbage, random edges
 * incl. cycles and dangling ends, random parentIds) never make `compile` or `canConnect` throw; the result is
 * either an IR or at least one diagnostic that names a real node or edge and says what to do. Every IR that does
 * come out of a mostly-valid random chain builds in tfjs with the shapes and counts tfjs itself reports.
 */
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import { canConnect, compile, type CompileResult } from '../../src/compiler/index.ts';
import { LAYER_KINDS, type GraphDoc, type GraphEdge, type GraphNode, type LayerKind, type ParamValue, type Params } from '../../src/graph/index.ts';
import { DIAGNOSTICS, LAYERS, type ParamSpec } from '../../src/layers/index.ts';
import { initCpu, ourView, tfView, withoutOrthogonal } from '../fixtures/tf-check.ts';

beforeAll(async () => {
  await initCpu();
});

const IDS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];

/** A valid value, kept small so that any model built from it is cheap. */
const validValue = (s: ParamSpec): fc.Arbitrary<ParamValue> => {
  switch (s.type) {
    case 'int':
      return fc.integer({ min: s.min, max: Math.min(s.max, s.min + 5) });
    case 'float':
      return fc.double({ min: s.min, max: Math.min(s.max, 0.9), noNaN: true });
    case 'bool':
      return fc.boolean();
    case 'enum':
      return fc.constantFrom(...s.options);
  }
};
const garbage: fc.Arbitrary<ParamValue> = fc.oneof(
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1, 0, 1.5, 1e12, -0.5, '', 'tanh', 'true'),
  fc.string({ maxLength: 6 }),
  fc.boolean(),
  fc.double(),
);
const paramsFor = (kind: string, garbageRate: number): fc.Arbitrary<Params> => {
  const specs = kind in LAYERS ? LAYERS[kind as LayerKind].params : {};
  const entries = Object.entries(specs).map(([k, s]) =>
    fc.option(fc.oneof({ arbitrary: validValue(s), weight: 100 - garbageRate }, { arbitrary: garbage, weight: garbageRate }), { nil: undefined }).map((v) => [k, v] as const),
  );
  const unknown = fc.dictionary(fc.constantFrom('units2', 'bogus', 'constructor', 'toString'), garbage, { maxKeys: 2 });
  return fc.tuple(fc.tuple(...entries), garbageRate > 0 ? unknown : fc.constant({})).map(([kv, extra]) => {
    const p: Params = { ...extra };
    for (const [k, v] of kv) if (v !== undefined) p[k] = v;
    return p;
  });
};
const kindArb = fc.oneof({ arbitrary: fc.constantFrom(...LAYER_KINDS), weight: 20 }, { arbitrary: fc.constant('Bogus'), weight: 1 });

/** Anything goes: duplicate ids, unknown kinds, garbage params, edges to nowhere, cycles, parents that are not wrappers. */
const wildGraph: fc.Arbitrary<GraphDoc> = fc
  .record({
    nodes: fc.array(
      fc.record({
        id: fc.constantFrom(...IDS),
        kind: kindArb,
        parent: fc.option(fc.constantFrom(...IDS, 'zz'), { nil: undefined, freq: 4 }),
        name: fc.option(fc.string({ maxLength: 8 }), { nil: undefined }),
      }).chain((n) => paramsFor(n.kind, 40).map((params) => ({ ...n, params }))),
      { maxLength: 8 },
    ),
    edges: fc.array(fc.tuple(fc.constantFrom(...IDS, 'zz'), fc.constantFrom(...IDS)), { maxLength: 12 }),
    seed: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: undefined }),
  })
  .map(({ nodes, edges, seed }) => ({
    nodes: nodes.map((n): GraphNode => ({
      id: n.id,
      position: { x: 0, y: 0 },
      ...(n.parent ? { parentId: n.parent } : {}),
      data: { kind: n.kind as LayerKind, params: n.params, ...(n.name !== undefined ? { name: n.name } : {}) },
    })),
    edges: edges.map(([s, t], i): GraphEdge => ({ id: `e${i}`, source: s, target: t })),
    ...(seed !== undefined ? { training: { seed } } : {}),
  }));

/** Input → 1–5 random layers (Bidirectional with a random recurrent child), mostly valid params: many compile. */
const chainGraph: fc.Arbitrary<GraphDoc> = fc
  .tuple(
    fc.constantFrom('tokens', 'features').chain((t) => paramsFor('Input', 0).map((p) => ({ ...p, inputType: t }))),
    fc.array(
      fc.constantFrom<LayerKind>('Embedding', 'SimpleRNN', 'LSTM', 'GRU', 'Bidirectional', 'Dense', 'Dropout', 'GlobalAveragePooling1D', 'GlobalMaxPooling1D')
        .chain((kind) => fc.tuple(fc.constant(kind), paramsFor(kind, 3), fc.constantFrom<LayerKind>('SimpleRNN', 'LSTM', 'GRU').chain((k) => fc.tuple(fc.constant(k), paramsFor(k, 3))))),
      { minLength: 1, maxLength: 5 },
    ),
  )
  .map(([inputParams, layers]) => {
    const nodes: GraphNode[] = [{ id: 'in', position: { x: 0, y: 0 }, data: { kind: 'Input', params: inputParams } }];
    const edges: GraphEdge[] = [];
    layers.forEach(([kind, params, [innerKind, innerParams]], i) => {
      nodes.push({ id: `l${i}`, position: { x: 0, y: 0 }, data: { kind, params } });
      if (kind === 'Bidirectional') nodes.push({ id: `l${i}_in`, parentId: `l${i}`, position: { x: 0, y: 0 }, data: { kind: innerKind, params: innerParams } });
      edges.push({ id: `e${i}`, source: i === 0 ? 'in' : `l${i - 1}`, target: `l${i}` });
    });
    return { nodes, edges };
  });

/** The contract of `compile` on any input. */
function checkContract(doc: GraphDoc, r: CompileResult) {
  const nodeIds = new Set(doc.nodes.map((n) => n.id));
  const edgeIds = new Set(doc.edges.map((e) => e.id));
  expect(r.ok).toBe(!r.diagnostics.some((d) => d.severity === 'error'));
  if (r.ok) {
    const ir = r.ir!;
    expect(ir.layers.length).toBeGreaterThan(0);
    const seen = new Set<string>();
    for (const l of ir.layers) {
      for (const i of l.inputs) expect(seen.has(i)).toBe(true); // topological order
      seen.add(l.id);
      expect(l.name).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
      expect(Number.isInteger(l.paramCount) && l.paramCount >= 0).toBe(true);
    }
    expect(new Set(ir.layers.map((l) => l.name.toLowerCase())).size).toBe(ir.layers.length);
    expect(ir.totalParams).toBe(ir.layers.reduce((s, l) => s + l.paramCount, 0));
    expect(ir.outputs).toHaveLength(1);
  } else {
    expect(r.ir).toBeUndefined();
    expect(r.diagnostics.length).toBeGreaterThan(0);
  }
  for (const d of r.diagnostics) {
    expect(DIAGNOSTICS[d.code]).toBeTruthy();
    expect(d.fix.length).toBeGreaterThan(5);
    // Only an empty canvas has nothing to point at.
    const named = (d.nodeId !== undefined && nodeIds.has(d.nodeId)) || (d.edgeId !== undefined && edgeIds.has(d.edgeId));
    expect(named || doc.nodes.length === 0).toBe(true);
  }
}

it('compile never throws on wild graphs and returns an IR or diagnostics that name real nodes', () => {
  fc.assert(
    fc.property(wildGraph, (doc) => {
      const frozen = structuredClone(doc);
      checkContract(doc, compile(doc));
      expect(doc).toEqual(frozen); // never writes to its input
    }),
    { numRuns: 3000 },
  );
});

it('canConnect never throws and always answers with a reason', () => {
  fc.assert(
    fc.property(wildGraph, fc.constantFrom(...IDS, 'zz'), fc.constantFrom(...IDS, 'zz'), (doc, source, target) => {
      const r = canConnect(doc, { source, target });
      if (!r.ok) expect(r.reason.length).toBeGreaterThan(5);
    }),
    { numRuns: 1000 },
  );
});

it('random chains compile or explain, and every IR builds in tfjs with the counts and shapes tfjs reports', () => {
  let built = 0;
  fc.assert(
    fc.property(chainGraph, (doc) => {
      const r = compile(doc);
      checkContract(doc, r);
      if (!r.ok) return;
      expect(tfView(withoutOrthogonal(r.ir!))).toEqual(ourView(r.ir!));
      built++;
    }),
    { numRuns: 400 },
  );
  // The property is not vacuous: a good share of the chains were valid models.
  expect(built).toBeGreaterThan(30);
});
