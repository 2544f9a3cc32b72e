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
});
