import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDay,
  bucketDays,
  type DailyRow,
  deltasOf,
  NO_FIGURES,
  type PostedEntry,
} from './analytics.figures.js';
import { coverOf, dayText, INTERVALS, nextPeriod, periodStart, periodsOf } from './analytics.periods.js';

const DAY_MS = 86_400_000;
/** Days from 1999 to 2031, leap years and year ends included. */
const day = fc.integer({ min: 10_592, max: 22_645 }).map((n) => new Date(n * DAY_MS));
const span = fc.tuple(day, fc.integer({ min: 1, max: 800 })).map(([from, days]) => ({
  from,
  to: new Date(from.getTime() + days * DAY_MS),
}));
const interval = fc.constantFrom(...INTERVALS);

const aligned = (start: Date, grain: (typeof INTERVALS)[number]) =>
  periodStart(start, grain).getTime() === start.getTime();

describe('periods', () => {
  it('a period starts at midnight UTC, weeks on Monday, months on the 1st, and holds its day', () => {
    fc.assert(
      fc.property(day, interval, (d, i) => {
        const start = periodStart(d, i);
        const end = nextPeriod(start, i);
        expect(start <= d && d < end).toBe(true);
        expect(start.getUTCHours() + start.getUTCMinutes()).toBe(0);
        if (i === 'week') expect(start.getUTCDay()).toBe(1);
        if (i === 'month') expect(start.getUTCDate()).toBe(1);
        expect(aligned(end, i)).toBe(true);
      }),
    );
  });

  it('the periods of a span are consecutive and whole, from the one holding `from` to the one holding its last day', () => {
    fc.assert(
      fc.property(span, interval, ({ from, to }, i) => {
        const periods = periodsOf(from, to, i);
        expect(periods[0]).toEqual(periodStart(from, i));
        expect(periods.at(-1)).toEqual(periodStart(new Date(to.getTime() - DAY_MS), i));
        for (let k = 1; k < periods.length; k += 1)
          expect(periods[k]).toEqual(nextPeriod(periods[k - 1]!, i));
      }),
    );
  });

  it('the cover is aligned months, weeks and days whose union is exactly the span', () => {
    fc.assert(
      fc.property(span, ({ from, to }) => {
        const pieces = coverOf(from, to);
        for (const piece of pieces) {
          expect(aligned(piece.start, piece.grain)).toBe(true);
          expect(piece.start >= from && nextPeriod(piece.start, piece.grain) <= to).toBe(true);
        }
        for (let d = from; d < to; d = nextPeriod(d, 'day')) {
          expect(
            pieces.some((p) => p.start <= d && d < nextPeriod(p.start, p.grain)),
            dayText(d),
          ).toBe(true);
        }
        // Every whole month inside the span is one piece, and no day is a piece where a month is.
        for (let m = periodStart(from, 'month'); m < to; m = nextPeriod(m, 'month')) {
          if (m >= from && nextPeriod(m, 'month') <= to)
            expect(pieces).toContainEqual({ grain: 'month', start: m });
        }
        const months = pieces.filter((p) => p.grain === 'month');
        for (const piece of pieces.filter((p) => p.grain !== 'month')) {
          expect(
            months.some(
              (m) =>
                m.start <= piece.start &&
                nextPeriod(piece.start, piece.grain) <= nextPeriod(m.start, 'month'),
            ),
          ).toBe(false);
        }
      }),
    );
  });
});

const dailyRow = (days: readonly Date[]) =>
  fc.record({
    day: fc.constantFrom(...days).map(dayText),
    gmv: fc.nat(1_000_000),
    orders: fc.nat(50),
    commission: fc.integer({ min: -1000, max: 100_000 }),
    promotionsExpense: fc.integer({ min: -1000, max: 10_000 }),
    refunds: fc.nat(100_000),
    disputes: fc.nat(5),
    newBuyers: fc.nat(20),
    shopsDay: fc.nat(20),
    shopsWeek: fc.nat(20),
    shopsMonth: fc.nat(20),
  });

describe('bucketing days into periods', () => {
  it('puts every day of the span in exactly one period: the periods add up to the days', () => {
    fc.assert(
      fc.property(
        span.chain(({ from, to }) =>
          fc.tuple(
            fc.constant({ from, to }),
            interval,
            fc.array(
              dailyRow(
                Array.from(
                  { length: Math.round((to.getTime() - from.getTime()) / DAY_MS) },
                  (_, k) => new Date(from.getTime() + k * DAY_MS),
                ),
              ),
              { maxLength: 40 },
            ),
          ),
        ),
        ([{ from, to }, i, rows]) => {
          const periods = periodsOf(from, to, i);
          const buckets = bucketDays(rows, periods, i);
          expect(buckets.map((b) => b.period)).toEqual(periods.map(dayText));
          const all = rows.reduce((sum, row) => addDay(sum, row, 'day'), NO_FIGURES);
          for (const field of [
            'gmv',
            'orders',
            'commission',
            'promotionsExpense',
            'refunds',
            'disputes',
            'newBuyers',
          ] as const) {
            expect(
              buckets.reduce((sum, bucket) => sum + bucket.figures[field], 0),
              field,
            ).toBe(all[field]);
          }
          // Each period holds exactly its own days.
          for (const bucket of buckets) {
            const end = dayText(nextPeriod(new Date(bucket.period), i));
            const own = rows.filter((row) => row.day >= bucket.period && row.day < end);
            expect(bucket.figures.gmv).toBe(own.reduce((sum, row) => sum + row.gmv, 0));
          }
        },
      ),
    );
  });

  it('counts a period’s active sellers from the counter of its grain', () => {
    const row: DailyRow = {
      day: '2026-03-04',
      gmv: 0,
      orders: 0,
      commission: 0,
      promotionsExpense: 0,
      refunds: 0,
      disputes: 0,
      newBuyers: 0,
      shopsDay: 5,
      shopsWeek: 3,
      shopsMonth: 2,
    };
    const start = new Date('2026-03-01T00:00:00Z');
    expect(
      bucketDays([row], periodsOf(start, new Date('2026-03-05T00:00:00Z'), 'day'), 'day')[3]!.figures
        .activeSellers,
    ).toBe(5);
    expect(bucketDays([row], [new Date('2026-03-02T00:00:00Z')], 'week')[0]!.figures.activeSellers).toBe(3);
    expect(bucketDays([row], [start], 'month')[0]!.figures.activeSellers).toBe(2);
  });
});

const account = (name: string, currency = 'USD') => ({ name, currency });

describe('rollup deltas of posted entries', () => {
  it('a payment is an order of its captured total; commission and platform discounts move as the accounts do; refunds are what left the provider', () => {
    const entries: PostedEntry[] = [
      {
        kind: 'payment',
        shopId: 'shop_a',
        postings: [
          { account: account('provider_clearing'), amount: 4015 },
          { account: account('pending'), amount: -3650 },
          { account: account('commission'), amount: -350 },
          { account: account('tax_payable'), amount: -365 },
          { account: account('promotions_expense'), amount: 350 },
        ],
      },
      {
        kind: 'refund',
        shopId: 'shop_a',
        postings: [
          { account: account('pending'), amount: 400 },
          { account: account('commission'), amount: 50 },
          { account: account('promotions_expense'), amount: -50 },
          { account: account('provider_clearing'), amount: -400 },
        ],
      },
      {
        kind: 'refund',
        shopId: 'shop_a',
        postings: [
          { account: account('refunds_expense'), amount: 700 },
          { account: account('provider_clearing'), amount: -700 },
        ],
      },
      {
        kind: 'delivery',
        shopId: 'shop_a',
        postings: [
          { account: account('pending'), amount: 10 },
          { account: account('available'), amount: -10 },
        ],
      },
    ];
    expect(deltasOf(entries)).toEqual([
      {
        currency: 'USD',
        gmv: 4015,
        orders: 1,
        commission: 300,
        promotionsExpense: 300,
        refunds: 1100,
        paidShops: ['shop_a'],
      },
    ]);
    // A delivery or a payout moves none of the figures: nothing to write.
    expect(deltasOf(entries.slice(3))).toEqual([]);
  });
});
