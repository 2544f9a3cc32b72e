/** The layer registry: one entry per kind, the single source of truth about that kind. */
import type { LayerKind } from '../graph/types.ts';
import { activation } from './activation.ts';
import { additiveAttention, attention } from './attention.ts';
import { bidirectional } from './bidirectional.ts';
import { conv1D } from './conv1d.ts';
import { dense } from './dense.ts';
import { dropout } from './dropout.ts';
import { embedding } from './embedding.ts';
import { flatten } from './flatten.ts';
import { gru } from './gru.ts';
import { input } from './input.ts';
import { lstm } from './lstm.ts';
import { batchNormalization, layerNormalization } from './normalization.ts';
import { add, average, concatenate, maximum, multiply, subtract } from './merge.ts';
import { dot } from './dot.ts';
import { averagePooling1D } from './average-pooling.ts';
import { masking } from './masking.ts';
import { permute, repeatVector, reshape } from './reshaping.ts';
import { softmax } from './softmax.ts';
import { spatialDropout1D } from './spatial-dropout.ts';
import { maxPooling1D } from './max-pooling1d.ts';
import { globalAveragePooling1D, globalMaxPooling1D } from './pooling.ts';
import { simpleRNN } from './simple-rnn.ts';
import { timeDistributed } from './time-distributed.ts';
import type { Category, LayerSpec } from './spec.ts';

export const LAYERS = {
  Input: input,
  Embedding: embedding,
  SimpleRNN: simpleRNN,
  LSTM: lstm,
  GRU: gru,
  Bidirectional: bidirectional,
  Dense: dense,
  Dropout: dropout,
  Concatenate: concatenate,
  Add: add,
  Subtract: subtract,
  GlobalAveragePooling1D: globalAveragePooling1D,
  GlobalMaxPooling1D: globalMaxPooling1D,
  BatchNormalization: batchNormalization,
  LayerNormalization: layerNormalization,
  Multiply: multiply,
  Average: average,
  Maximum: maximum,
  Dot: dot,
  SpatialDropout1D: spatialDropout1D,
  Masking: masking,
  RepeatVector: repeatVector,
  Permute: permute,
  Reshape: reshape,
  Softmax: softmax,
  AveragePooling1D: averagePooling1D,
  Conv1D: conv1D,
  MaxPooling1D: maxPooling1D,
  Flatten: flatten,
  Activation: activation,
  Attention: attention,
  AdditiveAttention: additiveAttention,
  TimeDistributed: timeDistributed,
} satisfies Record<LayerKind, LayerSpec>;

export const CATEGORIES: { id: Category; label: string }[] = [
  { id: 'inputs', label: 'Inputs' },
  { id: 'embedding', label: 'Embedding' },
  { id: 'recurrent', label: 'Recurrent' },
  { id: 'wrappers', label: 'Wrappers' },
  { id: 'dense', label: 'Dense' },
  { id: 'merge', label: 'Merge' },
  { id: 'convolution', label: 'Convolution' },
  { id: 'pooling', label: 'Pooling' },
  { id: 'normalization', label: 'Normalization' },
  { id: 'reshaping', label: 'Reshaping' },
];

export const specOf = (kind: LayerKind): LayerSpec => LAYERS[kind];

export * from './diagnostics.ts';
export * from './params.ts';
export * from './spec.ts';
export * from './tensor-type.ts';
export { isRecurrentKind, RECURRENT_KINDS, stateNames, type RecurrentKind } from './recurrent.ts';
