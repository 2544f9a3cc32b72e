/** The saved-weights key changes with what gives words their ids (seed, CSV text) and with the model, not with the canvas. */
import { expect, it } from 'vitest';
import { compile } from '../../src/compiler/index.ts';
import { graphKey, legacyWeightsKey, weightsKey } from '../../src/runtime/weights-key.ts';
import { chain } from '../fixtures/graphs.ts';

it('weightsKey: another seed or another CSV text is another key; positions and names are not', () => {
  const doc = chain(['Input', { inputType: 'tokens', vocabSize: 50, length: 0 }], ['Embedding', { inputDim: 50, outputDim: 4 }], ['LSTM', { units: 3 }], ['Dense', { units: 2, activation: 'softmax' }]);
  const ir = compile(doc).ir!;
  const key = weightsKey(ir, { task: 'csv', seed: 42, csv: 'text,label\na b,x\n' });
  expect(weightsKey(ir, { task: 'csv', seed: 42, csv: 'text,label\na b,x\n' })).toBe(key);
  expect(weightsKey(ir, { task: 'csv', seed: 43, csv: 'text,label\na b,x\n' })).not.toBe(key);
  expect(weightsKey(ir, { task: 'csv', seed: 42, csv: 'text,label\nb a,x\n' })).not.toBe(key);
  expect(weightsKey(ir, { task: 'negation', seed: 42 })).not.toBe(weightsKey(ir, { task: 'negation', seed: 7 }));
  const moved = { ...doc, nodes: doc.nodes.map((n, i) => ({ ...n, position: { x: 100 * i, y: 5 }, data: { ...n.data, name: `layer ${i}` } })) };
  expect(weightsKey(compile(moved).ir!, { task: 'csv', seed: 42, csv: 'text,label\na b,x\n' })).toBe(key);
});

it('a param at its default does not enter the key, so adding one later keeps every earlier graph\'s weights and runs', () => {
  const doc = chain(['Input', { inputType: 'tokens', vocabSize: 50, length: 0 }], ['Embedding', { inputDim: 50, outputDim: 4 }], ['LSTM', { units: 3 }], ['Dense', { units: 2 }]);
  const ir = compile(doc).ir!;
  const lstm = ir.layers.find((l) => l.kind === 'LSTM')!;
  expect(lstm.params.twoBiases).toBe(false);
  // The same IR as a version without the twoBiases param would have compiled it.
  const older = { ...ir, layers: ir.layers.map((l) => (l === lstm ? { ...l, params: Object.fromEntries(Object.entries(l.params).filter(([k]) => k !== 'twoBiases')) } : l)) };
  const data = { task: 'negation', seed: 1 };
  expect(weightsKey(older, data)).toBe(weightsKey(ir, data));
  expect(graphKey(older)).toBe(graphKey(ir));
  // A param changed from its default is another model, another key.
  const changed = { ...ir, layers: ir.layers.map((l) => (l === lstm ? { ...l, params: { ...l.params, twoBiases: true } } : l)) };
  expect(weightsKey(changed, data)).not.toBe(weightsKey(ir, data));
  // The legacy key hashed every param of that time (all but twoBiases): recomputed here with FNV-1a as it was written.
  const fnv = (text: string) => {
    let a = 0x811c9dc5, b = 0x01000193 ^ 0x5bd1e995;
    for (let i = 0; i < text.length; i++) { a = Math.imul(a ^ text.charCodeAt(i), 0x01000193); b = Math.imul(b ^ text.charCodeAt(i), 0x5bd1e995); }
    return `${(a >>> 0).toString(16).padStart(8, '0')}${(b >>> 0).toString(16).padStart(8, '0')}`;
  };
  const oldLayers = older.layers.map((l) => [l.kind, l.params, l.inputs, l.inner?.kind, l.inner?.params]);
  expect(legacyWeightsKey(ir, data)).toBe(`rnn-studio-weights-${fnv(JSON.stringify([data.task, data.seed, null, oldLayers]))}`);
});
