/**
 * Ports: an encoder LSTM's final states h and c (Return state) start a decoder LSTM (Initial state inputs). Edges name
 * their ports in React Flow's sourceHandle / targetHandle; the compiler infers a shape per port, puts the state inputs
 * into the IR, and refuses connections that cannot work with one line each. Counts and shapes are worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import { canConnect, compile } from '../../src/compiler/index.ts';
import type { GraphDoc, GraphEdge, Params } from '../../src/graph/index.ts';
import { formatShape } from '../../src/layers/index.ts';
import { edge, node } from '../fixtures/graphs.ts';

const port = (source: string, sourceHandle: string | null, target: string, targetHandle: string | null): GraphEdge => ({
  id: `${source}.${sourceHandle}-${target}.${targetHandle}`, source, target, sourceHandle, targetHandle,
});

/** enc reads `a` [T, 3], dec reads `b` [T, 2] and starts from enc's states; Dense(2) on every decoder step. */
function seq2seq(o: { enc?: Params; dec?: Params; decKind?: 'LSTM' | 'GRU'; edges?: GraphEdge[] } = {}): GraphDoc {
  return {
    nodes: [
      node('a', 'Input', { inputType: 'features', features: 3, length: 0 }),
      node('b', 'Input', { inputType: 'features', features: 2, length: 0 }),
      node('enc', 'LSTM', { units: 8, returnState: true, ...o.enc }),
      node('dec', o.decKind ?? 'LSTM', { units: 8, stateInputs: true, returnSequences: true, ...o.dec }),
      node('out', 'Dense', { units: 2, activation: 'softmax' }),
    ],
    edges: o.edges ?? [edge('a', 'enc'), edge('b', 'dec'), port('enc', 'h', 'dec', 'initial_h'), port('enc', 'c', 'dec', 'initial_c'), edge('dec', 'out')],
  };
}

const lstmCount = (D: number, H: number) => 4 * (H * (D + H) + H);

describe('an LSTM encoder whose states start an LSTM decoder', () => {
  const r = compile(seq2seq());

  it('compiles: two inputs, one output, the states in the IR in port order', () => {
    expect(r.diagnostics).toEqual([]);
    const ir = r.ir!;
    expect(ir.inputs).toEqual(['a', 'b']);
    expect(ir.outputs).toEqual(['out']);
    expect(ir.layers.map((l) => l.id)).toEqual(['a', 'b', 'enc', 'dec', 'out']);
    const dec = ir.layers.find((l) => l.id === 'dec')!;
    expect(dec.inputs).toEqual(['b']);
    expect(dec.states).toEqual([{ port: 'initial_h', from: 'enc', fromPort: 'h' }, { port: 'initial_c', from: 'enc', fromPort: 'c' }]);
    expect(ir.totalParams).toBe(lstmCount(3, 8) + lstmCount(2, 8) + 8 * 2 + 2);
  });

  it('infers a shape per output port: output, h and c', () => {
    expect(formatShape(r.shapes.enc)).toBe('[batch, 8]');
    expect(Object.fromEntries(Object.entries(r.portShapes.enc).map(([k, s]) => [k, formatShape(s)]))).toEqual({ h: '[batch, 8]', c: '[batch, 8]' });
    expect(formatShape(r.shapes.out)).toBe('[batch, T, 2]');
  });

  it('the edges may come in either order; the states still reach the IR as [h, c]', () => {
    const doc = seq2seq();
    const back = compile({ ...doc, edges: [...doc.edges].reverse() });
    expect(back.ir!.layers.find((l) => l.id === 'dec')!.states!.map((s) => s.port)).toEqual(['initial_h', 'initial_c']);
  });

  it("an encoder's h can feed a Dense as data", () => {
    const doc: GraphDoc = {
      nodes: [node('a', 'Input', { inputType: 'features', features: 3 }), node('enc', 'LSTM', { units: 8, returnState: true }), node('d', 'Dense', { units: 1, activation: 'linear' })],
      edges: [edge('a', 'enc'), port('enc', 'h', 'd', null)],
    };
    const c = compile(doc);
    expect(c.diagnostics).toEqual([]);
    expect(c.ir!.layers.find((l) => l.id === 'd')).toMatchObject({ inputs: ['enc'], inputPorts: ['h'], paramCount: 9 });
  });
});

describe('connections that cannot work, one diagnostic each', () => {
  const only = (doc: GraphDoc) => {
    const r = compile(doc);
    expect(r.ok).toBe(false);
    return r.diagnostics.map(({ code, message, fix, nodeId }) => ({ code, message, fix, nodeId }));
  };

  it("an LSTM's two states into a GRU's one", () => {
    expect(only(seq2seq({ decKind: 'GRU' }))).toEqual([{
      code: 'E_BAD_PORT', nodeId: 'dec',
      message: 'GRU has no input "initial_c" (its inputs: x, initial_h). A GRU carries h.',
      fix: 'Connect to one of its inputs: x, initial_h.',
    }]);
  });

  it('states whose units differ', () => {
    expect(only(seq2seq({ dec: { units: 16 } }))).toEqual([{
      code: 'E_STATE_MISMATCH', nodeId: 'dec',
      message: "LSTM's initial_h needs its state shape [batch, 16] (its units); it was given [batch, 8].",
      fix: 'Give both layers the same units (16 here, 8 there).',
    }]);
  });

  it('a state the encoder does not output (Return state off)', () => {
    expect(only(seq2seq({ enc: { returnState: false } }))).toEqual([
      { code: 'E_BAD_PORT', nodeId: 'enc', message: 'LSTM outputs its final h only with Return state on.', fix: 'Turn on Return state on the LSTM.' },
      { code: 'E_BAD_PORT', nodeId: 'enc', message: 'LSTM outputs its final c only with Return state on.', fix: 'Turn on Return state on the LSTM.' },
    ]);
  });

  it('a decoder without Initial state inputs', () => {
    expect(only(seq2seq({ dec: { stateInputs: false } }))[0]).toEqual({
      code: 'E_BAD_PORT', nodeId: 'dec', message: 'LSTM takes initial_h only with Initial state inputs on.', fix: 'Turn on Initial state inputs on the LSTM.',
    });
  });

  it('an LSTM given h but not c', () => {
    const doc = seq2seq();
    expect(only({ ...doc, edges: doc.edges.filter((e) => e.targetHandle !== 'initial_c') })).toEqual([{
      code: 'E_STATE_INCOMPLETE', nodeId: 'dec',
      message: 'LSTM has initial_h connected but not initial_c; it starts from all its states or from none.',
      fix: "Connect initial_c too (an LSTM encoder's c), or disconnect initial_h.",
    }]);
  });

  it('two connections into one state port', () => {
    const doc = seq2seq();
    expect(only({ ...doc, edges: [...doc.edges, port('a', null, 'dec', 'initial_h')] }).map((d) => d.code)).toEqual(['E_TOO_MANY_INPUTS']);
  });

  it('a sequence into a state port', () => {
    const doc = seq2seq();
    const edges = doc.edges.map((e) => (e.targetHandle === 'initial_h' ? port('a', null, 'dec', 'initial_h') : e));
    expect(only({ ...doc, edges })[0]).toMatchObject({ code: 'E_STATE_MISMATCH', message: "LSTM's initial_h needs its state shape [batch, 8] (its units); it was given [batch, T, 3]." });
  });

  it('a wrapped layer with Return state', () => {
    const doc: GraphDoc = {
      nodes: [node('a', 'Input', { inputType: 'features', features: 3 }), node('bi', 'Bidirectional'), node('in', 'LSTM', { returnState: true }, 'bi'), node('d', 'Dense')],
      edges: [edge('a', 'bi'), edge('bi', 'd')],
    };
    expect(only(doc).map((d) => d.code)).toEqual(['E_STATE_IN_WRAPPER']);
  });
});

describe('canConnect with ports', () => {
  const doc = seq2seq();
  const without = { ...doc, edges: doc.edges.filter((e) => e.source !== 'enc') };

  it('a second connection between the same two layers, on other ports, is allowed', () => {
    const withH = { ...without, edges: [...without.edges, port('enc', 'h', 'dec', 'initial_h')] };
    expect(canConnect(withH, { source: 'enc', target: 'dec', sourceHandle: 'c', targetHandle: 'initial_c' })).toEqual({ ok: true });
    expect(canConnect(withH, { source: 'enc', target: 'dec', sourceHandle: 'h', targetHandle: 'initial_h' })).toMatchObject({ ok: false, code: 'E_DUPLICATE' });
  });

  it('the first of two states may be connected alone; a wrong port is refused with its reason', () => {
    expect(canConnect(without, { source: 'enc', target: 'dec', sourceHandle: 'h', targetHandle: 'initial_h' })).toEqual({ ok: true });
    const gru = seq2seq({ decKind: 'GRU' });
    expect(canConnect({ ...gru, edges: gru.edges.filter((e) => e.source !== 'enc') }, { source: 'enc', target: 'dec', sourceHandle: 'c', targetHandle: 'initial_c' }))
      .toEqual({ ok: false, code: 'E_BAD_PORT', reason: 'GRU has no input "initial_c" (its inputs: x, initial_h). A GRU carries h.' });
  });

  it("a data connection into a layer whose x is taken is refused, but its state ports are free", () => {
    expect(canConnect(without, { source: 'a', target: 'dec' })).toMatchObject({ ok: false, code: 'E_TOO_MANY_INPUTS' });
  });
});
