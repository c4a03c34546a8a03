/**
 * What the rollups add up and how a period's figures are made of days. Pure: the rollup deltas of
 * posted ledger entries, and the summing of daily rows into periods.
 */
import { dayText, type Interval, nextPeriod } from './analytics.periods.js';

/**
 * A ledger entry as it was posted, by the names of its accounts (structurally the ledger's
 * EntryDraft: analytics reads what the ledger hands it, never the ledger's tables).
 */
export interface PostedEntry {
  kind: string;
  shopId: string;
  postings: readonly { account: { name: string; currency: string }; amount: number }[];
}

/** One currency's additions to a day's rollup. */
export interface Delta {
  currency: string;
  gmv: number;
  orders: number;
  commission: number;
  promotionsExpense: number;
  refunds: number;
  /** Shops that were paid for an order (active sellers of the day). */
  paidShops: string[];
}

const emptyDelta = (currency: string): Delta => ({
  currency,
  gmv: 0,
  orders: 0,
  commission: 0,
  promotionsExpense: 0,
  refunds: 0,
  paidShops: [],
});

/**
 * The figures posted entries move, per currency: a payment entry is a paid order (its total is what
 * the provider captured, provider_clearing's debit); the commission and the platform-funded
 * discounts (promotions_expense) are those accounts' movements whatever the entry (refunds and lost
 * disputes give some back); a refund is what a refund entry paid out through the provider, whoever
 * funds it. Deltas that move nothing are left out.
 */
export function deltasOf(entries: readonly PostedEntry[]): Delta[] {
  const byCurrency = new Map<string, Delta>();
  const deltaIn = (currency: string) => {
    let delta = byCurrency.get(currency);
    if (!delta) {
      delta = emptyDelta(currency);
      byCurrency.set(currency, delta);
    }
    return delta;
  };
  for (const entry of entries) {
    const [first] = entry.postings;
    // An order paid in full by a platform discount still is a paid order, of total 0.
    if (entry.kind === 'payment' && first) {
      const delta = deltaIn(first.account.currency);
      delta.orders += 1;
      delta.paidShops.push(entry.shopId);
    }
    for (const { account, amount } of entry.postings) {
      const delta = deltaIn(account.currency);
      if (account.name === 'provider_clearing' && entry.kind === 'payment') delta.gmv += amount;
      if (account.name === 'provider_clearing' && entry.kind === 'refund') delta.refunds -= amount;
      if (account.name === 'commission') delta.commission -= amount;
      if (account.name === 'promotions_expense') delta.promotionsExpense += amount;
    }
  }
  return [...byCurrency.values()].filter(
    (delta) =>
      delta.orders !== 0 || delta.commission !== 0 || delta.promotionsExpense !== 0 || delta.refunds !== 0,
  );
}

/** A day's rollup, its slots summed. */
export interface DailyRow {
  /** YYYY-MM-DD (UTC). */
  day: string;
  gmv: number;
  orders: number;
  commission: number;
  promotionsExpense: number;
  refunds: number;
  disputes: number;
  newBuyers: number;
  /** Shops whose first paid order of the day, ISO week and month was on this day. */
  shopsDay: number;
  shopsWeek: number;
  shopsMonth: number;
}

/** A period's figures, before presentation. */
export interface Figures {
  gmv: number;
  orders: number;
  commission: number;
  promotionsExpense: number;
  refunds: number;
  disputes: number;
  newBuyers: number;
  activeSellers: number;
}

export const NO_FIGURES: Figures = {
  gmv: 0,
  orders: 0,
  commission: 0,
  promotionsExpense: 0,
  refunds: 0,
  disputes: 0,
  newBuyers: 0,
  activeSellers: 0,
};

const SHOPS_OF: Record<Interval, (row: DailyRow) => number> = {
  day: (row) => row.shopsDay,
  week: (row) => row.shopsWeek,
  month: (row) => row.shopsMonth,
};

/** Adds a day into a period's figures: its active sellers are those first active in the period that day. */
export const addDay = (figures: Figures, row: DailyRow, interval: Interval): Figures => ({
  gmv: figures.gmv + row.gmv,
  orders: figures.orders + row.orders,
  commission: figures.commission + row.commission,
  promotionsExpense: figures.promotionsExpense + row.promotionsExpense,
  refunds: figures.refunds + row.refunds,
  disputes: figures.disputes + row.disputes,
  newBuyers: figures.newBuyers + row.newBuyers,
  activeSellers: figures.activeSellers + SHOPS_OF[interval](row),
});

/**
 * The figures of each whole period (`periods`, consecutive, of `interval`) from the daily rows: a
 * day outside every period is ignored, a period without rows has no figures.
 */
export function bucketDays(
  rows: readonly DailyRow[],
  periods: readonly Date[],
  interval: Interval,
): { period: string; figures: Figures }[] {
  const buckets = periods.map((start) => ({
    period: dayText(start),
    end: dayText(nextPeriod(start, interval)),
    figures: NO_FIGURES,
  }));
  for (const row of rows) {
    // Periods are few (at most a few thousand) and sorted: find the last starting on or before the day.
    let low = 0;
    let high = buckets.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (buckets[middle]!.period <= row.day) {
        found = middle;
        low = middle + 1;
      } else high = middle - 1;
    }
    const bucket = buckets[found];
    if (bucket && row.day < bucket.end) bucket.figures = addDay(bucket.figures, row, interval);
  }
  return buckets.map(({ period, figures }) => ({ period, figures }));
}
