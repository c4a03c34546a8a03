import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../../../test/app.js';
import { testDatabaseKind } from '../../../test/db.js';
import { newUser } from '../../../test/factories/identity.js';
import { newStockedProduct } from '../../../test/factories/inventory.js';
import { moneyFlows } from '../../../test/factories/payments.js';
import { sql } from '../../platform/db.js';

/** Real parallel connections on PostgreSQL; the embedded database serialises the same race. */
const PAYMENTS = testDatabaseKind() === 'postgres' ? 80 : 12;

let t: TestApp;
let flows: ReturnType<typeof moneyFlows>;

beforeAll(async () => {
  t = await createTestApp({ env: { BAZAAR_DB_POOL_SIZE: '20' } });
  flows = moneyFlows(t);
});
afterAll(async () => {
  await t.close();
});

describe('analytics rollups under concurrent payments', () => {
  it('count every one of many payments settling at once: no update is lost', async () => {
    const admin = await newUser(t.db, { admin: true });
    const shops = [await newUser(t.db, { shop: true }), await newUser(t.db, { shop: true })];
    const checkouts = [];
    for (let i = 0; i < PAYMENTS; i += 1) {
      const buyer = await newUser(t.db);
      const product = await newStockedProduct(t.db, {
        shopId: shops[i % 2]!.shopId!,
        variants: [{ priceMinor: 1000 + i, stock: 1 }],
      });
      checkouts.push({
        buyer,
        placed: await flows.placeOrder(buyer, [{ variantId: product.variants[0]!.id, quantity: 1 }]),
      });
    }
    const answers = await Promise.all(
      checkouts.map(({ buyer, placed }) => flows.confirm(buyer, placed.payment.id, 'pm_card_visa')),
    );
    expect(answers.map((answer) => answer.json().status)).toEqual(answers.map(() => 'succeeded'));

    const [books] = await t.db.query<{ gmv: number; orders: number; commission: number }>(sql`
      SELECT coalesce(sum(p.amount) FILTER (WHERE a.name = 'provider_clearing'), 0)::bigint AS gmv,
        count(DISTINCT e.id)::int AS orders,
        coalesce(-sum(p.amount) FILTER (WHERE a.name = 'commission'), 0)::bigint AS commission
      FROM ledger_entries e JOIN ledger_postings p ON p.entry_id = e.id JOIN ledger_accounts a ON a.id = p.account_id
      WHERE e.kind = 'payment'`);
    expect(books!.orders).toBe(PAYMENTS);
    const today = new Date().toISOString().slice(0, 10);
    const answer = await t.app.inject({
      method: 'GET',
      url: `/v1/admin/analytics?from=${today}&to=${today}`,
      headers: bearer(admin.token),
    });
    expect(answer.json().totals).toMatchObject({
      gmv: { amount: books!.gmv },
      orders: PAYMENTS,
      net_revenue: { amount: books!.commission },
      new_buyers: PAYMENTS,
      active_sellers: 2,
    });
    if (testDatabaseKind() === 'postgres') {
      // The payments spread over the day's slots rather than queueing on one row.
      const [slots] = await t.db.query<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM analytics_daily WHERE day = ${today}::date AND orders > 0`,
      );
      expect(slots!.n).toBeGreaterThan(8);
    }
  });
});
