import { barHeight, niceMaximum } from './bar-chart-scale';

const HEIGHT = 160;
const BAR = 12;
const GAP = 4;

export interface Bar {
  /** Unique among the bars (a period's first day). */
  key: string;
  value: number;
  /** What the bar says when pointed at, and to a screen reader: its period and figures. */
  label: string;
}

/**
 * Bars over time with a summary caption, the value axis's top, the first and last period, and the
 * same figures in a table that only screen readers see (the SVG is one image with the summary as
 * its name).
 */
export function BarChart({
  summary,
  bars,
  axisLabel,
  edges,
  table,
}: {
  summary: string;
  bars: readonly Bar[];
  /** The value axis's top, as people read it. */
  axisLabel: (maximum: number) => string;
  /** The first and last period, as people read them. */
  edges: readonly [string, string];
  table: {
    caption: string;
    columns: readonly string[];
    rows: readonly { key: string; cells: readonly string[] }[];
  };
}) {
  const maximum = niceMaximum(bars.map((bar) => bar.value));
  const width = bars.length * (BAR + GAP);
  return (
    <figure className="bar-chart">
      <figcaption>{summary}</figcaption>
      <div className="bar-chart-plot">
        <span className="bar-chart-axis muted" aria-hidden="true">
          {axisLabel(maximum)}
        </span>
        <svg viewBox={`0 0 ${width} ${HEIGHT}`} preserveAspectRatio="none" role="img" aria-label={summary}>
          <line x1="0" x2={width} y1={HEIGHT - 0.5} y2={HEIGHT - 0.5} className="bar-chart-baseline" />
          {bars.map((bar, index) => {
            const height = barHeight(bar.value, maximum, HEIGHT);
            return (
              <g key={bar.key} aria-label={bar.label}>
                <title>{bar.label}</title>
                {/* A transparent full-height hit area so that the tooltip works for empty periods too. */}
                <rect x={index * (BAR + GAP)} y={0} width={BAR} height={HEIGHT} fill="transparent" />
                <rect
                  x={index * (BAR + GAP)}
                  y={HEIGHT - height}
                  width={BAR}
                  height={height}
                  className="bar-chart-bar"
                />
              </g>
            );
          })}
        </svg>
      </div>
      <div className="row bar-chart-dates muted" aria-hidden="true">
        <span>{edges[0]}</span>
        <span>{edges[1]}</span>
      </div>
      <table className="visually-hidden">
        <caption>{table.caption}</caption>
        <thead>
          <tr>
            {table.columns.map((column) => (
              <th scope="col" key={column}>
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((row) => (
            <tr key={row.key}>
              <th scope="row">{row.cells[0]}</th>
              {table.columns.slice(1).map((column, index) => (
                <td key={column}>{row.cells[index + 1]}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
