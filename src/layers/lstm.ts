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
    twoBiases: bool(false, 'Two bias vectors (cuDNN / PyTorch form)',
      'An input bias b_x and a recurrent bias b_h, 4·units each, added as b_x + b_h (Keras CuDNNLSTM, PyTorch nn.LSTM bias_ih / bias_hh): the same function, 4·units more parameters, both trained.',
      { when: (p) => p.useBias !== false }),
  },
  factory: 'lstm',
  torch: { native: 'LSTM', exact: (p) => p.activation === 'tanh' && p.recurrentActivation === 'sigmoid' },
  // TF.js writes null for "off". two_biases: a CuDNNLSTM (keras-dialect.ts sets it) or an RNN Studio TF.js export.
  readExtra: (c) => ({ unitForgetBias: flag(c, 'unit_forget_bias', false), ...(flag(c, 'two_biases', false) ? { twoBiases: true } : {}) }),
});
