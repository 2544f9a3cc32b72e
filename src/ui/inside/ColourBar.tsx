/**
 * The connectivity shade (P6): a weight w in [0, 1] (a value over its row's largest) as a blue, with the text colour
 * that stays readable on it, and the colour bar that explains it. Shared by the Inside tab's strip and heatmap and the
 * Training tab's "try it" words. The colour bar serves every heatmap.
 */
import * as d3 from 'd3';

/** w in [0, 1] → colour; 0 keeps a faint tint so an unused input still reads as an input. */
export const connectivityColour = (w: number) => d3.interpolateBlues(0.05 + 0.95 * w);

/** Background and text colour of a cell of weight w. */
export const shadeStyle = (w: number) => ({ background: connectivityColour(w), color: w > 0.6 ? '#fff' : '#111' });

/**
 * A colour bar: the colours `colour` gives on [0, 1], with tick labels spread evenly from the low end to the high end
 * (printed as given). Vertical beside a heatmap (low at the bottom), horizontal under a strip.
 */
export function ColourBar({ ticks, colour = connectivityColour, horizontal = false, label = 'colour bar', height }: {
  ticks: string[]; colour?: (t: number) => string; horizontal?: boolean; label?: string; height?: number;
}) {
  const stops = d3.range(0, 1.001, 0.125).map(colour).join(', ');
  const gradient = <span className="colour-gradient" style={{ background: `linear-gradient(to ${horizontal ? 'right' : 'top'}, ${stops})` }} />;
  return (
    <div className={horizontal ? 'colour-bar horizontal' : 'colour-bar'} role="img" aria-label={label} data-testid="colour-bar" style={height ? { height } : undefined}>
      {horizontal ? <><span className="colour-tick">{ticks[0]}</span>{gradient}<span className="colour-tick">{ticks[ticks.length - 1]}</span></> : (
        <>{gradient}<span className="colour-ticks">{[...ticks].reverse().map((t, i) => <span key={i} className="colour-tick">{t}</span>)}</span></>
      )}
    </div>
  );
}
