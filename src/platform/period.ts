import { z } from 'zod';

/**
 * `?from=&to=` of lists: an instant (ISO 8601 with an offset) or a whole UTC day. `from` includes
 * its instant or day; `to` excludes its instant but includes its day, as people read "to Friday".
 */
export const PeriodBound = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()])
  .describe('an instant (ISO 8601) or a day, YYYY-MM-DD (UTC)');

export const periodQuery = {
  from: PeriodBound.optional().describe('from this instant or the start of this day, included'),
  to: PeriodBound.optional().describe('until this instant (excluded) or the end of this day (included)'),
};

const DAY_MS = 86_400_000;
const isDay = (text: string) => text.length === 10;

/**
 * `periodOf`, refusing with the caller's own error a period that ends before it starts: an empty
 * list would hide a mistake worth naming (422 at `/query/to`).
 */
export function orderedPeriodOf(
  query: { from?: string | undefined; to?: string | undefined },
  endsBeforeStart: () => Error,
): ReturnType<typeof periodOf> {
  const period = periodOf(query);
  if (period.from && period.to && period.to <= period.from) throw endsBeforeStart();
  return period;
}

/** The half-open period [from, to) the bounds name. */
export function periodOf(query: { from?: string | undefined; to?: string | undefined }): {
  from: Date | undefined;
  to: Date | undefined;
} {
  return {
    from: query.from === undefined ? undefined : new Date(query.from),
    to:
      query.to === undefined
        ? undefined
        : new Date(new Date(query.to).getTime() + (isDay(query.to) ? DAY_MS : 0)),
  };
}
