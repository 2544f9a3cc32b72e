/**
 * A model file that did not open as it is, and what would open it: its input shape (a field, OK), or opening the rest
 * without the layers RNN Studio does not have. Shown in the status line; the canvas is unchanged until the import
 * succeeds.
 */
import { useState } from 'react';
import { dismissImportOffer, type ImportOffer } from '../store/index.ts';

export function ImportOfferBar({ offer }: { offer: ImportOffer }) {
  const [shape, setShape] = useState('');
  const { remedy } = offer;
  const retry = (o: Parameters<ImportOffer['retry']>[0]) => {
    dismissImportOffer();
    void offer.retry(o);
  };
  const cancel = (
    <button type="button" className="btn small ghost" onClick={dismissImportOffer}>
      Cancel
    </button>
  );
  if (remedy.kind === 'drop')
    return (
      <div className="status-line error import-offer" role="dialog" aria-label={`Open ${offer.name}`} data-testid="import-offer">
        <span>{offer.error}</span>
        <button type="button" className="btn small" onClick={() => retry({ dropUnsupported: true })}>
          Open the rest without {remedy.layers.join(', ')}
        </button>
        {cancel}
      </div>
    );
  const label = remedy.tokens ? 'Time steps' : 'Time steps, features';
  return (
    <form
      className="status-line error import-offer"
      role="dialog"
      aria-label={`Input shape of ${offer.name}`}
      data-testid="import-offer"
      onSubmit={(e) => {
        e.preventDefault();
        retry({ inputShape: shape.split(/[\s,×x]+/).filter(Boolean).map(Number) });
      }}
    >
      <span>
        {offer.error} {remedy.tokens ? 'The time steps are how many token ids each example has.' : 'The time steps are how many steps each example has; the features, how many numbers each step holds.'}
      </span>
      <label>
        {label}{' '}
        <input value={shape} onChange={(e) => setShape(e.target.value)} placeholder={remedy.tokens ? '100' : '100, 64'} size={9} aria-label={label} autoFocus />
      </label>
      <button type="submit" className="btn small">
        OK
      </button>
      {cancel}
    </form>
  );
}
