import { defineRecurrent } from './recurrent.ts';

/** Gates z, r, h̃ (reset applied before the recurrent matmul, as tfjs computes it). */
export const gru = defineRecurrent({
  kind: 'GRU',
  description: 'Gated recurrent unit: an update gate z blends the old state with a candidate h̃; a reset gate r decides how much past enters h̃.',
  gates: ['z', 'r', 'h'],
  blocks: 3,
});
