import { formatDate, formatMoney } from '../format';
import { BarChart } from '../ui/bar-chart';
import type { SalesPoint } from './sales-chart';

const dayLabel = (date: string) => formatDate(`${date}T12:00:00Z`);
const ordersText = (orders: number) => `${orders} ${orders === 1 ? 'order' : 'orders'}`;

/** Gross sales per day as bars, with the same figures in a table for screen readers. */
export function SalesChart({ days }: { days: SalesPoint[] }) {
  const currency = days[0]?.gross.currency ?? 'USD';
  const total = days.reduce((sum, day) => sum + day.gross.amount, 0);
  const orders = days.reduce((sum, day) => sum + day.orders, 0);
  return (
    <BarChart
      summary={`Gross sales over the last ${days.length} days: ${formatMoney({ amount: total, currency })} from ${ordersText(orders)}.`}
      bars={days.map((day) => ({
        key: day.date,
        value: day.gross.amount,
        label: `${dayLabel(day.date)}: ${formatMoney(day.gross)} from ${ordersText(day.orders)}`,
      }))}
      axisLabel={(maximum) => formatMoney({ amount: maximum, currency })}
      edges={[days[0] ? dayLabel(days[0].date) : '', days.at(-1) ? dayLabel(days.at(-1)!.date) : '']}
      table={{
        caption: 'Sales per day',
        columns: ['Day', 'Orders', 'Gross'],
        rows: days.map((day) => ({
          key: day.date,
          cells: [dayLabel(day.date), String(day.orders), formatMoney(day.gross)],
        })),
      }}
    />
  );
}
