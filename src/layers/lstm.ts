import { flag } from './keras-config.ts';
import { bool } from './params.ts';
import { defineRecurrent } from './recurrent.ts';

/** Gates i, f, c̃, o (tfjs/Keras block order); c_t = f⊙c_{t−1} + i⊙c̃, h_t = o⊙tanh(c_t). */
export const lstm = defineRecurrent({
  kind: 'LSTM',
  description: 'Long short-term memory: input, forget and output gates guard a cell state c that can hold information for many steps.',
  gates: ['i', 'f', 'c', 'o'],
  blocks: 4,
  extraParams: {
    unitForgetBias: bool(true, 'Unit forget bias', 'Start the forget-gate bias at 1 so the cell remembers by default (Keras default; tfjs defaults to off).'),
  },
  factory: 'lstm',
  torch: { native: 'LSTM', exact: (p) => p.activation === 'tanh' && p.recurrentActivation === 'sigmoid' },
  readExtra: (c) => ({ unitForgetBias: flag(c, 'unit_forget_bias', false) }), // TF.js writes null for "off"
});
