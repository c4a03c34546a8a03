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

/** The budget for a two-shop checkout's transaction with shipping, tax and a promotion, BEGIN and COMMIT included. */
const ROUND_TRIP_BUDGET = 8;

let t: TestApp;
let counter: RoundTripCounter;
let buyers: Buyer[];
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
  const [first, second] = await seedVariants(database.db, shops, {
    count: 2,
    variantsPerProduct: 1,
    stock: 100,
    priceMinor: 1999,
  });
  const cart = [
    { variantId: first!, quantity: 2 },
    { variantId: second!, quantity: 1 },
  ];
  buyers = await seedBuyers(database.db, [cart, cart, cart], BENCH_CODE);
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
});
