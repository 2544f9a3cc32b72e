/**
 * Why a button is disabled, on hover and to screen readers: `whyDisabled(id, reason)` gives the button its
 * `disabled`, `title` and `aria-describedby`, and `<Why id reason />` renders the description they point at
 * (visually hidden; the title shows it on hover). A null reason means the button is enabled.
 */
export function whyDisabled(id: string, reason: string | null) {
  return reason ? { disabled: true, title: reason, 'aria-describedby': id } : { disabled: false };
}

export function Why({ id, reason }: { id: string; reason: string | null }) {
  return reason ? <span id={id} className="sr-only">{reason}</span> : null;
}
