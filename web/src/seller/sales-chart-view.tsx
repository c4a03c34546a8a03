import { formatDate, formatMoney } from '../format';
import { barHeight, niceMaximum, type SalesPoint } from './sales-chart';

const HEIGHT = 160;
const BAR = 12;
const GAP = 4;

const dayLabel = (date: string) => formatDate(`${date}T12:00:00Z`);

/** Gross sales per day as bars, with the same figures in a table for screen readers. */
export function SalesChart({ days }: { days: SalesPoint[] }) {
  const maximum = niceMaximum(days.map((day) => day.gross.amount));
  const currency = days[0]?.gross.currency ?? 'USD';
  const total = days.reduce((sum, day) => sum + day.gross.amount, 0);
  const orders = days.reduce((sum, day) => sum + day.orders, 0);
  const width = days.length * (BAR + GAP);
  const summary = `Gross sales over the last ${days.length} days: ${formatMoney({ amount: total, currency })} from ${orders} ${orders === 1 ? 'order' : 'orders'}.`;
  return (
    <figure className="sales-chart">
      <figcaption>{summary}</figcaption>
      <div className="sales-chart-plot">
        <span className="sales-chart-axis muted" aria-hidden="true">
          {formatMoney({ amount: maximum, currency })}
        </span>
        <svg viewBox={`0 0 ${width} ${HEIGHT}`} preserveAspectRatio="none" role="img" aria-label={summary}>
          <line x1="0" x2={width} y1={HEIGHT - 0.5} y2={HEIGHT - 0.5} className="sales-chart-baseline" />
          {days.map((day, index) => {
            const height = barHeight(day.gross.amount, maximum, HEIGHT);
            const label = `${dayLabel(day.date)}: ${formatMoney(day.gross)} from ${day.orders} ${day.orders === 1 ? 'order' : 'orders'}`;
            return (
              <g key={day.date} aria-label={label}>
                <title>{label}</title>
                {/* A transparent full-height hit area so that the tooltip works for empty days too. */}
                <rect x={index * (BAR + GAP)} y={0} width={BAR} height={HEIGHT} fill="transparent" />
                <rect
                  x={index * (BAR + GAP)}
                  y={HEIGHT - height}
                  width={BAR}
                  height={height}
                  className="sales-chart-bar"
                />
              </g>
            );
          })}
        </svg>
      </div>
      <div className="row sales-chart-dates muted" aria-hidden="true">
        <span>{days[0] && dayLabel(days[0].date)}</span>
        <span>{days.at(-1) && dayLabel(days.at(-1)!.date)}</span>
      </div>
      <table className="visually-hidden">
        <caption>Sales per day</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Orders</th>
            <th scope="col">Gross</th>
          </tr>
        </thead>
        <tbody>
          {days.map((day) => (
            <tr key={day.date}>
              <th scope="row">{dayLabel(day.date)}</th>
              <td>{day.orders}</td>
              <td>{formatMoney(day.gross)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
