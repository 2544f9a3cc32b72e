/**
 * Final evaluation for classes: counts of (true class, predicted class) on the validation set; rows sum to the class's
 * samples. A last column beyond the classes counts predictions on an output that is no class (a head wider than the task).
 */
import * as d3 from 'd3';
import { ColourBar } from '../inside/ColourBar.tsx';

export function ConfusionMatrix({ matrix, names }: { matrix: number[][]; names: string[] }) {
  const C = matrix.length;
  const cols = matrix[0]?.length ?? C;
  const colNames = Array.from({ length: cols }, (_, j) => names[j] ?? 'other output');
  const max = Math.max(1, ...matrix.flat());
  const colour = d3.scaleSequential(d3.interpolateBlues).domain([0, max]);
  const cell = Math.max(18, Math.min(40, Math.floor(240 / C)));
  // Column names run up and to the right at 45°: room above and beyond the last column for the longest one
  // (10 px text, about 6 px a character), so "other output" is never cut at the SVG's edge.
  const run = Math.ceil(Math.SQRT1_2 * 6 * Math.max(...colNames.map((n) => n.length)));
  const label = Math.max(70, run + 8);
  const total = matrix.flat().reduce((a, b) => a + b, 0);
  const correct = matrix.reduce((s, row, i) => s + row[i], 0);
  return (
    <figure className="confusion" data-testid="confusion">
      <div className="confusion-row">
      <svg width={label + cols * cell + Math.max(4, run - cell / 2)} height={label + C * cell + 4} role="img" aria-label={`Confusion matrix: ${correct} of ${total} validation samples correct`}>
        {colNames.map((n, j) => (
          <text key={`c${j}`} transform={`translate(${label + j * cell + cell / 2},${label - 4}) rotate(-45)`} className="cm-label">{n}</text>
        ))}
        {matrix.map((row, i) => (
          <g key={i}>
            <text x={label - 4} y={label + i * cell + cell / 2} textAnchor="end" dominantBaseline="middle" className="cm-label">{names[i]}</text>
            {row.map((v, j) => (
              <g key={j}>
                <rect x={label + j * cell} y={label + i * cell} width={cell - 1} height={cell - 1} fill={colour(v)}>
                  <title>{`true ${names[i]}, predicted ${colNames[j]}: ${v}`}</title>
                </rect>
                {cell >= 24 && (
                  <text x={label + j * cell + cell / 2} y={label + i * cell + cell / 2} textAnchor="middle" dominantBaseline="middle" className="cm-value" fill={v > max / 2 ? '#fff' : '#111'}>{v}</text>
                )}
              </g>
            ))}
          </g>
        ))}
      </svg>
      <ColourBar ticks={['0', String(Math.round(max / 2)), String(max)]} colour={(t) => colour(t * max)} height={C * cell} label={`colour bar: count from 0 to ${max}`} />
      </div>
      <figcaption>Rows: true class; columns: predicted. {correct} / {total} correct ({((100 * correct) / Math.max(1, total)).toFixed(1)} %).</figcaption>
    </figure>
  );
}
