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
 * Aligned periods whose union is exactly the days [from, to): every whole month inside it, every
 * whole ISO week inside it that no chosen month holds, and the days left. Pieces may overlap (a
 * week across a month's first day): a distinct count over their union is the same, and it reads
 * one row per seller and piece, so coarse pieces keep it small.
 */
export function coverOf(from: Date, to: Date): Piece[] {
  const start = periodStart(from, 'day');
  const inside = (piece: Piece) => piece.start >= start && nextPeriod(piece.start, piece.grain) <= to;
  const months = periodsOf(start, to, 'month')
    .map((month): Piece => ({ grain: 'month', start: month }))
    .filter(inside);
  const inMonth = (day: Date) => months.some((m) => m.start <= day && day < nextPeriod(m.start, 'month'));
  const weeks = periodsOf(start, to, 'week')
    .map((week): Piece => ({ grain: 'week', start: week }))
    .filter(
      (week) =>
        inside(week) &&
        !(inMonth(week.start) && inMonth(new Date(nextPeriod(week.start, 'week').getTime() - 1))),
    );
  const covered = (day: Date) =>
    [...months, ...weeks].some((p) => p.start <= day && day < nextPeriod(p.start, p.grain));
  const days = periodsOf(start, to, 'day')
    .filter((day) => !covered(day))
    .map((day): Piece => ({ grain: 'day', start: day }));
  return [...months, ...weeks, ...days];
}

/** `YYYY-MM-DD` of a UTC midnight. */
export const dayText = (day: Date) => day.toISOString().slice(0, 10);
