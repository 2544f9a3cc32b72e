import { flag, mustBe } from './keras-config.ts';
import { bool } from './params.ts';
import { defineRecurrent } from './recurrent.ts';

/**
 * Gates z, r, h̃. Two forms (rnn-math.md §2, keras-files.md §5):
 * - reset-after (Keras `reset_after=True`, PyTorch `nn.GRU`): h̃ = φ(x·K_h + bᵢ_h + r ⊙ (h·R_h + bᵣ_h)); bias [2, 3H];
 * - reset-before (TF.js, Keras `reset_after=False`): h̃ = φ(x·K_h + b_h + (r ⊙ h)·R_h); bias [3H].
 */
export const gru = defineRecurrent({
  kind: 'GRU',
  description: 'Gated recurrent unit: an update gate z blends the old state with a candidate h̃; a reset gate r decides how much past enters h̃.',
  gates: ['z', 'r', 'h'],
  blocks: 3,
  extraParams: {
    resetAfter: bool(true, 'Reset after',
      'On (Keras and PyTorch default): h̃ = φ(x·W + r ⊙ (h·U + b_rec)), the reset gate scales the recurrent product, with a second (recurrent) bias. ' +
      'Off (TF.js, Keras reset_after=False): h̃ = φ(x·W + b + (r ⊙ h)·U), the reset gate acts on h before the product. Different functions: weights do not carry over.'),
  },
  factory: 'gru',
  torch: {
    native: 'GRU',
    // nn.GRU is the reset-after form only (keras-files.md §5).
    exact: (p) => !!p.resetAfter && p.activation === 'tanh' && p.recurrentActivation === 'sigmoid',
    loopNote: (p) => (p.resetAfter ? undefined
      : 'GRU with the reset gate applied before the recurrent matmul (TF.js, Keras reset_after=False): nn.GRU only has the reset-after form, so LoopRNN computes it exactly.'),
  },
  readExtra: (c, cx) => {
    mustBe(c, cx, 'reset_after', [true, false]);
    // tf.keras 2, Keras 3 and Keras ≥ 2.1.5 always write reset_after; a config without it is Keras ≤ 2.1.4 or Keras 1
    // (reset before the recurrent product, keras-vocabulary.md §2.16) or TF.js (reset-before only).
    return { resetAfter: flag(c, 'reset_after', false) };
  },
  tfjsNotes: (p) => [p.resetAfter
    ? 'Reset-after GRU (Keras reset_after=True, nn.GRU): the class from gru_layer.mjs; stock TF.js cannot build it.'
    : 'TF.js GRU: the reset gate acts before the recurrent matmul (Keras reset_after=False).'],
});
