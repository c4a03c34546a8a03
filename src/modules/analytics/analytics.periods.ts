/**
 * The calendar arithmetic of analytics, in UTC: days, ISO weeks (starting Monday) and months, as
 * Dates at midnight UTC. Pure, so that the bucketing is property-tested apart from the database.
 */

export const INTERVALS = ['day', 'week', 'month'] as const;
export type Interval = (typeof INTERVALS)[number];

const DAY_MS = 86_400_000;

const utcDay = (year: number, month: number, day: number) => new Date(Date.UTC(year, month, day));

/** The first day of the day, ISO week or month that holds `day`. */
export function periodStart(day: Date, interval: Interval): Date {
  const [year, month, date] = [day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate()];
  switch (interval) {
    case 'day':
      return utcDay(year, month, date);
    case 'week':
      // getUTCDay: Sunday is 0; Monday starts the week.
      return utcDay(year, month, date - ((day.getUTCDay() + 6) % 7));
    case 'month':
      return utcDay(year, month, 1);
  }
}

/** The first day of the period after the one starting at `start`. */
export function nextPeriod(start: Date, interval: Interval): Date {
  const [year, month, date] = [start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate()];
  switch (interval) {
    case 'day':
      return utcDay(year, month, date + 1);
    case 'week':
      return utcDay(year, month, date + 7);
    case 'month':
      return utcDay(year, month + 1, 1);
  }
}

/**
 * The whole periods that the days [from, to) touch, in order: a week or month is never cut at the
 * ends of the span, so that each figure is the period's own. `to` is after `from`.
 */
export function periodsOf(from: Date, to: Date, interval: Interval): Date[] {
  const periods: Date[] = [];
  for (let start = periodStart(from, interval); start < to; start = nextPeriod(start, interval)) {
    periods.push(start);
  }
  return periods;
}

/** How many days [from, to) spans. */
export const daysBetween = (from: Date, to: Date) => Math.round((to.getTime() - from.getTime()) / DAY_MS);

export interface Piece {
  grain: Interval;
  start: Date;
}

/**
 * The fewest aligned periods that tile the days [from, to) (whole months, then whole ISO weeks,
 * then days), greedily from `from`: distinct counts over a span read one row per seller and piece,
 * so coarse pieces keep them small. A week is not taken where it would cross into a month that
 * fits whole before `to`.
 */
export function coverOf(from: Date, to: Date): Piece[] {
  const pieces: Piece[] = [];
  let cursor = periodStart(from, 'day');
  while (cursor < to) {
    const grain = coarsestAt(cursor, to);
    pieces.push({ grain, start: cursor });
    cursor = nextPeriod(cursor, grain);
  }
  return pieces;
}

function coarsestAt(cursor: Date, to: Date): Interval {
  if (cursor.getUTCDate() === 1 && nextPeriod(cursor, 'month') <= to) return 'month';
  const weekEnd = nextPeriod(cursor, 'week');
  if (periodStart(cursor, 'week').getTime() !== cursor.getTime() || weekEnd > to) return 'day';
  const nextMonth = nextPeriod(periodStart(cursor, 'month'), 'month');
  const crossesWholeMonth = weekEnd > nextMonth && nextPeriod(nextMonth, 'month') <= to;
  return crossesWholeMonth ? 'day' : 'week';
}

/** `YYYY-MM-DD` of a UTC midnight. */
export const dayText = (day: Date) => day.toISOString().slice(0, 10);
