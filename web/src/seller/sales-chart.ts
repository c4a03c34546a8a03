import type { Money } from '../format';

export interface SalesPoint {
  /** A UTC day, YYYY-MM-DD. */
  date: string;
  orders: number;
  gross: Money;
}

const DAY_MS = 86_400_000;
const isoDay = (time: number): string => new Date(time).toISOString().slice(0, 10);

/**
 * One point per UTC day of the `days` ending on `today`, oldest first: days the API left out (or a
 * window that moved past midnight since) count as zero sales, so every bar stands for one day.
 */
export function fillDays(
  rows: readonly SalesPoint[],
  days: number,
  today: Date,
  currency: string,
): SalesPoint[] {
  const byDate = new Map(rows.map((row) => [row.date, row]));
  const last = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  return Array.from({ length: days }, (_, index) => {
    const date = isoDay(last - (days - 1 - index) * DAY_MS);
    return byDate.get(date) ?? { date, orders: 0, gross: { amount: 0, currency } };
  });
}
