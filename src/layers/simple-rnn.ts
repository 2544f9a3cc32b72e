import { defineRecurrent } from './recurrent.ts';

/** h_t = φ(x_t·W + h_{t−1}·H + b). */
export const simpleRNN = defineRecurrent({
  kind: 'SimpleRNN',
  description: 'The plain recurrent cell h_t = tanh(W·x_t + H·h_{t−1} + b). Its gradients vanish over long sequences.',
  gates: ['h'],
  blocks: 1,
  factory: 'simpleRNN',
  torch: { native: 'RNN', exact: (p) => p.activation === 'tanh' || p.activation === 'relu' },
});
