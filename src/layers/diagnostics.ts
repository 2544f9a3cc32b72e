/**
 * Every user-facing diagnostic, in one table with stable codes. Each instance carries a specific message
 * (what is wrong here) and a fix (what to do); the table gives the title shown in the problems list.
 */
export const DIAGNOSTICS = {
  E_CYCLE: 'Connections form a loop',
  E_NO_INPUT: 'The model has no Input',
  E_NO_OUTPUT: 'The model has no output',
  E_MISSING_INPUT: 'Layer has no input',
  E_TOO_MANY_INPUTS: 'Layer takes exactly one input',
  E_INPUT_HAS_INPUT: 'An Input cannot receive a connection',
  E_DANGLING: 'Not connected to the model',
  E_BAD_EDGE: 'Connection to a missing layer',
  E_DUPLICATE_ID: 'Two layers share an id',
  E_UNKNOWN_KIND: 'Unknown layer kind',
  E_PARAM: 'Invalid parameter value',
  E_NEEDS_RETURN_SEQUENCES: 'Recurrent layer fed a single vector',
  E_NEEDS_SEQUENCE: 'Layer needs a sequence',
  E_NEEDS_LENGTH: 'Layer needs a fixed sequence length',
  E_NEEDS_EMBEDDING: 'Token ids need an Embedding first',
  E_EMBEDDING_NEEDS_IDS: 'Embedding needs token ids',
  E_VOCAB_MISMATCH: 'Vocabulary larger than the Embedding',
  E_SHAPE_MISMATCH: 'Shapes cannot be merged',
  E_MERGE_NEEDS_TWO: 'Merge needs at least two inputs',
  E_MASK_UNSUPPORTED: 'Layer cannot take a padding mask',
  E_BIDI_EMPTY: 'A wrapper (Bidirectional, TimeDistributed) wraps no layer',
  E_BIDI_MULTIPLE: 'A wrapper wraps more than one layer',
  E_BIDI_NOT_RECURRENT: 'A wrapper holds a kind it cannot wrap',
  E_BAD_PARENT: 'Layer is inside something that is not a wrapper',
  E_WRAPPED_HAS_EDGES: 'A wrapped layer is connected through its wrapper',
  E_BAD_PORT: 'Connection to a port the layer does not have',
  E_STATE_MISMATCH: 'Initial state does not fit the layer',
  E_STATE_INCOMPLETE: 'LSTM needs both initial states',
  E_STATE_IN_WRAPPER: 'A wrapped layer cannot use state ports',
} as const;

export type DiagCode = keyof typeof DIAGNOSTICS;

export interface Diagnostic {
  code: DiagCode;
  severity: 'error' | 'warning';
  message: string;
  fix: string;
  nodeId?: string;
  edgeId?: string;
  param?: string;
}

/** A shape rule's refusal, before the compiler attaches the node id. */
export interface ShapeError {
  code: DiagCode;
  message: string;
  fix: string;
}
