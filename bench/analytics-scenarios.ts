/**
 * The back-office scenarios of `npm run bench`: marketplace analytics and the admin order search
 * at a million orders, one request at a time (their latency), beside the latency floor of a
 * request that reads the database (select-one-latency).
 *
 * The million orders go in with bulk SQL (generate_series), spread over 400 days, 2,000 shops and
 * 200,000 buyers; the analytics rollups are filled from them the way the rollups count (the bench
 * writes no ledger: the rollups are what the analytics route reads).
 */
import type autocannon from 'autocannon';
import { sql, sqlArray } from '../src/platform/db.js';
import { newUser } from '../test/factories/identity.js';
import { seedShops } from './orders-seed.js';
import type { BenchContext, Scenario } from './scenarios.js';

const ORDERS = 1_000_000;
const SHOPS = 2_000;
const BUYERS = 200_000;
const DAYS = 400;
/** Orders per INSERT: large enough to be fast, small enough to keep the server's memory flat. */
const CHUNK = 250_000;
const DAY_MS = 86_400_000;

interface SeededBackOffice {
  adminToken: string;
  buyerIds: string[];
}

const dayText = (date: Date) => date.toISOString().slice(0, 10);

/**
 * Orders by the status mix of a live marketplace (1 in 20 awaiting payment, 1 in 20 cancelled,
 * 1 in 20 refunded, the rest paid, shipped or delivered), each of a pseudo-random amount, shop and
 * buyer, placed evenly over the last DAYS days in the order of their ids (as a live table grows:
 * its indexes on ids and times fill at their ends, which keeps the seed fast).
 */
async function seedOrders(context: BenchContext, shopIds: readonly string[]): Promise<void> {
  const { db } = context;
  await db.execute(sql`
    INSERT INTO users (id, email, name, password_hash)
    SELECT 'usr_abench_' || g, 'abench-' || g || '@bench.bazaar', 'Analytics Buyer ' || g, '!bench-user-without-password'
    FROM generate_series(1, ${BUYERS}::int) AS g`);
  for (let first = 1; first <= ORDERS; first += CHUNK) {
    await db.execute(sql`
      INSERT INTO orders (id, checkout_id, buyer_id, shop_id, shop_name, status, currency, subtotal_amount,
        shipping_total_amount, tax_total_amount, total_amount, refunded_amount, shipping_address, payment_id,
        created_at, updated_at, expires_at, paid_at)
      SELECT 'ord_abench_' || lpad(g::text, 7, '0'), 'chk_abench_' || g, 'usr_abench_' || (1 + (g::bigint * 7919) % ${BUYERS}::int),
        (${sqlArray(shopIds)}::text[])[1 + g % ${SHOPS}::int], 'Bench Shop', o.status, 'USD', o.subtotal,
        495, o.subtotal / 25, o.subtotal + 495 + o.subtotal / 25,
        CASE o.status WHEN 'refunded' THEN o.subtotal + 495 + o.subtotal / 25 ELSE 0 END,
        '{"name":"Bench Buyer","line1":"1 Bench Street","city":"Benchville","postal_code":"10001","country":"US"}'::jsonb,
        'pay_abench_' || g, o.created_at, o.created_at, o.created_at + interval '30 minutes',
        CASE WHEN o.status IN ('pending_payment', 'cancelled') THEN NULL ELSE o.created_at + interval '1 minute' END
      FROM generate_series(${first}::int, ${Math.min(first + CHUNK - 1, ORDERS)}::int) AS g
      CROSS JOIN LATERAL (
        SELECT CASE g % 20 WHEN 0 THEN 'pending_payment' WHEN 1 THEN 'cancelled' WHEN 2 THEN 'refunded'
            WHEN 3 THEN 'paid' WHEN 4 THEN 'paid' WHEN 5 THEN 'shipped' WHEN 6 THEN 'shipped' ELSE 'delivered' END AS status,
          1000 + (g * 37) % 9000 AS subtotal,
          now() - (${ORDERS}::int - g) * ${(DAYS * 86_400) / ORDERS}::float8 * interval '1 second' AS created_at
      ) o`);
  }
}

/**
 * The rollups of the seeded orders, as the posting transactions would have kept them: a paid
 * order's total, a 10% commission, a refunded order's refund; first-paid buyers; active shops.
 */
async function seedRollups(context: BenchContext): Promise<void> {
  const { db } = context;
  const paid = sql`SELECT id, buyer_id, shop_id, total_amount, subtotal_amount, refunded_amount,
      (paid_at AT TIME ZONE 'UTC')::date AS day FROM orders WHERE paid_at IS NOT NULL AND id LIKE 'ord_abench_%'`;
  await db.execute(sql`
    INSERT INTO analytics_daily (day, currency, slot, gmv, orders, commission, refunds)
    SELECT day, 'USD', abs(hashtext(id)) % 32, sum(total_amount), count(*), sum(subtotal_amount / 10),
      sum(refunded_amount)
    FROM (${paid}) o GROUP BY 1, 3`);
  await db.execute(sql`
    WITH first AS (
      INSERT INTO analytics_first_orders (buyer, day, currency)
      SELECT DISTINCT ON (buyer_id) 'user:' || buyer_id, day, 'USD' FROM (${paid}) o ORDER BY buyer_id, day
      RETURNING day
    )
    INSERT INTO analytics_daily AS d (day, currency, slot, new_buyers)
    SELECT day, 'USD', 0, count(*) FROM first GROUP BY day
    ON CONFLICT (currency, day, slot) DO UPDATE SET new_buyers = d.new_buyers + excluded.new_buyers`);
  await db.execute(sql`
    WITH active AS (
      SELECT g.grain, CASE g.grain WHEN 'day' THEN o.day
          WHEN 'week' THEN date_trunc('week', o.day::timestamp)::date
          ELSE date_trunc('month', o.day::timestamp)::date END AS period, o.shop_id, min(o.day) AS first_day
      FROM (${paid}) o CROSS JOIN (VALUES ('day'), ('week'), ('month')) AS g(grain)
      GROUP BY 1, 2, 3
    ), inserted AS (
      INSERT INTO analytics_active_shops (grain, period, currency, shop_id)
      SELECT grain, period, 'USD', shop_id FROM active
    )
    INSERT INTO analytics_daily AS d (day, currency, slot, shops_day, shops_week, shops_month)
    SELECT first_day, 'USD', 0, count(*) FILTER (WHERE grain = 'day'), count(*) FILTER (WHERE grain = 'week'),
      count(*) FILTER (WHERE grain = 'month')
    FROM active GROUP BY first_day
    ON CONFLICT (currency, day, slot) DO UPDATE SET shops_day = excluded.shops_day,
      shops_week = excluded.shops_week, shops_month = excluded.shops_month`);
  // As autovacuum leaves a live table: statistics for the planner, a visibility map for index-only scans.
  await db.execute(sql`VACUUM ANALYZE orders`);
  await db.execute(sql`VACUUM ANALYZE analytics_daily`);
  await db.execute(sql`VACUUM ANALYZE analytics_active_shops`);
}

function seededBackOffice(context: BenchContext): Promise<SeededBackOffice> {
  return context.shared('back-office-million', async () => {
    const started = Date.now();
    const shops = await seedShops(context.db, SHOPS);
    await seedOrders(
      context,
      shops.map((shop) => shop.id),
    );
    await seedRollups(context);
    const admin = await newUser(context.db, { admin: true });
    console.error(
      `seeded ${ORDERS} orders and their rollups in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    return {
      adminToken: admin.token,
      buyerIds: Array.from({ length: 500 }, (_, i) => `usr_abench_${1 + ((i * 397) % BUYERS)}`),
    };
  });
}

const adminGets = async (context: BenchContext, paths: (seeded: SeededBackOffice) => string[]) => {
  const seeded = await seededBackOffice(context);
  return paths(seeded).map(
    (path): autocannon.Request => ({
      method: 'GET',
      path,
      headers: { authorization: `Bearer ${seeded.adminToken}` },
    }),
  );
};

const today = () => new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS);
const daysBefore = (days: number) => new Date(today().getTime() - days * DAY_MS);

/** Latency scenarios: one connection, beside the floor of a request that reads the database. */
const latency = (scenario: Pick<Scenario, 'name' | 'summary' | 'prepare'>): Scenario => ({
  ...scenario,
  connections: 1,
  compareTo: [{ scenario: 'select-one-latency' }],
});

const STATUSES = ['paid', 'shipped', 'delivered', 'refunded', 'cancelled'];

export const BACK_OFFICE_SCENARIOS: Scenario[] = [
  latency({
    name: 'analytics-daily',
    summary: `GET /v1/admin/analytics of the last 90 days by day, at ${ORDERS} orders`,
    prepare: (context) =>
      adminGets(context, () => [
        `/v1/admin/analytics?interval=day&from=${dayText(daysBefore(89))}&to=${dayText(today())}`,
      ]),
  }),
  latency({
    name: 'analytics-monthly',
    summary: `GET /v1/admin/analytics of the last 12 months by month, at ${ORDERS} orders`,
    prepare: (context) =>
      adminGets(context, () => {
        const now = today();
        const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 11, 1));
        return [`/v1/admin/analytics?interval=month&from=${dayText(from)}&to=${dayText(now)}`];
      }),
  }),
  latency({
    name: 'admin-orders-search',
    summary: `GET /v1/admin/orders?status=&from=&to= (30-day windows over the year, each status), at ${ORDERS} orders`,
    prepare: (context) =>
      adminGets(context, () =>
        STATUSES.flatMap((status) =>
          Array.from({ length: 12 }, (_, month) => {
            const to = daysBefore(month * 30);
            return `/v1/admin/orders?status=${status}&from=${dayText(daysBefore(month * 30 + 30))}&to=${dayText(to)}`;
          }),
        ),
      ),
  }),
  latency({
    name: 'admin-orders-by-buyer',
    summary: `GET /v1/admin/orders?buyer= (500 buyers in turn), at ${ORDERS} orders`,
    prepare: (context) =>
      adminGets(context, (seeded) => seeded.buyerIds.map((id) => `/v1/admin/orders?buyer=${id}`)),
  }),
];
