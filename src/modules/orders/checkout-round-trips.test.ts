import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BENCH_ADDRESS,
  BENCH_CODE,
  type Buyer,
  seedBuyers,
  seedPromotions,
  seedShippingOptions,
  seedShops,
  seedTaxRates,
  seedVariants,
} from '../../../bench/orders-seed.js';
import { bearer, createTestApp, type TestApp } from '../../../test/app.js';
import { createTestDatabase } from '../../../test/db.js';
import { countingRoundTrips, type RoundTripCounter } from '../../../test/round-trips.js';
import { HOT_AT_ONCE } from '../inventory/index.js';

/** The budget for a two-shop checkout's transaction with shipping, tax and a promotion, BEGIN and COMMIT included. */
const ROUND_TRIP_BUDGET = 8;

let t: TestApp;
let counter: RoundTripCounter;
let buyers: Buyer[];
let variantIds: string[];
let keys = 0;

beforeAll(async () => {
  const database = await createTestDatabase();
  counter = countingRoundTrips(database.db, { record: true });
  t = await createTestApp({ database: { ...database, db: counter.db } });
  // The bench's checkout: two shops (shipping options and sales tax where the buyer lives), the
  // bench's code on every cart and an automatic free shipping that the two lines reach.
  const shops = await seedShops(database.db, 2);
  await seedShippingOptions(database.db, shops);
  await seedTaxRates(database.db);
  await seedPromotions(database.db);
  variantIds = await seedVariants(database.db, shops, {
    count: 2,
    variantsPerProduct: 1,
    stock: 100,
    priceMinor: 1999,
  });
  const cart = [
    { variantId: variantIds[0]!, quantity: 2 },
    { variantId: variantIds[1]!, quantity: 1 },
  ];
  buyers = await seedBuyers(database.db, [cart, cart, cart, cart], BENCH_CODE);
});
afterAll(async () => {
  await t.close();
  await t.db.close();
});

const checkout = (buyer: Buyer) =>
  t.app.inject({
    method: 'POST',
    url: '/v1/checkout',
    payload: { shipping_address: BENCH_ADDRESS },
    headers: { ...bearer(buyer.token), 'idempotency-key': `rt-${keys++}` },
  });

describe('a checkout', () => {
  it(`of two shops with shipping, tax and a promotion costs at most ${ROUND_TRIP_BUDGET} round trips`, async () => {
    // The first checkout warms what the app caches; the budget is the steady state's.
    expect((await checkout(buyers[0]!)).statusCode).toBe(201);
    counter.reset();
    const placed = await checkout(buyers[1]!);
    expect(placed.statusCode, placed.body).toBe(201);
    const { orders } = placed.json();
    expect(orders).toHaveLength(2);
    for (const order of orders) {
      expect(order.shipping).not.toBeNull();
      expect(order.tax_total.amount).toBeGreaterThan(0);
    }
    expect(orders.flatMap((order: { promotions: { code: string | null }[] }) => order.promotions)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: BENCH_CODE }),
        expect.objectContaining({ code: null }),
      ]),
    );
    const statements = counter.statements();
    const listed = statements.join('\n');
    // The checkout's transaction, BEGIN to COMMIT; before it, the route looks the caller's session up
    // and claims the Idempotency-Key in a statement of its own (a duplicate must meet it at once).
    const transaction = statements.slice(statements.indexOf('BEGIN'), statements.lastIndexOf('COMMIT') + 1);
    expect(transaction.length, listed).toBeLessThanOrEqual(ROUND_TRIP_BUDGET);
    expect(statements.length, listed).toBeLessThanOrEqual(ROUND_TRIP_BUDGET + 2);
  });

  it('of hot stock locks its cart with the pricing reads and takes its held units with its writes', async () => {
    // The variants hot, as checkouts of the process reserving them at once make them.
    for (const leave of Array.from({ length: HOT_AT_ONCE }, () => t.services.stockHolds.enter(variantIds)))
      leave();
    const batches = t.services.stockHolds.counts.batches;
    counter.reset();
    const placed = await checkout(buyers[2]!);
    expect(placed.statusCode, placed.body).toBe(201);
    expect(t.services.stockHolds.counts.batches).toBe(batches + 2);
    const statements = counter.statements();
    const transaction = statements.slice(statements.indexOf('BEGIN'), statements.lastIndexOf('COMMIT') + 1);
    // BEGIN, the locked cart with the pricing reads, the orders, the writes with the holds taken,
    // the promotions' uses, COMMIT. Before it, the session, the key, the cart read and a hold per
    // variant (each a batch of its own).
    expect(transaction.length, transaction.join('\n')).toBe(ROUND_TRIP_BUDGET - 2);
    expect(transaction[1]).toMatch(/FROM carts c .* FOR UPDATE OF c/);
    expect(statements.length, statements.join('\n')).toBe(ROUND_TRIP_BUDGET - 2 + 5);
  });
});
