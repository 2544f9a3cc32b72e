/**
 * Registry-wide table tests: every kind, with its default params and a suitable upstream, infers a shape, builds
 * in tfjs with the parameter count and output shape tfjs itself reports, validates its param specs, and
 * survives a save/load round trip.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/index.ts';
import { parseDocument, serializeDocument, LAYER_KINDS, type ParamValue } from '../../src/graph/index.ts';
import { checkParam, formatShape, LAYERS, withDefaults, type ParamSpec } from '../../src/layers/index.ts';
import { HARNESS } from '../fixtures/graphs.ts';
import { initCpu, ourView, tfView, withoutOrthogonal } from '../fixtures/tf-check.ts';

beforeAll(async () => {
  await initCpu();
});

/** What each kind outputs with default params in its harness (features input [T, 3]; tokens vocab 50). */
const DEFAULT_SHAPE: Record<string, string> = {
  Input: '[batch, T] int32',
  Embedding: '[batch, T, 64] float32',
  SimpleRNN: '[batch, 32] float32',
  LSTM: '[batch, 32] float32',
  GRU: '[batch, 32] float32',
  Bidirectional: '[batch, 64] float32',
  Dense: '[batch, T, 4] float32',
  Dropout: '[batch, T, 3] float32',
  Concatenate: '[batch, T, 9] float32',
  Add: '[batch, T, 4] float32',
  GlobalAveragePooling1D: '[batch, 3] float32',
  GlobalMaxPooling1D: '[batch, 3] float32',
  BatchNormalization: '[batch, T, 3] float32',
  LayerNormalization: '[batch, T, 3] float32',
  Multiply: '[batch, T, 4] float32',
  Average: '[batch, T, 4] float32',
  Maximum: '[batch, T, 4] float32',
  Subtract: '[batch, T, 4] float32',
  Dot: '[batch, 1] float32',
  SpatialDropout1D: '[batch, T, 3] float32',
  Masking: '[batch, T, 3] float32',
  RepeatVector: '[batch, 4, 3] float32',
  Permute: '[batch, 3, 5] float32',
  Reshape: '[batch, 6, 2] float32',
  Softmax: '[batch, T, 3] float32',
  AveragePooling1D: '[batch, T, 3] float32',
  Conv1D: '[batch, T, 32] float32',
  MaxPooling1D: '[batch, T, 3] float32',
  Flatten: '[batch, 15] float32',
  Activation: '[batch, T, 3] float32',
  Attention: '[batch, T, 4] float32',
  AdditiveAttention: '[batch, T, 4] float32',
  TimeDistributed: '[batch, T, 4] float32',
};

/** Values each param type must refuse. */
function badValues(s: ParamSpec): ParamValue[] {
  switch (s.type) {
    case 'int':
      return [s.min + 0.5, s.min - 1, s.max + 1, 'twelve', true, Number.NaN];
    case 'float':
      return [s.min - 0.1, s.max + 0.1, ...(s.maxExclusive ? [s.max] : []), Number.NaN, Number.POSITIVE_INFINITY, '0.5', false];
    case 'bool':
      return ['true', 1, 0];
    case 'enum':
      return ['no-such-option', s.options[0].toUpperCase(), 3, true];
  }
}

it('the registry has exactly one entry per layer kind, under its own name', () => {
  expect(Object.keys(LAYERS).sort()).toEqual([...LAYER_KINDS].sort());
  for (const [k, spec] of Object.entries(LAYERS)) expect(spec.kind).toBe(k);
});

describe.each(Object.values(LAYERS))('$kind', (spec) => {
  const doc = HARNESS[spec.kind]();

  it('defaults infer the expected shape, with no diagnostics', () => {
    const r = compile(doc);
    expect(r.diagnostics).toEqual([]);
    const t = r.shapes.x;
    expect(`${formatShape(t)} ${t.dtype}`).toBe(DEFAULT_SHAPE[spec.kind]);
  });

  it('builds in tfjs: every layer has the parameter count and output shape tfjs reports', () => {
    const { ir } = compile(doc);
    expect(tfView(ir!)).toEqual(ourView(ir!));
  });

  it('has documented params whose defaults are valid', () => {
    expect(spec.description.length).toBeGreaterThan(20);
    for (const [key, s] of Object.entries(spec.params)) {
      expect(s.label, key).not.toBe('');
      expect(s.help.length, key).toBeGreaterThan(10);
      expect(checkParam(s, s.default), key).toBeNull();
      if (s.type === 'enum') expect(s.options).toContain(s.default);
    }
    expect(typeof spec.brief(withDefaults(spec.params, {}))).toBe('string');
  });

  const paramCases = Object.entries(spec.params).flatMap(([key, s]) => badValues(s).map((v) => ({ key, s, v })));
  it.skipIf(paramCases.length === 0).each(paramCases)('refuses $key = $v', ({ key, s, v }) => {
    expect(checkParam(s, v)).toMatch(s.label);
    // Through the compiler too, when the param applies to the harness's settings.
    const p = withDefaults(spec.params, { [key]: v });
    if (s.when && !s.when(p)) return;
    const r = compile(HARNESS[spec.kind]({ [key]: v }));
    expect(r.ok).toBe(false);
    expect(r.diagnostics).toContainEqual(expect.objectContaining({ code: 'E_PARAM', nodeId: 'x', param: key }));
    for (const d of r.diagnostics) expect(d.fix).not.toBe('');
  });

  it('round-trips through serialise and parse unchanged', () => {
    const named = { ...doc, nodes: doc.nodes.map((n) => ({ ...n, data: { ...n.data, name: `my ${n.id}`, params: withDefaults(LAYERS[n.data.kind].params, n.data.params) } })) };
    const r = parseDocument(serializeDocument(named));
    expect(r).toEqual({ ok: true, doc: named });
  });
});


describe('Bidirectional: every merge mode around every recurrent kind, with and without returnSequences', () => {
  const cases = ['concat', 'sum', 'mul', 'ave'].flatMap((mergeMode) =>
    (['SimpleRNN', 'LSTM', 'GRU'] as const).flatMap((inner) => [false, true].map((returnSequences) => ({ mergeMode, inner, returnSequences }))),
  );
  it.each(cases)('$mergeMode around $inner, returnSequences $returnSequences', ({ mergeMode, inner, returnSequences }) => {
    const doc = HARNESS.Bidirectional({ mergeMode });
    doc.nodes = doc.nodes.map((n) => (n.id === 'x_inner' ? { ...n, data: { kind: inner, params: { units: 5, returnSequences } } } : n));
    const r = compile(doc);
    expect(r.diagnostics).toEqual([]);
    const width = mergeMode === 'concat' ? 10 : 5;
    expect(r.shapes.x.dims).toEqual(returnSequences ? [null, width] : [width]);
    expect(tfView(withoutOrthogonal(r.ir!))).toEqual(ourView(r.ir!));
  });
});
