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

/**
 * The top of the value axis: the smallest 1, 2 or 5 × 10ⁿ at or above the largest value, so the
 * gridlines fall on round amounts; 0 when every value is 0 (then all bars are empty).
 */
export function niceMaximum(values: readonly number[]): number {
  const largest = Math.max(0, ...values);
  if (largest === 0) return 0;
  const magnitude = 10 ** Math.floor(Math.log10(largest));
  const step = [1, 2, 5, 10].find((factor) => factor * magnitude >= largest) ?? 10;
  return step * magnitude;
}

/** A bar's height in a chart `height` tall whose axis tops out at `maximum`. */
export function barHeight(value: number, maximum: number, height: number): number {
  if (maximum <= 0 || value <= 0) return 0;
  return (Math.min(value, maximum) / maximum) * height;
}
