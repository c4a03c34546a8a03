import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../../../test/app.js';
import { testDatabaseKind } from '../../../test/db.js';
import { callerOfUser, newUser, type TestUser } from '../../../test/factories/identity.js';
import { newStockedProduct } from '../../../test/factories/inventory.js';
import { flatRate, newShippingOption } from '../../../test/factories/shipping.js';
import { expectProblem } from '../../../test/problem.js';
import { countBy } from '../../../test/statuses.js';
import { sql } from '../../platform/db.js';

const onPostgres = testDatabaseKind() === 'postgres';

let t: TestApp;
let admin: TestUser;
let seller: TestUser;
let variantId: string;

const ADDRESS = { name: 'B', line1: '1 St', city: 'C', postal_code: '1', country: 'US' };
const usd = (amount: number) => ({ amount, currency: 'USD' });
let keys = 0;
let codes = 0;
const uniqueCode = (stem: string) => `${stem}${Date.now().toString(36)}${codes++}`;

beforeAll(async () => {
  t = await createTestApp({ env: { BAZAAR_DB_POOL_SIZE: '20' } });
  admin = await newUser(t.db, { admin: true });
  seller = await newUser(t.db, { shop: 'Promoted Shop' });
  await newShippingOption(t, seller, { rate: flatRate(500) });
  const product = await newStockedProduct(t.db, {
    shopId: seller.shopId!,
    variants: [{ priceMinor: 2000, stock: 100_000 }],
  });
  variantId = product.variants[0]!.id;
});
afterAll(async () => {
  await t.close();
});

const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, token: string, payload?: object) =>
  t.app.inject({ method, url, ...(payload ? { payload } : {}), headers: bearer(token) });
const checkout = (buyer: TestUser) =>
  t.app.inject({
    method: 'POST',
    url: '/v1/checkout',
    payload: { shipping_address: ADDRESS },
    headers: { ...bearer(buyer.token), 'idempotency-key': `promo-${Date.now()}-${keys++}` },
  });
const buyerWithCart = async (quantity = 1) => {
  const buyer = await newUser(t.db);
  const added = await call('POST', '/v1/cart/items', buyer.token, { variant_id: variantId, quantity });
  expect(added.statusCode, added.body).toBe(200);
  return buyer;
};
/** Runs `task` for 0…count−1, `width` at a time, in order. */
async function inBatches<T>(count: number, width: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < count; start += width)
    results.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(width, count - start) }, (_, k) => task(start + k)),
      )),
    );
  return results;
}
const createPromotion = async (body: object) => {
  const response = await call('POST', '/v1/admin/promotions', admin.token, body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
};
const usedCount = async (id: string) =>
  (await call('GET', '/v1/admin/promotions?limit=100', admin.token))
    .json()
    .data.find((p: { id: string }) => p.id === id).used_count;

describe('a code on the cart', () => {
  it('shows its discount, refuses codes that do not apply with the reason, and comes off', async () => {
    const code = uniqueCode('Ten');
    const promotion = await createPromotion({ code, type: 'percentage', percent_bps: 1000 });
    const buyer = await buyerWithCart(2);
    const applied = await call('POST', '/v1/cart/promotions', buyer.token, { code: code.toLowerCase() });
    expect(applied.statusCode, applied.body).toBe(200);
    expect(applied.json()).toMatchObject({
      subtotal: usd(4000),
      discount_total: usd(400),
      promotions: [{ id: promotion.id, code, amount: usd(400), funded_by: 'platform' }],
    });

    expectProblem(
      await call('POST', '/v1/cart/promotions', buyer.token, { code: 'NO-SUCH-CODE' }),
      422,
      'promotion_not_applicable',
      'promotion_unknown',
    );
    const minimum = uniqueCode('Big');
    await createPromotion({ code: minimum, type: 'fixed', amount: usd(1000), min_subtotal: usd(10_000) });
    expectProblem(
      await call('POST', '/v1/cart/promotions', buyer.token, { code: minimum }),
      422,
      'promotion_not_applicable',
      'promotion_below_minimum',
    );
    const elsewhere = uniqueCode('Else');
    await createPromotion({
      code: elsewhere,
      type: 'percentage',
      percent_bps: 500,
      scope: { product_ids: ['prod_x'] },
    });
    expectProblem(
      await call('POST', '/v1/cart/promotions', buyer.token, { code: elsewhere }),
      422,
      'promotion_not_applicable',
      'promotion_no_matching_items',
    );
    // A refused code leaves the one the cart had.
    expect((await call('GET', '/v1/cart', buyer.token)).json().discount_total).toEqual(usd(400));

    const removed = await call('DELETE', `/v1/cart/promotions/${code.toUpperCase()}`, buyer.token);
    expect(removed.statusCode, removed.body).toBe(200);
    expect(removed.json()).toMatchObject({ promotions: [], discount_total: usd(0) });
  });
});

describe('checkout with promotions', () => {
  it('charges what the quote showed, records the discounts per line and per order, and counts one use', async () => {
    const code = uniqueCode('Five');
    const fixed = await createPromotion({ code, type: 'fixed', amount: usd(500) });
    const shipping = (
      await call('POST', '/v1/shop/promotions', seller.token, {
        code: uniqueCode('Ship'),
        type: 'free_shipping',
      })
    ).json();
    const buyer = await buyerWithCart(3);
    expect((await call('POST', '/v1/cart/promotions', buyer.token, { code })).statusCode).toBe(200);
    const quote = (
      await call('POST', '/v1/checkout/quote', buyer.token, { shipping_address: ADDRESS })
    ).json();
    expect(quote).toMatchObject({
      subtotal: usd(6000),
      shipping_total: usd(500),
      discount_total: usd(500),
      total: usd(6000),
      promotions: [{ id: fixed.id, code, amount: usd(500), funded_by: 'platform' }],
      problems: [],
    });
    const placed = await checkout(buyer);
    expect(placed.statusCode, placed.body).toBe(201);
    const order = placed.json().orders[0];
    expect(order.total).toEqual(quote.total);
    expect(order.discount_total).toEqual(usd(500));
    expect(order.items[0].discount).toEqual(usd(500));
    expect(order.promotions).toEqual([{ id: fixed.id, code, amount: usd(500), funded_by: 'platform' }]);
    expect(placed.json().payment.amount).toEqual(usd(6000));
    expect(await usedCount(fixed.id)).toBe(1);
    expect(shipping.used_count).toBe(0);
  });

  it('names a code that stopped applying in the quote, and checkout refuses it rather than charging more', async () => {
    const code = uniqueCode('Gone');
    const promotion = await createPromotion({ code, type: 'percentage', percent_bps: 2000 });
    const buyer = await buyerWithCart();
    expect((await call('POST', '/v1/cart/promotions', buyer.token, { code })).statusCode).toBe(200);
    await call('PATCH', `/v1/admin/promotions/${promotion.id}`, admin.token, { status: 'inactive' });
    const quote = (
      await call('POST', '/v1/checkout/quote', buyer.token, { shipping_address: ADDRESS })
    ).json();
    expect(quote.problems).toEqual([
      expect.objectContaining({
        code: 'promotion_not_applicable',
        promotion_code: code,
        reason: 'promotion_inactive',
      }),
    ]);
    expect(quote.discount_total).toEqual(usd(0));
    expectProblem(await checkout(buyer), 422, 'promotion_not_applicable', 'promotion_inactive');
  });

  it('keeps the per-customer limit with its conditional count', async () => {
    const code = uniqueCode('Once');
    const promotion = await createPromotion({ code, type: 'fixed', amount: usd(100), per_customer_limit: 1 });
    const buyer = await buyerWithCart();
    await call('POST', '/v1/cart/promotions', buyer.token, { code });
    expect((await checkout(buyer)).statusCode).toBe(201);
    await call('POST', '/v1/cart/items', buyer.token, { variant_id: variantId, quantity: 1 });
    expect((await call('POST', '/v1/cart/promotions', buyer.token, { code })).statusCode).toBe(200);
    expectProblem(await checkout(buyer), 409, 'promotion_exhausted');
    expect(await usedCount(promotion.id)).toBe(1);
    // Nothing of the refused checkout stayed: the cart still holds its line.
    expect((await call('GET', '/v1/cart', buyer.token)).json().items).toHaveLength(1);
  });

  it('gives a use back exactly once when the order is cancelled or expires', async () => {
    const code = uniqueCode('Back');
    const promotion = await createPromotion({ code, type: 'fixed', amount: usd(100), usage_limit: 5 });
    const placeWithCode = async () => {
      const buyer = await buyerWithCart();
      await call('POST', '/v1/cart/promotions', buyer.token, { code });
      const placed = await checkout(buyer);
      expect(placed.statusCode, placed.body).toBe(201);
      return { buyer, order: placed.json().orders[0] };
    };
    const cancelled = await placeWithCode();
    const expiring = await placeWithCode();
    expect(await usedCount(promotion.id)).toBe(2);
    const cancel = await t.app.inject({
      method: 'POST',
      url: `/v1/orders/${cancelled.order.id}/cancel`,
      headers: bearer(cancelled.buyer.token),
    });
    expect(cancel.statusCode, cancel.body).toBe(200);
    expect(await usedCount(promotion.id)).toBe(1);
    await t.db.execute(
      sql`UPDATE orders SET expires_at = now() - interval '1 second' WHERE id = ${expiring.order.id}`,
    );
    // Expiry racing the cancel: only one of them moves the order, and the use comes back once.
    await Promise.all([
      t.services.orders.expire(expiring.order.id),
      t.app.inject({
        method: 'POST',
        url: `/v1/orders/${expiring.order.id}/cancel`,
        headers: bearer(expiring.buyer.token),
      }),
    ]);
    expect(await t.services.orders.expire(expiring.order.id)).toBe(false);
    expect(await usedCount(promotion.id)).toBe(0);
  });

  it("counts an unlimited promotion's uses without writing its row, and a limit set later counts them", async () => {
    const code = uniqueCode('Open');
    const promotion = await createPromotion({ code, type: 'fixed', amount: usd(100) });
    const rowCount = async () =>
      (
        await t.db.query<{ usedCount: number }>(
          sql`SELECT used_count AS "usedCount" FROM promotions WHERE id = ${promotion.id}`,
        )
      )[0]!.usedCount;
    const buyerWithCode = async () => {
      const buyer = await buyerWithCart();
      expect((await call('POST', '/v1/cart/promotions', buyer.token, { code })).statusCode).toBe(200);
      return buyer;
    };
    const placeWithCode = async () => {
      const buyer = await buyerWithCode();
      return { buyer, placed: await checkout(buyer) };
    };
    const placed = [await placeWithCode(), await placeWithCode(), await placeWithCode()];
    for (const { placed: response } of placed) expect(response.statusCode, response.body).toBe(201);
    // No checkout queued on the promotion's row, yet every use is counted.
    expect(await rowCount()).toBe(0);
    expect(await usedCount(promotion.id)).toBe(3);
    const cancelled = placed[0]!;
    const cancel = await t.app.inject({
      method: 'POST',
      url: `/v1/orders/${cancelled.placed.json().orders[0].id}/cancel`,
      headers: bearer(cancelled.buyer.token),
    });
    expect(cancel.statusCode, cancel.body).toBe(200);
    expect(await usedCount(promotion.id)).toBe(2);
    // A limit takes the uses so far onto the row, where the conditional count keeps it exact.
    const limited = await call('PATCH', `/v1/admin/promotions/${promotion.id}`, admin.token, {
      usage_limit: 3,
    });
    expect(limited.statusCode, limited.body).toBe(200);
    expect(limited.json().used_count).toBe(2);
    expect(await rowCount()).toBe(2);
    const [last, late] = [await buyerWithCode(), await buyerWithCode()];
    expect((await checkout(last)).statusCode).toBe(201);
    expectProblem(await checkout(late), 409, 'promotion_exhausted');
    expect(await usedCount(promotion.id)).toBe(3);
  });

  it('never passes the usage limit when many buyers check out the code at once', async () => {
    // The flash sale at full size on PostgreSQL (real parallel connections); the embedded
    // database runs the same race at a smaller scale, serialised by its single connection.
    const limit = onPostgres ? 100 : 5;
    const buyersCount = onPostgres ? 500 : 15;
    const code = uniqueCode('Flash');
    const promotion = await createPromotion({
      code,
      type: 'percentage',
      percent_bps: 5000,
      usage_limit: limit,
    });
    // Setup, not the race: carts are filled a batch at a time.
    const buyers = await inBatches(buyersCount, 20, async () => {
      const buyer = await newUser(t.db);
      await t.services.cart.addItem(callerOfUser(buyer), { variantId, quantity: 1 });
      await t.services.cart.applyCode(callerOfUser(buyer), code);
      return buyer;
    });
    const responses = await Promise.all(buyers.map((buyer) => checkout(buyer)));
    expect(countBy(responses.map((r) => r.statusCode))).toEqual({ 201: limit, 409: buyersCount - limit });
    for (const response of responses.filter((r) => r.statusCode === 409))
      expect(response.json().code).toBe('promotion_exhausted');
    for (const response of responses.filter((r) => r.statusCode === 201)) {
      const [order] = response.json().orders;
      expect(order.promotions).toEqual([expect.objectContaining({ id: promotion.id, code })]);
      expect(order.discount_total).toEqual(usd(1000));
    }
    expect(await usedCount(promotion.id)).toBe(limit);
    const [orders] = await t.db.query<{ count: number }>(sql`
      SELECT count(*)::int AS count FROM orders o, jsonb_array_elements(o.promotions) p
      WHERE p->>'id' = ${promotion.id}`);
    expect(orders!.count).toBe(limit);
    // 500 buyers' setup and checkouts: about 20 s on PostgreSQL on a loaded 2-core machine.
  }, 120_000);

  it("lets one customer's concurrent tabs use a once-per-customer code once", async () => {
    const tabs = onPostgres ? 10 : 4;
    const code = uniqueCode('Tabs');
    const promotion = await createPromotion({ code, type: 'fixed', amount: usd(300), per_customer_limit: 1 });
    const buyer = await buyerWithCart();
    expect((await call('POST', '/v1/cart/promotions', buyer.token, { code })).statusCode).toBe(200);
    // One cart per buyer: each tab puts an item in and checks out with its own Idempotency-Key, so
    // a tab that comes after a checkout emptied the cart fills it again and finds the code used.
    const responses = await Promise.all(
      Array.from({ length: tabs }, async () => {
        await call('POST', '/v1/cart/items', buyer.token, { variant_id: variantId, quantity: 1 });
        return checkout(buyer);
      }),
    );
    const placed = responses.filter((r) => r.statusCode === 201);
    expect(placed).toHaveLength(1);
    expect(placed[0]!.json().orders[0].promotions).toEqual([expect.objectContaining({ id: promotion.id })]);
    for (const response of responses.filter((r) => r.statusCode !== 201))
      expect(`${response.statusCode} ${response.json().code}`).toMatch(
        /^(409 promotion_exhausted|422 validation_failed)$/,
      );
    expect(await usedCount(promotion.id)).toBe(1);
  });

  it("reserves a once-per-customer promotion once when one customer's checkouts race the reservation", async () => {
    // The cart lock serialises one buyer's checkouts; this races the conditional statements
    // themselves, each reservation in its own transaction as checkout runs it.
    const tabs = onPostgres ? 10 : 4;
    const promotion = await createPromotion({
      code: uniqueCode('Race'),
      type: 'percentage',
      percent_bps: 1000,
      per_customer_limit: 1,
    });
    const customer = (await newUser(t.db)).id;
    const outcomes = await Promise.allSettled(
      Array.from({ length: tabs }, (_, i) =>
        t.db.transaction((tx) =>
          t.services.promotions.reserve(tx, `chk_race_${promotion.id}_${i}`, customer, [promotion.id]),
        ),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of outcomes.filter((o) => o.status === 'rejected'))
      expect((outcome as PromiseRejectedResult).reason).toMatchObject({ code: 'promotion_exhausted' });
    expect(await usedCount(promotion.id)).toBe(1);
    const [uses] = await t.db.query<{ count: number }>(sql`
      SELECT used_count AS count FROM promotion_customer_uses
      WHERE promotion_id = ${promotion.id} AND customer = ${customer}`);
    expect(uses!.count).toBe(1);
  });

  it('counts uses per customer only for a promotion with a per-customer limit, which a used one cannot gain', async () => {
    const promotion = await createPromotion({ code: uniqueCode('Open'), type: 'fixed', amount: usd(100) });
    const buyer = await buyerWithCart();
    await call('POST', '/v1/cart/promotions', buyer.token, { code: promotion.code });
    expect((await checkout(buyer)).statusCode).toBe(201);
    expect(await usedCount(promotion.id)).toBe(1);
    const rows = await t.db.query(
      sql`SELECT 1 FROM promotion_customer_uses WHERE promotion_id = ${promotion.id}`,
    );
    expect(rows).toHaveLength(0);
    expectProblem(
      await call('PATCH', `/v1/admin/promotions/${promotion.id}`, admin.token, { per_customer_limit: 1 }),
      422,
      'validation_failed',
    );
    const unused = await createPromotion({ code: uniqueCode('Fresh'), type: 'fixed', amount: usd(100) });
    const limited = await call('PATCH', `/v1/admin/promotions/${unused.id}`, admin.token, {
      per_customer_limit: 1,
    });
    expect(limited.statusCode, limited.body).toBe(200);
  });
});

describe('who pays for a discount', () => {
  const balance = async (account: string) => {
    const [row] = await t.db.query<{ balance: number }>(
      sql`SELECT coalesce(sum(amount), 0)::bigint AS balance FROM ledger_postings WHERE account_id = ${account}`,
    );
    return Number(row!.balance);
  };
  const pay = (buyer: TestUser, paymentId: string) =>
    t.app.inject({
      method: 'POST',
      url: `/v1/payments/${paymentId}/confirm`,
      payload: { payment_method: 'pm_card_visa' },
      headers: { ...bearer(buyer.token), 'idempotency-key': `promo-pay-${Date.now()}-${keys++}` },
    });
  const pendingOf = async () => -(await balance(`${seller.shopId}:pending:USD`));

  it('books a platform-funded discount to promotions_expense and pays the seller as if undiscounted; a full refund undoes it all', async () => {
    const code = uniqueCode('Gift');
    await createPromotion({ code, type: 'fixed', amount: usd(500) });
    const buyer = await buyerWithCart(2);
    expect((await call('POST', '/v1/cart/promotions', buyer.token, { code })).statusCode).toBe(200);
    const placed = (await checkout(buyer)).json();
    const [order] = placed.orders;
    expect(order).toMatchObject({ subtotal: usd(4000), discount_total: usd(500), total: usd(4000) });
    const [expenseBefore, pendingBefore] = [
      await balance('platform:promotions_expense:USD'),
      await pendingOf(),
    ];
    expect((await pay(buyer, placed.payment.id)).json().status).toBe('succeeded');
    expect((await balance('platform:promotions_expense:USD')) - expenseBefore).toBe(500);
    // The seller gets 4000 of merchandise + 500 shipping less 10% commission on the undiscounted 4000.
    expect((await pendingOf()) - pendingBefore).toBe(4000 + 500 - 400);

    const refund = await t.app.inject({
      method: 'POST',
      url: `/v1/orders/${order.id}/refunds`,
      payload: { amount: order.total, reason: 'all of it' },
      headers: { ...bearer(seller.token), 'idempotency-key': `promo-refund-${Date.now()}-${keys++}` },
    });
    expect(refund.statusCode, refund.body).toBe(201);
    expect(await balance('platform:promotions_expense:USD')).toBe(expenseBefore);
    expect(await pendingOf()).toBe(pendingBefore);
    const trial = await t.db.query<{ total: number }>(
      sql`SELECT coalesce(sum(amount), 0)::bigint AS total FROM ledger_postings`,
    );
    expect(Number(trial[0]!.total)).toBe(0);
  });

  it("lowers the shop's revenue, and the commission with it, for a shop-funded discount", async () => {
    const created = await call('POST', '/v1/shop/promotions', seller.token, {
      code: uniqueCode('Shop'),
      type: 'fixed',
      amount: usd(500),
    });
    expect(created.statusCode, created.body).toBe(201);
    const buyer = await buyerWithCart(2);
    expect(
      (await call('POST', '/v1/cart/promotions', buyer.token, { code: created.json().code })).statusCode,
    ).toBe(200);
    const placed = (await checkout(buyer)).json();
    const [expenseBefore, pendingBefore] = [
      await balance('platform:promotions_expense:USD'),
      await pendingOf(),
    ];
    expect((await pay(buyer, placed.payment.id)).json().status).toBe('succeeded');
    expect(await balance('platform:promotions_expense:USD')).toBe(expenseBefore);
    // 3500 of merchandise paid + 500 shipping, less 10% of 3500.
    expect((await pendingOf()) - pendingBefore).toBe(3500 + 500 - 350);
  });
});
