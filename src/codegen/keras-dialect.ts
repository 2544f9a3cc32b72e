/**
 * Older Keras dialects rewritten into the Keras 2 config each registry entry reads: Keras 1 argument names, Keras 1's
 * `Merge` layer and the CuDNN recurrent layers of Keras 2 / tf.keras 1. Pure data in, data out; the kinds' own
 * `keras.read` then see one dialect. Sources: Keras 2.2.4 `keras/legacy/interfaces.py` (the renames Keras 2 itself
 * applies to Keras 1 configs), Keras 1.2.2 `engine/topology.py` (`Merge`), Keras 2.2.4 `layers/cudnn_recurrent.py`;
 * summarised in reference/keras-vocabulary.md §1.4, §2.17, §2.20.
 */
import { isObj, refuse, type Json } from '../layers/keras-config.ts';

/** Keras 1 → Keras 2 argument names, per class (legacy/interfaces.py `conversions`). */
const RECURRENT: Record<string, string> = {
  output_dim: 'units', init: 'kernel_initializer', inner_init: 'recurrent_initializer', inner_activation: 'recurrent_activation',
  W_regularizer: 'kernel_regularizer', U_regularizer: 'recurrent_regularizer', b_regularizer: 'bias_regularizer',
  dropout_W: 'dropout', dropout_U: 'recurrent_dropout', consume_less: 'implementation',
};
const CONV1D = {
  nb_filter: 'filters', filter_length: 'kernel_size', subsample_length: 'strides', border_mode: 'padding', atrous_rate: 'dilation_rate',
  init: 'kernel_initializer', W_regularizer: 'kernel_regularizer', b_regularizer: 'bias_regularizer', W_constraint: 'kernel_constraint',
  b_constraint: 'bias_constraint', bias: 'use_bias',
};
const POOLING = { pool_length: 'pool_size', stride: 'strides', border_mode: 'padding' };
const RENAMES = new Map<string, Record<string, string>>(Object.entries<Record<string, string>>({
  SimpleRNN: RECURRENT, LSTM: RECURRENT, GRU: RECURRENT,
  Dense: { output_dim: 'units', init: 'kernel_initializer', W_regularizer: 'kernel_regularizer', b_regularizer: 'bias_regularizer', W_constraint: 'kernel_constraint', b_constraint: 'bias_constraint', bias: 'use_bias' },
  Embedding: { init: 'embeddings_initializer', W_regularizer: 'embeddings_regularizer', W_constraint: 'embeddings_constraint' },
  Conv1D: CONV1D,
  MaxPooling1D: POOLING, AveragePooling1D: POOLING,
  Dropout: { p: 'rate' }, SpatialDropout1D: { p: 'rate' },
  BatchNormalization: { beta_init: 'beta_initializer', gamma_init: 'gamma_initializer' },
}));

/** How a Keras 1 layer gets its input shape from `input_dim`/`input_length` (the `*_args_preprocessor`s). */
const INPUT_DIM = new Map<string, (c: Json) => unknown[]>([
  ...['SimpleRNN', 'LSTM', 'GRU', 'Conv1D'].map((k) => [k, (c: Json) => [null, c.input_length ?? null, c.input_dim]] as const),
  ['Dense', (c: Json) => [null, c.input_dim]],
]);

/**
 * Classes that are another class with fixed settings. The CuDNN layers compute LSTM/GRU with tanh and sigmoid gates and
 * two biases each: CuDNNGRU is the reset-after GRU, CuDNNLSTM the two-bias LSTM (cudnn_recurrent.py; keras-vocabulary.md §2.17).
 */
const ALIASES = new Map<string, { className: string; fixed: Json }>([
  ['Convolution1D', { className: 'Conv1D', fixed: {} }],
  ['AtrousConvolution1D', { className: 'Conv1D', fixed: {} }],
  // Its bias [8u] is an input and a recurrent bias added together: the LSTM's two_biases form (lstm.ts).
  ['CuDNNLSTM', { className: 'LSTM', fixed: { activation: 'tanh', recurrent_activation: 'sigmoid', two_biases: true } }],
  ['CuDNNGRU', { className: 'GRU', fixed: { activation: 'tanh', recurrent_activation: 'sigmoid', reset_after: true } }],
]);

/** Keras 1 `Merge` modes → the Keras 2 merge layer computing the same (topology.py Merge.call). */
const MERGE_MODES = new Map<string, (c: Json) => { className: string; config: Json }>([
  ['concat', (c) => ({ className: 'Concatenate', config: { axis: c.concat_axis ?? -1 } })],
  ['sum', () => ({ className: 'Add', config: {} })],
  ['mul', () => ({ className: 'Multiply', config: {} })],
  ['ave', () => ({ className: 'Average', config: {} })],
  ['max', () => ({ className: 'Maximum', config: {} })],
  ['dot', (c) => ({ className: 'Dot', config: { axes: c.dot_axes ?? -1, normalize: false } })],
]);

/**
 * One layer's (class, config) in the Keras 2 dialect. A Keras 2 config comes back as it was; a Keras 1 one gets the
 * names Keras 2 would give it on load. Refuses, with the layer's name, a `Merge` mode no Keras 2 layer computes.
 */
export function toKeras2(className: string, config: Json, layer: string): { className: string; config: Json; note?: string } {
  if (className === 'Merge') {
    const mode = config.mode ?? 'sum';
    const merge = typeof mode === 'string' && config.mode_type !== 'lambda' && config.mode_type !== 'function' ? MERGE_MODES.get(mode) : undefined;
    if (!merge)
      refuse(`Layer ${layer} is a Keras 1 Merge with mode ${JSON.stringify(mode)}${mode === 'cos' ? ' (cosine proximity, whose output shape Keras 1 gives as [batch, 1, 1])' : ''}; RNN Studio reads the modes concat, sum, mul, ave, max and dot.`);
    const out = merge!(config);
    return { className: out.className, config: { name: config.name, ...out.config } };
  }
  const alias = ALIASES.get(className);
  const cls = alias?.className ?? className;
  const renames = RENAMES.get(cls) ?? {};
  const c: Json = {};
  for (const [k, v] of Object.entries(config)) c[k in renames && !(renames[k] in config) ? renames[k] : k] = v;
  Object.assign(c, alias?.fixed);
  if ('input_dtype' in c && !('dtype' in c)) c.dtype = c.input_dtype;
  // Keras 1 kept Dropout's p as given: a file may hold it as a string of a number ("0.5"), which Keras 2 would refuse.
  let note: string | undefined;
  if (typeof config.p === 'string' && RENAMES.get(cls)?.p === 'rate' && c.rate === config.p && /^\s*\d*\.?\d+\s*$/.test(config.p)) {
    c.rate = Number(config.p);
    note = `Layer ${layer}: its rate is the string ${JSON.stringify(config.p)} in the file (Keras 1 stored it as given); read as ${c.rate}.`;
  }
  if (c.batch_input_shape == null && c.input_dim != null && INPUT_DIM.has(cls)) c.batch_input_shape = INPUT_DIM.get(cls)!(c);
  if (isKeras1Recurrent(cls, config)) {
    // consume_less: cpu → 0, mem → 1, gpu → 2; forget_bias_init "one" is unit_forget_bias (interfaces.py).
    if (typeof c.implementation === 'string') c.implementation = { cpu: 0, mem: 1, gpu: 2 }[c.implementation] ?? c.implementation;
    if ('forget_bias_init' in config) c.unit_forget_bias = config.forget_bias_init === 'one';
    // Keras 1's GRU resets before the recurrent product (recurrent.py GRU.step); Keras 2 calls that reset_after=False.
    if (cls === 'GRU') c.reset_after = false;
  }
  return { className: cls, config: c, ...(note ? { note } : {}) };
}

const isKeras1Recurrent = (cls: string, c: Json) => RENAMES.get(cls) === RECURRENT && ('output_dim' in c || 'inner_activation' in c || 'consume_less' in c);

/** The branches of a Keras 1 Sequential whose first layer is a `Merge` of several models (Merge's `layers`). */
export function mergeBranches(config: Json): Json[] | undefined {
  if (!Array.isArray(config.layers)) return undefined;
  return (config.layers as unknown[]).map((b, i) => (isObj(b) ? b : refuse(`Branch ${i + 1} of Merge ${String(config.name)} is malformed.`)));
}

