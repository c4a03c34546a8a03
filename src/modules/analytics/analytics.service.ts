import type { Database, Queryable } from '../../platform/db.js';
import { periodOf } from '../../platform/period.js';
import { analyticsErrors } from './analytics.errors.js';
import { addDay, bucketDays, deltasOf, NO_FIGURES, type PostedEntry } from './analytics.figures.js';
import { coverOf, dayText, type Interval, nextPeriod, periodStart, periodsOf } from './analytics.periods.js';
import * as repo from './analytics.repo.js';
import { type Analytics, type AnalyticsQuery, presentFigures } from './analytics.schemas.js';

/** The most periods one answer carries: two years of days. */
export const MAX_PERIODS = 731;

/** How many periods an answer covers when `from` is not given. */
const DEFAULT_PERIODS: Record<Interval, number> = { day: 30, week: 12, month: 12 };

/** A buyer of a paid order: an account, or a guest known by the email address they gave. */
export interface PaidOrderBuyer {
  buyerId: string | null;
  guestEmail: string | null;
  currency: string;
}

const buyerKey = (order: PaidOrderBuyer) =>
  order.buyerId !== null ? `user:${order.buyerId}` : `guest:${(order.guestEmail ?? '').toLowerCase()}`;

/**
 * The marketplace's figures per day, week and month. The rollups are written by the use cases that
 * post money, in their transaction (`tx`): the ledger hands over every entry it posts, orders the
 * buyers of orders paid, disputes each dispute opened. Reports read only the rollups.
 */
export class AnalyticsService {
  constructor(
    private readonly db: Database,
    private readonly currency: string,
  ) {}

  /** Entries the ledger posted in `tx` (not those it skipped as already posted). */
  async posted(tx: Queryable, entries: readonly PostedEntry[]): Promise<void> {
    for (const delta of deltasOf(entries)) await repo.addPosted(tx, delta);
  }

  /** Orders paid in `tx`: their buyers' first paid orders make new buyers. */
  async ordersPaid(tx: Queryable, orders: readonly PaidOrderBuyer[]): Promise<void> {
    for (const currency of new Set(orders.map((order) => order.currency))) {
      const buyers = orders.filter((order) => order.currency === currency).map(buyerKey);
      await repo.addBuyers(tx, currency, buyers);
    }
  }

  /** A card dispute opened in `tx`. */
  async disputeOpened(tx: Queryable, currency: string): Promise<void> {
    await repo.addDispute(tx, currency);
  }

  /** GET /v1/admin/analytics: the whole periods from `from` to `to`, and their totals. */
  async report(query: AnalyticsQuery, now = new Date()): Promise<Analytics> {
    const { interval } = query;
    const bounds = periodOf(query);
    const to = bounds.to ?? nextPeriod(periodStart(now, 'day'), 'day');
    const from = bounds.from ?? defaultFrom(to, interval);
    if (to <= from) {
      throw analyticsErrors.invalidAt(
        'analytics_period_invalid',
        '/query/to',
        'the period ends before it starts',
      );
    }
    const periods = periodsOf(from, to, interval);
    if (periods.length > MAX_PERIODS) {
      throw analyticsErrors.invalidAt(
        'analytics_period_too_long',
        '/query/from',
        `at most ${MAX_PERIODS} periods of a ${interval}: choose a later day or a longer interval`,
      );
    }
    const spanFrom = periods[0]!;
    const spanTo = nextPeriod(periods.at(-1)!, interval);
    const [rows, activeSellers] = await Promise.all([
      repo.dailyRows(this.db, this.currency, { from: dayText(spanFrom), to: dayText(spanTo) }),
      repo.distinctSellers(
        this.db,
        this.currency,
        coverOf(spanFrom, spanTo).map((piece) => ({ grain: piece.grain, start: dayText(piece.start) })),
      ),
    ]);
    const totals = rows.reduce((sum, row) => addDay(sum, row, 'day'), NO_FIGURES);
    return {
      data: bucketDays(rows, periods, interval).map(({ period, figures }) => ({
        period,
        ...presentFigures(figures, this.currency),
      })),
      totals: presentFigures({ ...totals, activeSellers }, this.currency),
    };
  }
}

/** The first day of the default span ending before `to`: DEFAULT_PERIODS whole periods. */
function defaultFrom(to: Date, interval: Interval): Date {
  let start = periodStart(new Date(to.getTime() - 1), interval);
  for (let count = 1; count < DEFAULT_PERIODS[interval]; count += 1) {
    start = periodStart(new Date(start.getTime() - 1), interval);
  }
  return start;
}
