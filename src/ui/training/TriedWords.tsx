/**
 * "Try it" on typed text: the words as the model's vocabulary read them, each shaded by its connectivity (P6) to the
 * prediction, C = ‖∂ logit/∂x_t‖ (computed in the training worker), with a colour bar. Unknown words are marked;
 * masked words (padding to the model) are shown apart, never shaded as words.
 */
import type { TryResult } from '../../runtime/train-session.ts';
import { ColourBar, shadeStyle } from '../inside/ColourBar.tsx';

type Shading = Extract<NonNullable<TryResult['shading']>, { words: unknown }>;

export function TriedWords({ shading: { of, words } }: { shading: Shading }) {
  const real = words.filter((w) => !w.masked);
  const max = Math.max(0, ...real.map((w) => w.c));
  const explain = `Connectivity (Madsen, Distill 2019): ‖∂ logit/∂x_t‖, how much the logit of ${of} (its score before the head's softmax or sigmoid) moves when word t's embedding x_t moves. ` +
    'Darker: the prediction depends more on that word. Shades are relative to the largest in this sentence; hover a word for its number.';
  return (
    <div className="tr-words" data-testid="try-words">
      <div className="tr-muted">
        words shaded by their connectivity to <strong>{of}</strong>{' '}
        <span className="tr-help" title={explain} aria-label={explain} data-testid="try-words-help">?</span>
      </div>
      <div className="tr-word-strip" aria-label={`Your words, shaded by connectivity to ${of}`}>
        {words.map((w, t) => {
          const weight = max > 0 ? w.c / max : 0;
          const unknown = w.known ? '' : ` Not in the vocabulary: read as ${w.read}.`;
          return w.masked ? (
            <span key={t} className="tr-word masked" data-testid="try-word" data-masked="true"
              title={`“${w.text}”: read as ${w.read} (id 0), which the model treats as padding and skips; no connectivity.`}>{w.text}</span>
          ) : (
            <span key={t} className={w.known ? 'tr-word' : 'tr-word unknown'} data-testid="try-word" data-c={w.c} data-weight={weight.toFixed(4)} style={shadeStyle(weight)}
              title={`“${w.text}” (word ${t + 1}): ‖∂ logit/∂x‖ = ${w.c.toExponential(2)}, ${(100 * weight).toFixed(0)} % of the largest.${unknown}`}>{w.text}</span>
          );
        })}
      </div>
      <ColourBar horizontal ticks={['0', max.toExponential(1)]} label={`colour bar: connectivity from 0 to ${max.toExponential(1)}`} />
      {words.some((w) => !w.known || w.masked) && (
        <div className="tr-muted">
          {words.some((w) => !w.known && !w.masked) && <>dashed: not in the vocabulary (read as {words.find((w) => !w.known && !w.masked)!.read}). </>}
          {words.some((w) => w.masked) && <>struck out: read as padding, masked, so the model never sees it.</>}
        </div>
      )}
    </div>
  );
}
