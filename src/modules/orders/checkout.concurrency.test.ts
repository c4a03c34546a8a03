import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../../../test/app.js';
import { testDatabaseKind } from '../../../test/db.js';
import { callerOfUser, newUser, type TestUser } from '../../../test/factories/identity.js';
import { newStockedProduct, stockOf } from '../../../test/factories/inventory.js';
import { countBy } from '../../../test/statuses.js';
import { sql } from '../../platform/db.js';
import { JobRunner } from '../../platform/jobs.js';
import { HOT_AT_ONCE } from '../inventory/index.js';
import { registerOrderJobs } from './orders.jobs.js';

/**
 * Real parallel connections on PostgreSQL (a pool of 20); the embedded database runs the same
 * races at a smaller scale, serialised by its single connection.
 */
const onPostgres = testDatabaseKind() === 'postgres';
const scale = (postgres: number, embedded: number) => (onPostgres ? postgres : embedded);

let t: TestApp;
let seller: TestUser;
beforeAll(async () => {
  t = await createTestApp({ env: { BAZAAR_DB_POOL_SIZE: '20' } });
  seller = await newUser(t.db, { shop: 'Flash Shop' });
});
afterAll(async () => {
  await t.close();
});

const ADDRESS = { name: 'B', line1: '1 St', city: 'C', postal_code: '1', country: 'US' };

/** Units still held by checkouts: none once every checkout has answered. */
const heldUnits = async () => {
  const [row] = await t.db.query<{ units: number }>(
    sql`SELECT coalesce(sum(quantity), 0)::int AS units FROM stock_holds`,
  );
  return row!.units;
};

async function buyersWithCarts(
  count: number,
  lines: (i: number) => { variantId: string; quantity: number }[],
) {
  const buyers: TestUser[] = [];
  for (let i = 0; i < count; i++) {
    const buyer = await newUser(t.db);
    for (const line of lines(i)) await t.services.cart.addItem(callerOfUser(buyer), line);
    buyers.push(buyer);
  }
  return buyers;
}

/**
 * Every race runs with group commit on (a hot variant's checkouts hold their units together
 * before their transactions) and off (each transaction reserves its own), on one database.
 */
describe.each(['on', 'off'] as const)('checkout under concurrency, group commit %s', (mode) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({
      env: { BAZAAR_DB_POOL_SIZE: '20', BAZAAR_GROUP_COMMIT: mode === 'on' ? 'true' : 'false' },
      database: { db: t.db, url: t.url },
    });
  });
  afterAll(async () => {
    await app.close();
  });

  const checkout = (buyer: TestUser, key: string) =>
    app.app.inject({
      method: 'POST',
      url: '/v1/checkout',
      payload: { shipping_address: ADDRESS },
      headers: { ...bearer(buyer.token), 'idempotency-key': key },
    });

  /**
   * What group commit did in this app: nothing when off; batches of several buyers when on. The
   * embedded database runs one transaction at a time, so its checkouts never contend and stay
   * in-line.
   */
  const expectBatching = () => {
    const { batches, asks } = app.services.stockHolds.counts;
    if (mode === 'off' || !onPostgres) expect(batches).toBe(0);
    else expect(asks).toBeGreaterThan(batches);
  };

  it('sells exactly the units in stock when many more buyers check out at once', async () => {
    const units = scale(100, 10);
    const buyersCount = scale(1000, 40);
    const product = await newStockedProduct(t.db, { shopId: seller.shopId!, variants: [{ stock: units }] });
    const variantId = product.variants[0]!.id;
    // Every buyer may add one unit: the cart checks stock at add time, and nothing is reserved yet.
    const buyers = await buyersWithCarts(buyersCount, () => [{ variantId, quantity: 1 }]);

    const responses = await Promise.all(buyers.map((buyer, i) => checkout(buyer, `flash-${i}`)));
    const statuses = countBy(responses.map((r) => r.statusCode));
    expect(statuses).toEqual({ 201: units, 409: buyersCount - units });
    for (const response of responses.filter((r) => r.statusCode === 409)) {
      expect(response.json().code).toBe('insufficient_stock');
    }
    expect(await stockOf(t.db, variantId)).toEqual({ onHand: units, reserved: units });
    const [orders] = await t.db.query<{ count: number; quantity: number }>(sql`
      SELECT count(DISTINCT o.id)::int AS count, coalesce(sum(i.quantity), 0)::int AS quantity
      FROM orders o JOIN order_items i ON i.order_id = o.id WHERE i.variant_id = ${variantId}`);
    expect(orders).toEqual({ count: units, quantity: units });
    expect(await heldUnits()).toBe(0);
    expectBatching();
  });

  it('never lets a deadlock reach a client when multi-line carts cross', async () => {
    const product = await newStockedProduct(t.db, {
      shopId: seller.shopId!,
      variants: [{ stock: 1000 }, { stock: 1000 }, { stock: 1000 }],
    });
    const [a, b, c] = product.variants.map((v) => v.id) as [string, string, string];
    const orders = [
      [a, b, c],
      [c, b, a],
      [b, c, a],
    ];
    const buyers = await buyersWithCarts(scale(90, 12), (i) =>
      orders[i % 3]!.map((variantId) => ({ variantId, quantity: 1 + (i % 2) })),
    );
    const responses = await Promise.all(buyers.map((buyer, i) => checkout(buyer, `cross-${i}`)));
    expect(countBy(responses.map((r) => r.statusCode))).toEqual({ 201: buyers.length });
    const sold = buyers.reduce((sum, _b, i) => sum + 1 + (i % 2), 0);
    for (const variantId of [a, b, c])
      expect(await stockOf(t.db, variantId)).toEqual({ onHand: 1000, reserved: sold });
    expect(await heldUnits()).toBe(0);
  });

  it('runs one checkout for many identical requests with one Idempotency-Key', async () => {
    const product = await newStockedProduct(t.db, { shopId: seller.shopId!, variants: [{ stock: 5 }] });
    const [buyer] = await buyersWithCarts(1, () => [{ variantId: product.variants[0]!.id, quantity: 1 }]);
    const responses = await Promise.all(
      Array.from({ length: scale(200, 30) }, () => checkout(buyer!, 'the-one-key')),
    );
    const created = responses.filter((r) => r.statusCode === 201);
    const statuses = new Set(responses.map((r) => r.statusCode));
    expect([...statuses].every((s) => s === 201 || s === 409)).toBe(true);
    for (const r of responses.filter((r) => r.statusCode === 409))
      expect(r.json().code).toBe('idempotency_key_in_use');
    expect(new Set(created.map((r) => r.body)).size).toBe(1);
    expect(created.filter((r) => r.headers['idempotent-replayed'] !== 'true')).toHaveLength(1);
    const [{ count }] = (await t.db.query<{ count: number }>(
      sql`SELECT count(*)::int AS count FROM orders WHERE buyer_id = ${buyer!.id}`,
    )) as [{ count: number }];
    expect(count).toBe(1);
    expect(await stockOf(t.db, product.variants[0]!.id)).toEqual({ onHand: 5, reserved: 1 });
  });

  it('releases stock once when expiry races the buyer cancelling', async () => {
    const rounds = scale(30, 8);
    const product = await newStockedProduct(t.db, {
      shopId: seller.shopId!,
      variants: [{ stock: rounds * 2 }],
    });
    const variantId = product.variants[0]!.id;
    const buyers = await buyersWithCarts(rounds, () => [{ variantId, quantity: 2 }]);
    const placed = await Promise.all(buyers.map((buyer, i) => checkout(buyer, `race-${i}`)));
    const orderIds = placed.map((r) => r.json().orders[0].id as string);
    await t.db.execute(
      sql`UPDATE orders SET expires_at = now() - interval '1 second' WHERE id = ANY(${sql.param(orderIds)}::text[])`,
    );

    const outcomes = await Promise.all(
      orderIds.flatMap((orderId, i) => [
        app.services.orders.expire(orderId).then((expired) => (expired ? 'expired' : 'noop')),
        app.app
          .inject({ method: 'POST', url: `/v1/orders/${orderId}/cancel`, headers: bearer(buyers[i]!.token) })
          .then((r) => (r.statusCode === 200 ? 'cancelled' : String(r.statusCode))),
      ]),
    );
    const winners = outcomes.filter((o) => o === 'expired' || o === 'cancelled');
    expect(winners).toHaveLength(rounds);
    expect(outcomes.every((o) => ['expired', 'cancelled', 'noop', '409'].includes(o))).toBe(true);
    expect(await stockOf(t.db, variantId)).toEqual({ onHand: rounds * 2, reserved: 0 });
    const [{ released }] = (await t.db.query<{ released: number }>(sql`
      SELECT coalesce(sum(-reserved_delta), 0)::int AS released FROM stock_movements
      WHERE variant_id = ${variantId} AND kind = 'release'`)) as [{ released: number }];
    expect(released).toBe(rounds * 2);
  });
});

describe('checkouts of hot stock (group commit on)', () => {
  /** The variants hot, as two checkouts of the process reserving them at once make them. */
  const contend = (variantIds: string[]) => {
    const leaving = Array.from({ length: HOT_AT_ONCE }, () => t.services.stockHolds.enter(variantIds));
    for (const leave of leaving) leave();
  };
  const checkoutAt = (buyer: TestUser, key: string, payload: object = {}) =>
    t.app.inject({
      method: 'POST',
      url: '/v1/checkout',
      payload: { shipping_address: ADDRESS, ...payload },
      headers: { ...bearer(buyer.token), 'idempotency-key': key },
    });
  const movementsOf = (variantId: string) =>
    t.db.query<{ kind: string; delta: number }>(sql`
      SELECT kind, reserved_delta AS delta FROM stock_movements
      WHERE variant_id = ${variantId} AND kind <> 'initial' ORDER BY id`);

  it('gives the held units back when the checkout’s transaction fails', async () => {
    const product = await newStockedProduct(t.db, { shopId: seller.shopId!, variants: [{ stock: 3 }] });
    const variantId = product.variants[0]!.id;
    const [buyer] = await buyersWithCarts(1, () => [{ variantId, quantity: 2 }]);
    contend([variantId]);
    const batches = t.services.stockHolds.counts.batches;
    const refused = await checkoutAt(buyer!, 'held-then-refused', {
      expected_total: { amount: 1, currency: 'USD' },
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('price_changed');
    expect(t.services.stockHolds.counts.batches).toBe(batches + 1);
    expect(await stockOf(t.db, variantId)).toEqual({ onHand: 3, reserved: 0 });
    expect(await heldUnits()).toBe(0);
    expect(await movementsOf(variantId)).toEqual([
      { kind: 'reservation', delta: 2 },
      { kind: 'release', delta: -2 },
    ]);
  });

  it('reserves in its transaction when the cart changed after its units were held', async () => {
    const product = await newStockedProduct(t.db, { shopId: seller.shopId!, variants: [{ stock: 3 }] });
    const variantId = product.variants[0]!.id;
    const [buyer] = await buyersWithCarts(1, () => [{ variantId, quantity: 2 }]);
    contend([variantId]);
    // The cart as read before the transaction: one unit, as if the buyer added the second just after.
    const cart = await t.services.cart.contentsOf(callerOfUser(buyer!));
    const read = vi
      .spyOn(t.services.cart, 'contentsOf')
      .mockResolvedValueOnce({ ...cart, items: [{ ...cart.items[0]!, quantity: 1 }] });
    try {
      const placed = await checkoutAt(buyer!, 'held-then-changed');
      expect(placed.statusCode).toBe(201);
      expect(placed.json().orders[0].items[0].quantity).toBe(2);
    } finally {
      read.mockRestore();
    }
    expect(await stockOf(t.db, variantId)).toEqual({ onHand: 3, reserved: 2 });
    expect(await heldUnits()).toBe(0);
    expect(await movementsOf(variantId)).toEqual([
      { kind: 'reservation', delta: 1 },
      { kind: 'release', delta: -1 },
      { kind: 'reservation', delta: 2 },
    ]);
  });
});

describe('order expiry job', () => {
  it('cancels an order that expired while no worker ran, exactly once with two workers racing', async () => {
    const expiring = await createTestApp({
      env: { BAZAAR_ORDER_TTL_SECONDS: '1' },
      database: { db: t.db, url: t.url },
    });
    try {
      const product = await newStockedProduct(t.db, { shopId: seller.shopId!, variants: [{ stock: 3 }] });
      const variantId = product.variants[0]!.id;
      const [buyer] = await buyersWithCarts(1, () => [{ variantId, quantity: 2 }]);
      const placed = await expiring.app.inject({
        method: 'POST',
        url: '/v1/checkout',
        payload: { shipping_address: ADDRESS },
        headers: { ...bearer(buyer!.token), 'idempotency-key': 'expiring' },
      });
      const orderId = placed.json().orders[0].id;
      // Not due yet: running the due jobs (other modules' periodic ones may be among them) leaves it.
      await expiring.services.jobs.runDueJobs();
      const early = await expiring.app.inject({
        method: 'GET',
        url: `/v1/orders/${orderId}`,
        headers: bearer(buyer!.token),
      });
      expect(early.json().status).toBe('pending_payment');
      await new Promise((resolve) => setTimeout(resolve, 1100));

      const secondWorker = new JobRunner(t.db);
      registerOrderJobs(secondWorker, expiring.services.orders);
      const ran = await Promise.all([expiring.services.jobs.runDueJobs(), secondWorker.runDueJobs()]);
      expect(ran.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);

      const order = await expiring.app.inject({
        method: 'GET',
        url: `/v1/orders/${orderId}`,
        headers: bearer(buyer!.token),
      });
      expect(order.json().status).toBe('cancelled');
      expect(await stockOf(t.db, variantId)).toEqual({ onHand: 3, reserved: 0 });
      const releases = await t.db.query(
        sql`SELECT 1 FROM stock_movements WHERE variant_id = ${variantId} AND kind = 'release'`,
      );
      expect(releases).toHaveLength(1);
      const payment = await expiring.services.payments.get(callerOfUser(buyer!), placed.json().payment.id);
      expect(payment).toMatchObject({ status: 'canceled', amount: { amount: 0 } });
    } finally {
      await expiring.close();
    }
  });
});
