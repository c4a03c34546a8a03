import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { newUser, type TestUser } from '../../../test/factories/identity.js';
import { newStockedProduct as newProduct, stockOf } from '../../../test/factories/inventory.js';
import { ADDRESS, freshKey, moneyFlows } from '../../../test/factories/payments.js';
import { expectProblem } from '../../../test/problem.js';
import { sql } from '../../platform/db.js';

let t: TestApp;
let sellerA: TestUser;
let sellerB: TestUser;
let admin: TestUser;

beforeAll(async () => {
  t = await createTestApp();
  sellerA = await newUser(t.db, { shop: 'Shop A' });
  sellerB = await newUser(t.db, { shop: 'Shop B' });
  admin = await newUser(t.db, { admin: true });
  flows = moneyFlows(t);
});
afterAll(async () => {
  await t.close();
});

let flows: ReturnType<typeof moneyFlows>;
const call: ReturnType<typeof moneyFlows>['call'] = (...args) => flows.call(...args);

const addToCart = async (buyer: TestUser, variantId: string, quantity: number) => {
  const response = await call('POST', '/v1/cart/items', buyer.token, { variant_id: variantId, quantity });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
};

const checkout = (buyer: TestUser, key = freshKey(), address: object = ADDRESS) =>
  call('POST', '/v1/checkout', buyer.token, { shipping_address: address }, { 'idempotency-key': key });

const payWithVisa = (buyer: TestUser, paymentId: string) =>
  call(
    'POST',
    `/v1/payments/${paymentId}/confirm`,
    buyer.token,
    { payment_method: 'pm_card_visa' },
    { 'idempotency-key': freshKey() },
  );

/** A buyer with one paid order of one unit from shop A. */
async function paidOrder(stock = 5) {
  const buyer = await newUser(t.db);
  const product = await newProduct(t.db, {
    shopId: sellerA.shopId!,
    variants: [{ priceMinor: 2500, stock }],
  });
  await addToCart(buyer, product.variants[0]!.id, 1);
  const placed = (await checkout(buyer)).json();
  expect((await payWithVisa(buyer, placed.payment.id)).json().status).toBe('succeeded');
  return { buyer, product, order: placed.orders[0], payment: placed.payment };
}

describe('cart', () => {
  it('adds, merges, changes and removes lines at current prices', async () => {
    const buyer = await newUser(t.db);
    const product = await newProduct(t.db, {
      shopId: sellerA.shopId!,
      variants: [{ priceMinor: 1250, stock: 7 }],
    });
    const variantId = product.variants[0]!.id;

    const empty = (await call('GET', '/v1/cart', buyer.token)).json();
    expect(empty).toMatchObject({ items: [], subtotal: { amount: 0, currency: 'USD' } });
    expect(empty.id).toMatch(/^cart_/);

    await addToCart(buyer, variantId, 2);
    const merged = await addToCart(buyer, variantId, 3);
    expect(merged.items).toHaveLength(1);
    expect(merged.items[0]).toMatchObject({
      variant_id: variantId,
      product_id: product.id,
      shop: { id: sellerA.shopId, name: expect.any(String) },
      quantity: 5,
      unit_price: { amount: 1250, currency: 'USD' },
      line_total: { amount: 6250, currency: 'USD' },
      available: 7,
    });
    expect(merged.subtotal).toEqual({ amount: 6250, currency: 'USD' });

    await t.db.execute(sql`UPDATE variants SET price_minor = 1300 WHERE id = ${variantId}`);
    const repriced = (await call('GET', '/v1/cart', buyer.token)).json();
    expect(repriced.subtotal.amount).toBe(6500);

    const itemId = merged.items[0].id;
    const changed = await call('PATCH', `/v1/cart/items/${itemId}`, buyer.token, { quantity: 1 });
    expect(changed.json().items[0].quantity).toBe(1);
    const removed = await call('DELETE', `/v1/cart/items/${itemId}`, buyer.token);
    expect(removed.json().items).toEqual([]);
  });

  it('refuses more than stock (409 insufficient_stock), more than 99 (422), unknown variants (422)', async () => {
    const buyer = await newUser(t.db);
    const product = await newProduct(t.db, {
      shopId: sellerA.shopId!,
      variants: [{ stock: 3 }, { stock: 200 }],
    });
    const [scarce, plenty] = product.variants;
    await addToCart(buyer, scarce!.id, 2);
    const short = await call('POST', '/v1/cart/items', buyer.token, { variant_id: scarce!.id, quantity: 2 });
    expect(short.statusCode).toBe(409);
    expect(short.json()).toMatchObject({
      code: 'insufficient_stock',
      reason: 'quantity_over_stock',
      errors: [{ variant_id: scarce!.id, requested: 4, available: 3 }],
    });

    await addToCart(buyer, plenty!.id, 60);
    const tooMany = await call('POST', '/v1/cart/items', buyer.token, {
      variant_id: plenty!.id,
      quantity: 40,
    });
    expect(tooMany.statusCode).toBe(422);
    expect(tooMany.json()).toMatchObject({
      reason: 'line_quantity_over_limit',
      errors: [{ path: '/quantity' }],
    });

    const unknown = await call('POST', '/v1/cart/items', buyer.token, {
      variant_id: 'var_nope',
      quantity: 1,
    });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json()).toMatchObject({
      reason: 'variant_not_for_sale',
      errors: [{ path: '/variant_id' }],
    });

    for (const quantity of [0, 100, 1.5]) {
      const bad = await call('POST', '/v1/cart/items', buyer.token, { variant_id: plenty!.id, quantity });
      expect(bad.statusCode).toBe(422);
      expect(bad.json().errors[0].path).toBe('/quantity');
    }
    expect(
      (
        await call('POST', '/v1/cart/items', buyer.token, { variant_id: plenty!.id, quantity: 1, price: 1 })
      ).json().errors[0].path,
    ).toBe('/price');
  });

  it("keeps carts private: another user's line is a 404; anonymous is a 401", async () => {
    const owner = await newUser(t.db);
    const other = await newUser(t.db);
    const product = await newProduct(t.db, { shopId: sellerA.shopId! });
    const cart = await addToCart(owner, product.variants[0]!.id, 1);
    const itemId = cart.items[0].id;
    expect((await call('PATCH', `/v1/cart/items/${itemId}`, other.token, { quantity: 2 })).statusCode).toBe(
      404,
    );
    expect((await call('DELETE', `/v1/cart/items/${itemId}`, other.token)).statusCode).toBe(404);
    expect((await call('GET', '/v1/cart')).statusCode).toBe(401);
    expect(
      (await call('POST', '/v1/cart/items', undefined, { variant_id: 'x', quantity: 1 })).statusCode,
    ).toBe(401);
  });
});

describe('POST /v1/checkout', () => {
  it('splits the cart into one order per shop, one payment for the total, reserves stock and empties the cart', async () => {
    const buyer = await newUser(t.db);
    const a = await newProduct(t.db, {
      shopId: sellerA.shopId!,
      variants: [
        { priceMinor: 1000, stock: 5 },
        { priceMinor: 250, stock: 5 },
      ],
    });
    const b = await newProduct(t.db, { shopId: sellerB.shopId!, variants: [{ priceMinor: 4000, stock: 2 }] });
    await addToCart(buyer, a.variants[0]!.id, 2);
    await addToCart(buyer, a.variants[1]!.id, 1);
    await addToCart(buyer, b.variants[0]!.id, 1);

    const response = await checkout(buyer);
    expect(response.statusCode, response.body).toBe(201);
    const body = response.json();
    expect(body.id).toMatch(/^chk_/);
    expect(body.orders).toHaveLength(2);
    const byShop = Object.fromEntries(body.orders.map((o: { shop: { id: string } }) => [o.shop.id, o]));
    expect(byShop[sellerA.shopId!]).toMatchObject({
      status: 'pending_payment',
      buyer_id: buyer.id,
      shop: { id: sellerA.shopId, name: 'Shop A' },
      subtotal: { amount: 2250, currency: 'USD' },
      total: { amount: 2250, currency: 'USD' },
      refunded: { amount: 0, currency: 'USD' },
      refunds: [],
      shipping_address: ADDRESS,
      shipment: null,
      payment_id: body.payment.id,
      paid_at: null,
    });
    expect(byShop[sellerA.shopId!].items).toHaveLength(2);
    expect(byShop[sellerB.shopId!].total.amount).toBe(4000);
    expect(body.payment).toMatchObject({
      status: 'requires_confirmation',
      amount: { amount: 6250, currency: 'USD' },
      provider: 'sandbox',
    });
    expect(body.payment.orders.sort()).toEqual(body.orders.map((o: { id: string }) => o.id).sort());
    expect(
      new Date(body.orders[0].expires_at).getTime() - new Date(body.orders[0].created_at).getTime(),
    ).toBeCloseTo(900_000, -3);

    expect(await stockOf(t.db, a.variants[0]!.id)).toEqual({ onHand: 5, reserved: 2 });
    expect(await stockOf(t.db, b.variants[0]!.id)).toEqual({ onHand: 2, reserved: 1 });
    expect((await call('GET', '/v1/cart', buyer.token)).json().items).toEqual([]);
    const placed = await t.db.query<{ count: number }>(
      sql`SELECT count(*)::int AS count FROM outbox_events WHERE type = 'order.placed.v1' AND data->>'buyer_id' = ${buyer.id}`,
    );
    expect(placed[0]!.count).toBe(2);
  });

  it('reserves nothing when any line is short, naming every short variant', async () => {
    const buyer = await newUser(t.db);
    const product = await newProduct(t.db, {
      shopId: sellerA.shopId!,
      variants: [{ stock: 5 }, { stock: 1 }, { stock: 2 }],
    });
    const [ok, scarce, scarcer] = product.variants;
    await addToCart(buyer, ok!.id, 2);
    await addToCart(buyer, scarce!.id, 1);
    await addToCart(buyer, scarcer!.id, 2);
    await t.db.execute(sql`UPDATE stock_levels SET on_hand = 0 WHERE variant_id = ${scarce!.id}`);
    await t.db.execute(sql`UPDATE stock_levels SET on_hand = 1 WHERE variant_id = ${scarcer!.id}`);

    const response = await checkout(buyer);
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ code: 'insufficient_stock', reason: 'stock_short' });
    expect(response.json().errors).toEqual(
      expect.arrayContaining([
        { variant_id: scarce!.id, requested: 1, available: 0 },
        { variant_id: scarcer!.id, requested: 2, available: 1 },
      ]),
    );
    expect(response.json().errors).toHaveLength(2);
    expect(await stockOf(t.db, ok!.id)).toEqual({ onHand: 5, reserved: 0 });
    expect((await call('GET', '/v1/cart', buyer.token)).json().items).toHaveLength(3);
  });

  it('replays the stored answer byte-identically for a retried key, and refuses the key with another body', async () => {
    const buyer = await newUser(t.db);
    const product = await newProduct(t.db, { shopId: sellerA.shopId! });
    await addToCart(buyer, product.variants[0]!.id, 1);
    const key = freshKey();
    const first = await checkout(buyer, key);
    const retry = await checkout(buyer, key);
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.body).toBe(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const [{ count }] = (await t.db.query<{ count: number }>(
      sql`SELECT count(*)::int AS count FROM orders WHERE buyer_id = ${buyer.id}`,
    )) as [{ count: number }];
    expect(count).toBe(1);

    const reused = await checkout(buyer, key, { ...ADDRESS, city: 'Shelbyville' });
    expect(reused.statusCode).toBe(422);
    expect(reused.json().code).toBe('idempotency_key_reused');
  });

  it('stores and replays a business error, but not a validation error', async () => {
    const buyer = await newUser(t.db);
    const key = freshKey();
    const empty = await checkout(buyer, key);
    expect(empty.statusCode).toBe(422);
    expect(empty.json()).toMatchObject({ code: 'validation_failed', reason: 'cart_empty' });

    const product = await newProduct(t.db, { shopId: sellerA.shopId!, variants: [{ stock: 1 }] });
    await addToCart(buyer, product.variants[0]!.id, 1);
    await t.db.execute(
      sql`UPDATE stock_levels SET on_hand = 0 WHERE variant_id = ${product.variants[0]!.id}`,
    );
    const short = await checkout(buyer, key);
    expect(short.statusCode).toBe(409);
    await t.db.execute(
      sql`UPDATE stock_levels SET on_hand = 1 WHERE variant_id = ${product.variants[0]!.id}`,
    );
    const replayed = await checkout(buyer, key);
    expect(replayed.statusCode).toBe(409);
    expect(replayed.body).toBe(short.body);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect((await checkout(buyer)).statusCode).toBe(201);
  });

  it('refuses a total other than the one the buyer was shown (409 price_changed), reserving nothing', async () => {
    const buyer = await newUser(t.db);
    const product = await newProduct(t.db, {
      shopId: sellerA.shopId!,
      variants: [{ priceMinor: 1000, stock: 5 }],
    });
    const variantId = product.variants[0]!.id;
    const shown = (await addToCart(buyer, variantId, 2)).subtotal;
    expect(shown).toEqual({ amount: 2000, currency: 'USD' });
    const raised = await call('PATCH', `/v1/variants/${variantId}`, sellerA.token, {
      price: { amount: 1250, currency: 'USD' },
    });
    expect(raised.statusCode, raised.body).toBe(200);

    const key = freshKey();
    const send = (expected: object, idempotencyKey = key) =>
      call(
        'POST',
        '/v1/checkout',
        buyer.token,
        { shipping_address: ADDRESS, expected_total: expected },
        { 'idempotency-key': idempotencyKey },
      );
    const refused = await send(shown);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({
      code: 'price_changed',
      reason: 'total_changed',
      current_total: { amount: 2500, currency: 'USD' },
    });
    expect(await stockOf(t.db, variantId)).toEqual({ onHand: 5, reserved: 0 });
    expect((await call('GET', '/v1/cart', buyer.token)).json().items).toHaveLength(1);
    const orders = await t.db.query<{ count: number }>(
      sql`SELECT count(*)::int AS count FROM orders WHERE buyer_id = ${buyer.id}`,
    );
    expect(orders[0]!.count).toBe(0);
    // A business error like any other: the same key replays it, even with the new total.
    const replayed = await send(shown);
    expect(replayed.body).toBe(refused.body);
    expect(replayed.headers['idempotent-replayed']).toBe('true');

    const otherCurrency = await send({ amount: 2500, currency: 'EUR' }, freshKey());
    expect(otherCurrency.statusCode).toBe(422);
    expect(otherCurrency.json().errors).toEqual([
      expect.objectContaining({ path: '/expected_total/currency' }),
    ]);

    const accepted = await send(refused.json().current_total, freshKey());
    expect(accepted.statusCode, accepted.body).toBe(201);
    expect(accepted.json().payment.amount).toEqual({ amount: 2500, currency: 'USD' });
    expect(await stockOf(t.db, variantId)).toEqual({ onHand: 5, reserved: 2 });
  });

  it('requires an Idempotency-Key (after authentication) and a valid address', async () => {
    const buyer = await newUser(t.db);
    expect((await call('POST', '/v1/checkout', undefined, { shipping_address: ADDRESS })).statusCode).toBe(
      401,
    );
    const missing = await call('POST', '/v1/checkout', buyer.token, { shipping_address: ADDRESS });
    expect(missing.statusCode).toBe(422);
    expect(missing.json().errors).toEqual([expect.objectContaining({ path: '/headers/idempotency-key' })]);
    const tooLong = await checkout(buyer, 'k'.repeat(256));
    expect(tooLong.statusCode).toBe(422);
    const badAddress = await checkout(buyer, freshKey(), { ...ADDRESS, country: 'usa', postal_code: '' });
    expect(badAddress.statusCode).toBe(422);
    expect(
      badAddress
        .json()
        .errors.map((e: { path: string }) => e.path)
        .sort(),
    ).toEqual(['/shipping_address/country', '/shipping_address/postal_code']);
  });
});

describe('payments', () => {
  it('pm_card_visa succeeds at once and pays the orders; a second confirm is 409', async () => {
    const { buyer, order, payment } = await paidOrder();
    const paid = (await call('GET', `/v1/orders/${order.id}`, buyer.token)).json();
    expect(paid.status).toBe('paid');
    expect(paid.paid_at).not.toBeNull();
    const again = await payWithVisa(buyer, payment.id);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'invalid_state', reason: 'payment_not_confirmable' });
    const read = (await call('GET', `/v1/payments/${payment.id}`, buyer.token)).json();
    expect(read).toMatchObject({
      id: payment.id,
      status: 'succeeded',
      failure_code: null,
      orders: [order.id],
    });
  });

  it('a declined card fails with its code; confirming again with a good card succeeds', async () => {
    const buyer = await newUser(t.db);
    const product = await newProduct(t.db, { shopId: sellerA.shopId! });
    await addToCart(buyer, product.variants[0]!.id, 1);
    const placed = (await checkout(buyer)).json();
    const confirm = (method: string) =>
      call(
        'POST',
        `/v1/payments/${placed.payment.id}/confirm`,
        buyer.token,
        { payment_method: method },
        { 'idempotency-key': freshKey() },
      );
    const declined = await confirm('pm_card_declined');
    expect(declined.statusCode).toBe(200);
    expect(declined.json()).toMatchObject({ status: 'failed', failure_code: 'card_declined' });
    expect((await confirm('pm_card_insufficient_funds')).json()).toMatchObject({
      status: 'failed',
      failure_code: 'insufficient_funds',
    });
    expect((await call('GET', `/v1/orders/${placed.orders[0].id}`, buyer.token)).json().status).toBe(
      'pending_payment',
    );
    expect((await confirm('pm_card_visa')).json()).toMatchObject({ status: 'succeeded', failure_code: null });
    expect((await confirm('pm_unknown')).statusCode).toBe(422);
  });

  it("another buyer's payment is a 404", async () => {
    const { payment } = await paidOrder();
    const stranger = await newUser(t.db);
    expect((await call('GET', `/v1/payments/${payment.id}`, stranger.token)).statusCode).toBe(404);
    expect((await payWithVisa(stranger, payment.id)).statusCode).toBe(404);
  });
});

describe('order lifecycle', () => {
  it('who may read an order: its buyer, a seller of its shop, an admin; others get 404', async () => {
    const { buyer, order } = await paidOrder();
    expect((await call('GET', `/v1/orders/${order.id}`, buyer.token)).statusCode).toBe(200);
    expect((await call('GET', `/v1/orders/${order.id}`, sellerA.token)).statusCode).toBe(200);
    expect((await call('GET', `/v1/orders/${order.id}`, admin.token)).statusCode).toBe(200);
    expect((await call('GET', `/v1/orders/${order.id}`, sellerB.token)).statusCode).toBe(404);
    expect((await call('GET', `/v1/orders/${order.id}`, (await newUser(t.db)).token)).statusCode).toBe(404);
    expect((await call('GET', '/v1/orders/ord_nope', buyer.token)).statusCode).toBe(404);
  });

  it('ship commits reserved stock; confirm-delivery delivers; each refuses the wrong actor and state', async () => {
    const { buyer, product, order } = await paidOrder(5);
    const variantId = product.variants[0]!.id;
    const ship = (token: string) =>
      call('POST', `/v1/orders/${order.id}/ship`, token, { carrier: 'UPS', tracking_number: '1Z999' });
    expectProblem(await ship(buyer.token), 403, 'forbidden', 'not_order_seller');
    expectProblem(await ship(sellerB.token), 404, 'not_found', 'order_not_found');
    expectProblem(
      await call('POST', `/v1/orders/${order.id}/confirm-delivery`, buyer.token),
      409,
      'invalid_state',
      'order_not_deliverable',
    );

    const shipped = await ship(sellerA.token);
    expect(shipped.statusCode).toBe(200);
    expect(shipped.json()).toMatchObject({
      status: 'shipped',
      shipment: { carrier: 'UPS', tracking_number: '1Z999' },
    });
    expect(await stockOf(t.db, variantId)).toEqual({ onHand: 4, reserved: 0 });
    expectProblem(await ship(sellerA.token), 409, 'invalid_state', 'order_not_shippable');
    expectProblem(
      await call('POST', `/v1/orders/${order.id}/cancel`, buyer.token),
      409,
      'invalid_state',
      'order_not_cancellable',
    );

    expect((await call('POST', `/v1/orders/${order.id}/confirm-delivery`, sellerA.token)).statusCode).toBe(
      403,
    );
    const delivered = await call('POST', `/v1/orders/${order.id}/confirm-delivery`, buyer.token);
    expect(delivered.json()).toMatchObject({ status: 'delivered' });
    expect(delivered.json().items[0].reviewable).toBe(true);
    expect(delivered.json().delivered_at).not.toBeNull();
  });

  it('ship validates its body', async () => {
    const { order } = await paidOrder();
    const bad = await call('POST', `/v1/orders/${order.id}/ship`, sellerA.token, { carrier: '' });
    expect(bad.statusCode).toBe(422);
  });

  it('cancelling an unpaid order releases stock and lowers the payment; the last one cancels it', async () => {
    const buyer = await newUser(t.db);
    const a = await newProduct(t.db, { shopId: sellerA.shopId!, variants: [{ priceMinor: 1000, stock: 3 }] });
    const b = await newProduct(t.db, { shopId: sellerB.shopId!, variants: [{ priceMinor: 500, stock: 3 }] });
    await addToCart(buyer, a.variants[0]!.id, 2);
    await addToCart(buyer, b.variants[0]!.id, 1);
    const placed = (await checkout(buyer)).json();
    const [first, second] = placed.orders;
    expect((await call('POST', `/v1/orders/${first.id}/cancel`, sellerA.token)).statusCode).toBe(
      first.shop.id === sellerA.shopId ? 403 : 404,
    );

    const cancelled = await call('POST', `/v1/orders/${first.id}/cancel`, buyer.token);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled' });
    expect(cancelled.json().cancelled_at).not.toBeNull();
    const payment = (await call('GET', `/v1/payments/${placed.payment.id}`, buyer.token)).json();
    expect(payment).toMatchObject({
      status: 'requires_confirmation',
      amount: { amount: 2500 - first.total.amount },
      orders: [second.id],
    });

    await call('POST', `/v1/orders/${second.id}/cancel`, buyer.token);
    expect((await call('GET', `/v1/payments/${placed.payment.id}`, buyer.token)).json()).toMatchObject({
      status: 'canceled',
      amount: { amount: 0 },
      orders: [],
    });
    expect(await stockOf(t.db, a.variants[0]!.id)).toEqual({ onHand: 3, reserved: 0 });
    expect(await stockOf(t.db, b.variants[0]!.id)).toEqual({ onHand: 3, reserved: 0 });
    expect((await call('POST', `/v1/orders/${first.id}/cancel`, buyer.token)).statusCode).toBe(409);
    expect((await payWithVisa(buyer, placed.payment.id)).statusCode).toBe(409);
  });

  it('expiry cancels an unpaid order once, releases its stock, and not before it is due', async () => {
    const buyer = await newUser(t.db);
    const product = await newProduct(t.db, { shopId: sellerA.shopId!, variants: [{ stock: 4 }] });
    await addToCart(buyer, product.variants[0]!.id, 3);
    const order = (await checkout(buyer)).json().orders[0];
    expect(await t.services.orders.expire(order.id)).toBe(false);
    await t.db.execute(
      sql`UPDATE orders SET expires_at = now() - interval '1 second' WHERE id = ${order.id}`,
    );
    expect(await t.services.orders.expire(order.id)).toBe(true);
    expect(await t.services.orders.expire(order.id)).toBe(false);
    expect(await stockOf(t.db, product.variants[0]!.id)).toEqual({ onHand: 4, reserved: 0 });
    expect((await call('GET', `/v1/orders/${order.id}`, buyer.token)).json().status).toBe('cancelled');
    expect((await call('POST', `/v1/orders/${order.id}/cancel`, buyer.token)).statusCode).toBe(409);
    const expired = await t.db.query(
      sql`SELECT 1 FROM outbox_events WHERE type = 'order.expired.v1' AND data->>'id' = ${order.id}`,
    );
    expect(expired).toHaveLength(1);
  });

  it('auto-delivery delivers a shipped order once', async () => {
    const { order } = await paidOrder();
    expect(await t.services.orders.autoDeliver(order.id)).toBe(false);
    await call('POST', `/v1/orders/${order.id}/ship`, sellerA.token, {
      carrier: 'DHL',
      tracking_number: 'X1',
    });
    expect(await t.services.orders.autoDeliver(order.id)).toBe(true);
    expect(await t.services.orders.autoDeliver(order.id)).toBe(false);
  });
});

describe('order lists', () => {
  it('/metrics counts orders and payments by status', async () => {
    await paidOrder();
    const metrics = (await t.app.inject('/metrics')).body;
    const [, paid] = /^bazaar_orders\{status="paid"\} (\d+)$/m.exec(metrics) ?? [];
    const [, succeeded] = /^bazaar_payments\{status="succeeded"\} (\d+)$/m.exec(metrics) ?? [];
    const [{ count }] = (await t.db.query<{ count: number }>(
      sql`SELECT count(*)::int AS count FROM orders WHERE status = 'paid'`,
    )) as [{ count: number }];
    expect(Number(paid)).toBe(count);
    expect(Number(succeeded)).toBeGreaterThanOrEqual(1);
  });

  it('pages through orders of one checkout, which share their creation time, one at a time', async () => {
    const buyer = await newUser(t.db);
    const sellerC = await newUser(t.db, { shop: 'Shop C' });
    for (const seller of [sellerA, sellerB, sellerC]) {
      const product = await newProduct(t.db, { shopId: seller.shopId! });
      await addToCart(buyer, product.variants[0]!.id, 1);
    }
    const placed = (await checkout(buyer)).json();
    expect(placed.orders).toHaveLength(3);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: { id: string }[]; next_cursor: string | null } = (
        await call('GET', `/v1/orders?limit=1${cursor ? `&cursor=${cursor}` : ''}`, buyer.token)
      ).json();
      seen.push(...page.data.map((o) => o.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen.sort()).toEqual(placed.orders.map((o: { id: string }) => o.id).sort());
  });

  it("lists the buyer's orders newest first with a cursor and a status filter; the shop sees only its own", async () => {
    const buyer = await newUser(t.db);
    const product = await newProduct(t.db, { shopId: sellerB.shopId!, variants: [{ stock: 50 }] });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      await addToCart(buyer, product.variants[0]!.id, 1);
      ids.push((await checkout(buyer)).json().orders[0].id);
    }
    await call('POST', `/v1/orders/${ids[0]}/cancel`, buyer.token);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: { id: string }[]; next_cursor: string | null } = (
        await call('GET', `/v1/orders?limit=2${cursor ? `&cursor=${cursor}` : ''}`, buyer.token)
      ).json();
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((o) => o.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());

    const cancelled = (await call('GET', '/v1/orders?status=cancelled', buyer.token)).json();
    expect(cancelled.data.map((o: { id: string }) => o.id)).toEqual([ids[0]]);
    const shop = (await call('GET', '/v1/shop/orders?limit=100', sellerB.token)).json();
    expect(shop.data.every((o: { shop: { id: string } }) => o.shop.id === sellerB.shopId)).toBe(true);
    expect(shop.data.map((o: { id: string }) => o.id)).toEqual(expect.arrayContaining(ids));
    expect((await call('GET', '/v1/shop/orders', buyer.token)).statusCode).toBe(403);
    expect((await call('GET', '/v1/orders?limit=101', buyer.token)).statusCode).toBe(422);
    const badCursor = await call('GET', '/v1/orders?cursor=nope', buyer.token);
    expect(badCursor.statusCode).toBe(422);
    expect(badCursor.json().errors[0].path).toBe('/query/cursor');
  });
});
