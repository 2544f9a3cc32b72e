/**
 * The connectivity shade (P6): a weight w in [0, 1] (a value over its row's largest) as a blue, with the text colour
 * that stays readable on it, and the colour bar that explains it. Shared by the Inside tab's strip and heatmap and the
 * Training tab's "try it" words.
 */
import * as d3 from 'd3';

/** w in [0, 1] → colour; 0 keeps a faint tint so an unused input still reads as an input. */
export const connectivityColour = (w: number) => d3.interpolateBlues(0.05 + 0.95 * w);

/** Background and text colour of a cell of weight w. */
export const shadeStyle = (w: number) => ({ background: connectivityColour(w), color: w > 0.6 ? '#fff' : '#111' });

/** A colour bar from 0 to `max` (printed as given): vertical next to a heatmap, horizontal under a strip. */
export function ColourBar({ max, horizontal = false, label = 'colour bar' }: { max: string; horizontal?: boolean; label?: string }) {
  const stops = d3.range(0, 1.01, 0.25).map(connectivityColour).join(', ');
  return (
    <div className={horizontal ? 'conn-colourbar horizontal' : 'conn-colourbar'} aria-label={label}>
      <span>0</span>
      <span className="conn-gradient" style={{ background: `linear-gradient(to ${horizontal ? 'right' : 'top'}, ${stops})` }} />
      <span>{max}</span>
    </div>
  );
}
