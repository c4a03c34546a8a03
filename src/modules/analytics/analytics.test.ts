import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../../../test/app.js';
import { newUser, type TestUser } from '../../../test/factories/identity.js';
import { newStockedProduct } from '../../../test/factories/inventory.js';
import { ADDRESS, freshKey, moneyFlows, TEST_WEBHOOK_SECRET, usd } from '../../../test/factories/payments.js';
import { newShippingOption } from '../../../test/factories/shipping.js';
import { expectProblem } from '../../../test/problem.js';
import { sql } from '../../platform/db.js';
import type { Interval } from './analytics.periods.js';

let t: TestApp;
let flows: ReturnType<typeof moneyFlows>;
let admin: TestUser;
let sellerA: TestUser;
let sellerB: TestUser;

beforeAll(async () => {
  t = await createTestApp({ env: { BAZAAR_SANDBOX_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET } });
  flows = moneyFlows(t);
  admin = await newUser(t.db, { admin: true });
  sellerA = await newUser(t.db, { shop: 'Analytics Shop A' });
  sellerB = await newUser(t.db, { shop: 'Analytics Shop B' });
  await newShippingOption(t, sellerA);
  const rate = await flows.call('POST', '/v1/admin/tax-rates', admin.token, {
    name: 'US',
    country: 'US',
    rate_bps: 1000,
    applies_to_shipping: true,
  });
  expect(rate.statusCode, rate.body).toBe(201);
  // An admin's promotion is platform-funded: the platform's cost, which net revenue subtracts from the commission.
  const promotion = await flows.call('POST', '/v1/admin/promotions', admin.token, {
    code: 'ANALYTICS10',
    type: 'percentage',
    percent_bps: 1000,
  });
  expect(promotion.statusCode, promotion.body).toBe(201);
});
afterAll(async () => {
  await t.close();
});

const variantOf = async (seller: TestUser, priceMinor: number) =>
  (await newStockedProduct(t.db, { shopId: seller.shopId!, variants: [{ priceMinor, stock: 20 }] }))
    .variants[0]!.id;

async function paid(
  buyer: TestUser,
  lines: { seller: TestUser; price: number; quantity: number }[],
  code?: string,
) {
  const variants = [];
  for (const line of lines)
    variants.push({ variantId: await variantOf(line.seller, line.price), quantity: line.quantity });
  if (code) {
    for (const { variantId, quantity } of variants) {
      const added = await flows.call('POST', '/v1/cart/items', buyer.token, {
        variant_id: variantId,
        quantity,
      });
      expect(added.statusCode, added.body).toBe(200);
    }
    const applied = await flows.call('POST', '/v1/cart/promotions', buyer.token, { code });
    expect(applied.statusCode, applied.body).toBe(200);
  }
  const placed = await flows.placeOrder(buyer, code ? [] : variants);
  const confirmed = await flows.confirm(buyer, placed.payment.id, 'pm_card_visa');
  expect(confirmed.json().status, confirmed.body).toBe('succeeded');
  return placed;
}

let disputes = 0;
const disputeEvent = (type: 'dispute.created' | 'dispute.closed', data: Record<string, unknown>) =>
  JSON.stringify({
    id: `evt_analytics_${process.pid}_${disputes++}`,
    type,
    created: Math.floor(Date.now() / 1000),
    data,
  });

/**
 * Several buyers (one of them a guest, twice), two shops, shipping, tax and a platform-funded code,
 * a partial refund, a return refunded at the platform's cost, a lost dispute, and an order never
 * paid: the marketplace whose figures the tests below check against its books.
 */
async function marketplaceActivity() {
  const [cleo, dev, eve] = [await newUser(t.db), await newUser(t.db), await newUser(t.db)];
  await paid(cleo, [
    { seller: sellerA, price: 1000, quantity: 2 },
    { seller: sellerB, price: 700, quantity: 1 },
  ]);
  await paid(cleo, [{ seller: sellerB, price: 1200, quantity: 1 }], 'ANALYTICS10');
  const refunded = await paid(dev, [{ seller: sellerA, price: 3000, quantity: 1 }]);
  const refund = await flows.refund(sellerA.token, refunded.orders[0]!.id, {
    amount: usd(500),
    reason: 'scratched',
  });
  expect(refund.statusCode, refund.body).toBe(201);

  // A return the seller refuses and an admin refunds at the platform's cost.
  const returned = await paid(eve, [{ seller: sellerA, price: 2500, quantity: 1 }]);
  const orderId = returned.orders[0]!.id;
  expect(
    (
      await flows.call('POST', `/v1/orders/${orderId}/ship`, sellerA.token, {
        carrier: 'UPS',
        tracking_number: '1Z',
      })
    ).statusCode,
  ).toBe(200);
  expect((await flows.call('POST', `/v1/orders/${orderId}/confirm-delivery`, eve.token)).statusCode).toBe(
    200,
  );
  const asked = await flows.call('POST', `/v1/orders/${orderId}/returns`, eve.token, {
    items: [{ order_item_id: returned.orders[0]!.items[0]!.id, quantity: 1 }],
    reason: 'damaged',
  });
  expect(asked.statusCode, asked.body).toBe(201);
  const returnId = asked.json().id;
  expect(
    (await flows.call('POST', `/v1/returns/${returnId}/reject`, sellerA.token, { reason: 'fine' }))
      .statusCode,
  ).toBe(200);
  expect(
    (await flows.call('POST', `/v1/returns/${returnId}/escalate`, eve.token, { note: 'broken' })).statusCode,
  ).toBe(200);
  const resolved = await flows.call('POST', `/v1/admin/returns/${returnId}/resolve`, admin.token, {
    outcome: 'refund',
    funded_by: 'platform',
  });
  expect(resolved.statusCode, resolved.body).toBe(200);

  // A lost card dispute over part of a two-shop payment.
  const disputed = await paid(dev, [
    { seller: sellerA, price: 1500, quantity: 1 },
    { seller: sellerB, price: 900, quantity: 1 },
  ]);
  const dispute = { dispute_id: `dsp_analytics_${disputed.payment.id}`, payment_id: disputed.payment.id };
  for (const body of [
    disputeEvent('dispute.created', { ...dispute, amount: 1200, reason: 'fraudulent' }),
    disputeEvent('dispute.closed', { ...dispute, status: 'lost' }),
  ]) {
    expect((await flows.sandboxWebhook(body)).statusCode).toBe(200);
  }

  // A guest buys twice with one address (in two spellings): one new buyer.
  for (const email of ['Guest.Analytics@example.com', 'guest.analytics@example.com']) {
    const cart = (await t.app.inject({ method: 'POST', url: '/v1/guest/cart' })).json().cart_token;
    const added = await t.app.inject({
      method: 'POST',
      url: '/v1/cart/items',
      headers: { 'bazaar-cart-token': cart },
      payload: { variant_id: await variantOf(sellerB, 800), quantity: 1 },
    });
    expect(added.statusCode, added.body).toBe(200);
    const placed = await t.app.inject({
      method: 'POST',
      url: '/v1/checkout',
      headers: { 'bazaar-cart-token': cart, 'idempotency-key': freshKey() },
      payload: { email, shipping_address: ADDRESS },
    });
    expect(placed.statusCode, placed.body).toBe(201);
    const confirmed = await t.app.inject({
      method: 'POST',
      url: `/v1/payments/${placed.json().payment.id}/confirm`,
      headers: { 'bazaar-order-token': placed.json().order_token, 'idempotency-key': freshKey() },
      payload: { payment_method: 'pm_card_visa' },
    });
    expect(confirmed.json().status, confirmed.body).toBe('succeeded');
  }

  // Placed, never paid: no figure.
  await flows.placeOrder(await newUser(t.db), [{ variantId: await variantOf(sellerB, 400), quantity: 1 }]);
  await flows.drainJobs();
}

interface Expected {
  gmv: number;
  orders: number;
  netRevenue: number;
  refunds: number;
  disputes: number;
  newBuyers: number;
  activeSellers: number;
}

/**
 * The figures per period (or in all, without an interval) computed straight from the orders, the
 * ledger and the disputes, the way the contract defines them.
 */
async function fromTheBooks(interval: Interval | null): Promise<Map<string, Expected>> {
  const period = (column: ReturnType<typeof sql>) =>
    interval === null
      ? sql`'all'`
      : sql`to_char(date_trunc(${interval}, ${column} AT TIME ZONE 'UTC'), 'YYYY-MM-DD')`;
  const orders = await t.db.query<{ period: string; gmv: number; orders: number; sellers: number }>(sql`
    SELECT ${period(sql`paid_at`)} AS period, sum(total_amount)::bigint AS gmv, count(*)::int AS orders,
      count(DISTINCT shop_id)::int AS sellers
    FROM orders WHERE paid_at IS NOT NULL GROUP BY 1`);
  const ledger = await t.db.query<{ period: string; captured: number; net: number; refunds: number }>(sql`
    SELECT ${period(sql`e.created_at`)} AS period,
      coalesce(sum(p.amount) FILTER (WHERE e.kind = 'payment' AND a.name = 'provider_clearing'), 0)::bigint AS captured,
      (coalesce(-sum(p.amount) FILTER (WHERE a.name = 'commission'), 0)
        - coalesce(sum(p.amount) FILTER (WHERE a.name = 'promotions_expense'), 0))::bigint AS net,
      coalesce(-sum(p.amount) FILTER (WHERE e.kind = 'refund' AND a.name = 'provider_clearing'), 0)::bigint AS refunds
    FROM ledger_entries e JOIN ledger_postings p ON p.entry_id = e.id JOIN ledger_accounts a ON a.id = p.account_id
    GROUP BY 1`);
  const opened = await t.db.query<{ period: string; disputes: number }>(sql`
    SELECT ${period(sql`created_at`)} AS period, count(*)::int AS disputes FROM disputes GROUP BY 1`);
  const buyers = await t.db.query<{ period: string; buyers: number }>(sql`
    SELECT ${period(sql`first_paid`)} AS period, count(*)::int AS buyers
    FROM (
      SELECT coalesce('user:' || buyer_id, 'guest:' || lower(guest_email)), min(paid_at) AS first_paid
      FROM orders WHERE paid_at IS NOT NULL GROUP BY 1
    ) b GROUP BY 1`);
  const figures = new Map<string, Expected>();
  const at = (key: string) => {
    let found = figures.get(key);
    if (!found) {
      found = { gmv: 0, orders: 0, netRevenue: 0, refunds: 0, disputes: 0, newBuyers: 0, activeSellers: 0 };
      figures.set(key, found);
    }
    return found;
  };
  for (const row of orders)
    Object.assign(at(row.period), { gmv: row.gmv, orders: row.orders, activeSellers: row.sellers });
  for (const row of ledger) {
    // What the orders say was paid is what the provider captured in the books.
    expect(row.captured).toBe(at(row.period).gmv);
    Object.assign(at(row.period), { netRevenue: row.net, refunds: row.refunds });
  }
  for (const row of opened) at(row.period).disputes = row.disputes;
  for (const row of buyers) at(row.period).newBuyers = row.buyers;
  return figures;
}

const presented = (figures: Expected) => ({
  gmv: usd(figures.gmv),
  net_revenue: usd(figures.netRevenue),
  orders: figures.orders,
  average_order_value: figures.orders === 0 ? null : usd(Math.round(figures.gmv / figures.orders)),
  refunds: usd(figures.refunds),
  refund_rate: figures.gmv === 0 ? null : figures.refunds / figures.gmv,
  disputes: figures.disputes,
  new_buyers: figures.newBuyers,
  active_sellers: figures.activeSellers,
});
const NONE = presented({
  gmv: 0,
  orders: 0,
  netRevenue: 0,
  refunds: 0,
  disputes: 0,
  newBuyers: 0,
  activeSellers: 0,
});

const analytics = (query: string, token: string | null = admin.token) =>
  t.app.inject({ method: 'GET', url: `/v1/admin/analytics${query}`, headers: token ? bearer(token) : {} });

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

/** The answer for each interval equals the books: every period, and the totals. */
async function expectReconciled() {
  const all = (await fromTheBooks(null)).get('all')!;
  for (const [interval, from] of [
    ['day', daysAgo(20)],
    ['week', daysAgo(40)],
    ['month', daysAgo(80)],
  ] as const) {
    const response = await analytics(`?interval=${interval}&from=${from}&to=${daysAgo(0)}`);
    expect(response.statusCode, response.body).toBe(200);
    const { data, totals } = response.json();
    const books = await fromTheBooks(interval);
    expect(data.length).toBeGreaterThan(1);
    for (const row of data) {
      const expected = books.get(row.period);
      expect(row, `${interval} ${row.period}`).toEqual({
        period: row.period,
        ...(expected ? presented(expected) : NONE),
      });
      books.delete(row.period);
    }
    expect([...books.keys()], 'periods with activity the answer left out').toEqual([]);
    expect(totals).toEqual(presented(all));
  }
  return all;
}

describe('GET /v1/admin/analytics', () => {
  it('answers figures that equal sums of the orders, the ledger and the disputes, per day, week and month', async () => {
    await marketplaceActivity();
    const all = await expectReconciled();
    // The activity is all there: 9 paid orders (a two-shop checkout counts two), 4 buyers of whom a
    // guest, both shops, money back from a refund, a return and a lost dispute.
    expect(all).toMatchObject({ orders: 9, newBuyers: 4, activeSellers: 2, disputes: 1 });
    expect(all.refunds).toBeGreaterThan(500);
    expect(all.netRevenue).toBeGreaterThan(0);

    // The migration's backfill of a database that had the same history gives the same figures.
    await t.db.execute(sql`TRUNCATE analytics_daily, analytics_first_orders, analytics_active_shops`);
    const migration = readFileSync(new URL('../../migrations/0094_analytics.sql', import.meta.url), 'utf8');
    await t.db.transaction((tx) => tx.exec(migration.slice(migration.indexOf('-- Backfill'))));
    await expectReconciled();
  });

  it('defaults to the last 30 days, 12 weeks or 12 months to today, in whole periods', async () => {
    const days = (await analytics('')).json().data;
    expect(days).toHaveLength(30);
    expect(days.at(-1).period).toBe(daysAgo(0));
    const weeks = (await analytics('?interval=week')).json().data;
    expect(weeks).toHaveLength(12);
    expect(new Date(weeks[0].period).getUTCDay()).toBe(1);
    const months = (await analytics('?interval=month&to=2026-03-10')).json().data;
    expect(months.map((m: { period: string }) => m.period)).toEqual([
      '2025-04-01',
      '2025-05-01',
      '2025-06-01',
      '2025-07-01',
      '2025-08-01',
      '2025-09-01',
      '2025-10-01',
      '2025-11-01',
      '2025-12-01',
      '2026-01-01',
      '2026-02-01',
      '2026-03-01',
    ]);
    // A week is whole: Wednesday to the next Tuesday touches two ISO weeks.
    const two = (await analytics('?interval=week&from=2026-01-07&to=2026-01-13')).json().data;
    expect(two.map((w: { period: string }) => w.period)).toEqual(['2026-01-05', '2026-01-12']);
  });

  it('is for admins only, and names the field of a bad query', async () => {
    expectProblem(await analytics('', null), 401, 'unauthenticated');
    expectProblem(await analytics('', sellerA.token), 403, 'forbidden');
    for (const [query, path] of [
      ['?from=yesterday', '/query/from'],
      ['?to=2026-02-30', '/query/to'],
      ['?interval=year', '/query/interval'],
      ['?from=2026-01-01T00:00:00Z', '/query/from'],
      ['?currency=EUR', '/query/currency'],
    ] as const) {
      const response = await analytics(query);
      expectProblem(response, 422, 'validation_failed');
      expect(
        response.json().errors.map((e: { path: string }) => e.path),
        query,
      ).toContain(path);
    }
    const backwards = await analytics('?from=2026-03-02&to=2026-03-01');
    expectProblem(backwards, 422, 'validation_failed', 'analytics_period_invalid');
    expect(backwards.json().errors[0].path).toBe('/query/to');
    const long = await analytics('?from=2020-01-01&to=2026-01-01');
    expectProblem(long, 422, 'validation_failed', 'analytics_period_too_long');
    expect(long.json().errors[0].path).toBe('/query/from');
    expect((await analytics('?from=2020-01-01&to=2026-01-01&interval=month')).statusCode).toBe(200);
  });
});
