/**
 * The graph document: what the user draws. Nodes and edges have the same structure as React Flow's
 * (`{ id, position, parentId?, data }`), so a canvas node is valid compiler input without importing React Flow.
 */

export const LAYER_KINDS = [
  'Input',
  'Embedding',
  'SimpleRNN',
  'LSTM',
  'GRU',
  'Bidirectional',
  'Dense',
  'Dropout',
  'Concatenate',
  'Add',
  'GlobalAveragePooling1D',
  'GlobalMaxPooling1D',
  'BatchNormalization',
  'LayerNormalization',
  'Multiply',
  'Average',
  'Maximum',
  'Dot',
  'SpatialDropout1D',
  'Masking',
  'RepeatVector',
  'Permute',
  'Reshape',
  'Softmax',
  'AveragePooling1D',
  'Conv1D',
  'MaxPooling1D',
  'Flatten',
  'Activation',
  'Attention',
  'AdditiveAttention',
  'TimeDistributed',
  'Subtract',
] as const;

export type LayerKind = (typeof LAYER_KINDS)[number];

/** The kinds a Bidirectional can wrap. */
export const RECURRENT_KINDS = ['SimpleRNN', 'LSTM', 'GRU'] as const;
export type RecurrentKind = (typeof RECURRENT_KINDS)[number];
export const isRecurrentKind = (k: string): k is RecurrentKind => (RECURRENT_KINDS as readonly string[]).includes(k);
/** The attention kinds: query, value (and key) in; output and the attention weights (`scores`) out. */
export const ATTENTION_KINDS = ['Attention', 'AdditiveAttention'] as const;
export const isAttentionKind = (k: string): k is (typeof ATTENTION_KINDS)[number] => (ATTENTION_KINDS as readonly string[]).includes(k);
/**
 * The wrapper kinds and the kinds each one can hold: a wrapper holds exactly one such layer as a child node (the
 * registry's `wraps` is its entry here).
 */
export const WRAPPED_KINDS = {
  Bidirectional: RECURRENT_KINDS,
  // Per step a tensor here is a vector (no kind has two time axes), so what runs per step is a vector layer.
  TimeDistributed: ['Dense', 'Dropout', 'Activation'],
} as const satisfies Record<string, readonly string[]>;
export type WrapperKind = keyof typeof WRAPPED_KINDS;
export const isWrapperKind = (k: string): k is WrapperKind => Object.hasOwn(WRAPPED_KINDS, k);
/** Can `wrapper` hold a `kind`? */
export const wrapsKind = (wrapper: WrapperKind, kind: string): boolean => (WRAPPED_KINDS[wrapper] as readonly string[]).includes(kind);
/** "SimpleRNN, LSTM or GRU": what a wrapper holds, for messages. */
export const wrappedList = (wrapper: WrapperKind): string => {
  const k = WRAPPED_KINDS[wrapper];
  return `${k.slice(0, -1).join(', ')} or ${k[k.length - 1]}`;
};

export type ParamValue = number | boolean | string;
export type Params = Record<string, ParamValue>;

export interface NodeData {
  kind: LayerKind;
  /** User-chosen layer name; empty means "derive one from the kind" (e.g. `lstm_1`). */
  name?: string;
  params: Params;
}

export interface XY {
  x: number;
  y: number;
}

export interface GraphNode {
  id: string;
  position: XY;
  /** Set on a layer placed inside a wrapper (a recurrent layer in a Bidirectional, a Dense in a TimeDistributed, …). */
  parentId?: string;
  data: NodeData;
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  /** The source's output port (React Flow's field); absent or null: its first port, `output`. */
  sourceHandle?: string | null;
  /** The target's input port; absent or null: its first port, `x`. */
  targetHandle?: string | null;
}

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

export interface TrainingSettings {
  seed: number;
  task?: string;
  seqLen?: number;
  optimizer?: 'adam' | 'rmsprop' | 'sgd';
  learningRate?: number;
  batchSize?: number;
  epochs?: number;
  clipNorm?: number;
}

export interface GraphMeta {
  name?: string;
  description?: string;
}

/** A graph document in the current schema (see `migrations.ts`). */
export interface GraphDoc {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /**
   * The order of the model's outputs (node ids), as a Keras file's `output_layers` gives it: predict, the exports and
   * the loss weights list the outputs in this order. Outputs it does not name follow in topological order (absent:
   * all of them, which is what every older file means).
   */
  outputOrder?: string[];
  viewport?: Viewport;
  training?: TrainingSettings;
  meta?: GraphMeta;
}

export function assertNever(x: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(x)}`);
}

/** The tokenizer (lowercased words split like torchtext basic_english, or characters), the tokens kept, and id → token (0 pad, 1 unknown). */
export interface TextInput { tokenizer: 'words' | 'chars'; maxLen: number | null; words: string[] }

/**
 * How a typed text becomes source symbols, as data an export carries (vocab.json): whitespace removed, then
 * upper-cased (`upper`), padded with spaces to `padTo` symbols, and reversed (`reverse`), in that order.
 */
export interface SourceReading {
  upper: boolean;
  padTo: number | null;
  reverse: boolean;
}

/** Everything an exported decode.py needs besides the model: both vocabularies, the reading, the specials, the cap. */
export interface PairVocab {
  kind: 'pairs';
  source: { words: string[] } & SourceReading;
  /** `specials`: ids below it are special tokens, not shown. */
  target: { words: string[]; joiner: string; specials: number };
  unknown: number;
  start: number;
  end: number;
  maxLen: number;
}
