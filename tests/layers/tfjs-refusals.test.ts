/**
 * Graphs the compiler refuses although stock tfjs 4.22 builds them, each with the tfjs behaviour that justifies it:
 * - a masked sequence into pooling (E_MASK_UNSUPPORTED, reference/rnn-math.md §7, which left this unverified):
 *   tfjs neither throws nor masks; it silently averages the padded steps, where Keras averages real tokens only;
 * - Dropout on token ids (E_NEEDS_EMBEDDING): the model builds and predicts, and training fails at its first step.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { compile } from '../../src/compiler/index.ts';
import { chain, type Step } from '../fixtures/graphs.ts';
import { initCpu } from '../fixtures/tf-check.ts';

beforeAll(async () => {
  await initCpu();
});

it('tfjs GlobalAveragePooling1D after Embedding(maskZero) averages padding too, without an error', async () => {
  const ids = tf.input({ shape: [null], dtype: 'int32' });
  const embedding = tf.layers.embedding({ inputDim: 5, outputDim: 1, maskZero: true });
  const pooled = tf.layers.globalAveragePooling1d({}).apply(embedding.apply(ids)) as tf.SymbolicTensor;
  const model = tf.model({ inputs: ids, outputs: pooled });
  embedding.setWeights([tf.tensor2d([[0], [1], [2], [3], [4]])]); // row i holds the value i
  const x = tf.tensor2d([[2, 4, 0, 0]], [1, 4], 'int32');
  const y = model.predict(x) as tf.Tensor;
  const [mean] = await y.data();
  // Keras (masked) mean over the two real tokens: (2 + 4) / 2 = 3. tfjs: (2 + 4 + 0 + 0) / 4 = 1.5.
  expect(mean).toBeCloseTo(1.5, 6);
  tf.dispose([x, y]);
  model.dispose();
});

it('so the compiler refuses the same graph, and accepts it without the mask', () => {
  const graph = (maskZero: boolean) =>
    chain(['Input', { inputType: 'tokens', vocabSize: 5 }], ['Embedding', { inputDim: 5, outputDim: 1, maskZero }], ['GlobalAveragePooling1D'], ['Dense', { units: 2 }]);
  expect(compile(graph(true)).diagnostics.map((d) => `${d.code}@${d.nodeId}`)).toEqual(['E_MASK_UNSUPPORTED@n3']);
  expect(compile(graph(false)).ok).toBe(true);
});

it('tfjs builds Dropout on token ids, then fails as soon as it trains', async () => {
  const ids = tf.input({ shape: [null], dtype: 'int32' });
  const dropped = tf.layers.dropout({ rate: 0.5 }).apply(ids) as tf.SymbolicTensor;
  const embedded = tf.layers.embedding({ inputDim: 10, outputDim: 2 }).apply(dropped) as tf.SymbolicTensor;
  const model = tf.model({ inputs: ids, outputs: tf.layers.globalAveragePooling1d({}).apply(embedded) as tf.SymbolicTensor });
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  const [x, y] = [tf.tensor2d([[1, 2, 3]], [1, 3], 'int32'), tf.zeros([1, 2])];
  await expect(model.trainOnBatch(x, y)).rejects.toThrow(/floating point tensor/);
  tf.dispose([x, y]);
  model.dispose();
});

it('so the compiler refuses Dropout before the Embedding, and accepts it after', () => {
  const graph = (dropoutFirst: boolean) =>
    chain(['Input', { inputType: 'tokens', vocabSize: 10 }], ...(dropoutFirst ? [['Dropout'], ['Embedding', { inputDim: 10 }]] : [['Embedding', { inputDim: 10 }], ['Dropout']]) as Step[], ['GlobalAveragePooling1D'], ['Dense']);
  expect(compile(graph(true)).diagnostics.map((d) => `${d.code}@${d.nodeId}`)).toEqual(['E_NEEDS_EMBEDDING@n2']);
  expect(compile(graph(false)).ok).toBe(true);
});
