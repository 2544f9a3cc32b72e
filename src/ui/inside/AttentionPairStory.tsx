/** What the with/without-attention pair on screen found, in sentences written from its numbers (sentences.ts). */
import { useMemo } from 'react';
import { attentionPairSentences, selectPair, useInside } from '../../store/inside.ts';

export const PAIR_EXPLAIN = 'The gradient chart below shows ‖∂L/∂h_t‖ of the encoder over its own steps, for the graph trained without its attention and with it. ' +
  'Without attention, the gradient that reaches an early encoder step must pass through every later encoder step and the decoder\'s initial state; ' +
  'attention adds a direct path from every decoder step to every encoder step, so the early steps get gradient of their own.';

export function AttentionPairStory() {
  const pair = useInside(selectPair);
  const sentences = useMemo(() => (pair && Number.isFinite(pair.result.baseline) ? attentionPairSentences(pair.result) : []), [pair]);
  if (!pair) return null;
  const r = pair.result;
  return (
    <section className="race-story" data-testid="attention-pair-story" aria-label="What training with and without attention found" aria-live="polite" title={PAIR_EXPLAIN}>
      <p className="muted" data-testid="attention-pair-status">
        Reversal, L = {r.seqLen}, {r.units} units, {r.steps} steps per model, without and with attention:{' '}
        {pair.status === 'running' ? `${r.models.length} of 2 finished…` : pair.status === 'done' ? 'both finished.' : pair.status === 'stopped' ? `stopped (${r.models.length} of 2 finished).` : 'failed.'}
      </p>
      <p className="muted">{PAIR_EXPLAIN}</p>
      {sentences.map((s, i) => <p key={i} data-testid="attention-pair-sentence">{s}</p>)}
    </section>
  );
}
