import { type Queryable, sql, sqlArray } from '../../platform/db.js';
import type { DailyRow, Delta } from './analytics.figures.js';
import type { Piece } from './analytics.periods.js';

/**
 * Today's row of this transaction: the UTC day of the transaction's start, which is the day its
 * ledger entries are stamped with (their created_at is now() too), and the slot of its id, so that
 * concurrent transactions add to different rows and one transaction always to the same one.
 */
const TODAY = sql`(now() AT TIME ZONE 'UTC')::date`;
const SLOT = sql`(txid_current() % 32)::smallint`;

/** Adds a currency's ledger movements to today's rollup, and its paid shops to the active sellers. */
export async function addPosted(db: Queryable, delta: Delta): Promise<void> {
  await db.execute(sql`
    WITH active AS (
      INSERT INTO analytics_active_shops (grain, period, currency, shop_id)
      SELECT g.grain, CASE g.grain
          WHEN 'day' THEN ${TODAY}
          WHEN 'week' THEN date_trunc('week', ${TODAY}::timestamp)::date
          ELSE date_trunc('month', ${TODAY}::timestamp)::date END,
        ${delta.currency}, s.shop_id
      FROM (SELECT DISTINCT shop_id FROM unnest(${sqlArray(delta.paidShops)}::text[]) AS s(shop_id)) s
      CROSS JOIN (VALUES ('day'), ('week'), ('month')) AS g(grain)
      ON CONFLICT DO NOTHING
      RETURNING grain
    )
    INSERT INTO analytics_daily AS d (day, currency, slot, gmv, orders, commission, promotions_expense, refunds,
      shops_day, shops_week, shops_month)
    SELECT ${TODAY}, ${delta.currency}, ${SLOT}, ${delta.gmv}, ${delta.orders}, ${delta.commission},
      ${delta.promotionsExpense}, ${delta.refunds},
      count(*) FILTER (WHERE grain = 'day'), count(*) FILTER (WHERE grain = 'week'),
      count(*) FILTER (WHERE grain = 'month')
    FROM active
    ON CONFLICT (currency, day, slot) DO UPDATE SET
      gmv = d.gmv + excluded.gmv,
      orders = d.orders + excluded.orders,
      commission = d.commission + excluded.commission,
      promotions_expense = d.promotions_expense + excluded.promotions_expense,
      refunds = d.refunds + excluded.refunds,
      shops_day = d.shops_day + excluded.shops_day,
      shops_week = d.shops_week + excluded.shops_week,
      shops_month = d.shops_month + excluded.shops_month`);
}

/** Buyers paid for orders: those paying for the first time count as today's new buyers. */
export async function addBuyers(db: Queryable, currency: string, buyers: readonly string[]): Promise<void> {
  await db.execute(sql`
    WITH first AS (
      INSERT INTO analytics_first_orders (buyer, day, currency)
      SELECT DISTINCT buyer, ${TODAY}, ${currency} FROM unnest(${sqlArray(buyers)}::text[]) AS b(buyer)
      ON CONFLICT DO NOTHING
      RETURNING buyer
    )
    INSERT INTO analytics_daily AS d (day, currency, slot, new_buyers)
    SELECT ${TODAY}, ${currency}, ${SLOT}, count(*) FROM first HAVING count(*) > 0
    ON CONFLICT (currency, day, slot) DO UPDATE SET new_buyers = d.new_buyers + excluded.new_buyers`);
}

/** A dispute opened today. */
export async function addDispute(db: Queryable, currency: string): Promise<void> {
  await db.execute(sql`
    INSERT INTO analytics_daily AS d (day, currency, slot, disputes)
    VALUES (${TODAY}, ${currency}, ${SLOT}, 1)
    ON CONFLICT (currency, day, slot) DO UPDATE SET disputes = d.disputes + 1`);
}

/** The days [from, to) that have figures, their slots summed, oldest first. */
export async function dailyRows(
  db: Queryable,
  currency: string,
  period: { from: string; to: string },
): Promise<DailyRow[]> {
  return db.query<DailyRow>(sql`
    SELECT to_char(day, 'YYYY-MM-DD') AS day, sum(gmv)::bigint AS gmv, sum(orders)::bigint AS orders,
      sum(commission)::bigint AS commission, sum(promotions_expense)::bigint AS "promotionsExpense",
      sum(refunds)::bigint AS refunds, sum(disputes)::bigint AS disputes, sum(new_buyers)::bigint AS "newBuyers",
      sum(shops_day)::bigint AS "shopsDay", sum(shops_week)::bigint AS "shopsWeek",
      sum(shops_month)::bigint AS "shopsMonth"
    FROM analytics_daily
    WHERE currency = ${currency} AND day >= ${period.from}::date AND day < ${period.to}::date
    GROUP BY day
    ORDER BY day`);
}

/**
 * How many distinct shops had a paid order in the pieces (whose union is a span). One
 * index range per grain (period = ANY): the rows read are one per shop and piece, never the table.
 */
export async function distinctSellers(
  db: Queryable,
  currency: string,
  pieces: readonly { grain: Piece['grain']; start: string }[],
): Promise<number> {
  const startsOf = (grain: Piece['grain']) =>
    sqlArray(pieces.filter((piece) => piece.grain === grain).map((piece) => piece.start));
  const [row] = await db.query<{ sellers: number }>(sql`
    SELECT count(*)::bigint AS sellers FROM (
      -- DISTINCT in a subquery hashes the ids; count(DISTINCT …) would sort them by collation.
      SELECT DISTINCT shop_id FROM analytics_active_shops
      WHERE currency = ${currency} AND (
        (grain = 'month' AND period = ANY(${startsOf('month')}::date[]))
        OR (grain = 'week' AND period = ANY(${startsOf('week')}::date[]))
        OR (grain = 'day' AND period = ANY(${startsOf('day')}::date[])))
    ) sellers`);
  return row!.sellers;
}
