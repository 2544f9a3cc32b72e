/** The saved-weights key changes with what gives words their ids (seed, CSV text) and with the model, not with the canvas. */
import { expect, it } from 'vitest';
import { compile } from '../../src/compiler/index.ts';
import { weightsKey } from '../../src/runtime/weights-key.ts';
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
