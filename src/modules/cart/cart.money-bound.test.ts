import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { newProduct } from '../../../test/factories/catalog.js';
import { newUser, type TestUser } from '../../../test/factories/identity.js';
import { newStockedProduct, stockOf } from '../../../test/factories/inventory.js';
import { ADDRESS, freshKey, moneyFlows, usd } from '../../../test/factories/payments.js';
import { sql } from '../../platform/db.js';
import { MAX_MONEY_MINOR } from '../../platform/money.js';

/** The price that made buyers' carts answer 500: Number.MAX_SAFE_INTEGER. */
const HUGE_PRICE = 9_007_199_254_740_991;

let t: TestApp;
let seller: TestUser;
let flows: ReturnType<typeof moneyFlows>;
const call: ReturnType<typeof moneyFlows>['call'] = (...args) => flows.call(...args);

beforeAll(async () => {
  t = await createTestApp();
  seller = await newUser(t.db, { shop: true });
  flows = moneyFlows(t);
});
afterAll(async () => {
  await t.close();
});

const cartOf = async (buyer: TestUser) => {
  const response = await call('GET', '/v1/cart', buyer.token);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
};
const add = (buyer: TestUser, variantId: string, quantity: number) =>
  call('POST', '/v1/cart/items', buyer.token, { variant_id: variantId, quantity });
const checkout = (buyer: TestUser) =>
  call('POST', '/v1/checkout', buyer.token, { shipping_address: ADDRESS }, { 'idempotency-key': freshKey() });
const pathsOf = (response: { json(): { errors?: { path: string }[] } }) =>
  response.json().errors?.map((error) => error.path);

describe('money amounts in requests', () => {
  it('refuses a price over the bound at the field, and keeps buyers’ carts readable', async () => {
    const product = await newProduct(t.services, seller, { priceMinor: 1000 });
    const variantId = product.variants[0]!.id;
    const buyer = await newUser(t.db);
    expect((await add(buyer, variantId, 2)).statusCode).toBe(200);

    const patched = await call('PATCH', `/v1/variants/${variantId}`, seller.token, {
      price: usd(HUGE_PRICE),
    });
    expect(patched.statusCode, patched.body).toBe(422);
    expect(pathsOf(patched)).toEqual(['/price/amount']);
    const created = await call('POST', '/v1/products', seller.token, {
      title: 'Gold bar',
      description: '',
      variants: [{ sku: 'GOLD', title: 'Gold', price: usd(MAX_MONEY_MINOR + 1), stock: 1 }],
    });
    expect(created.statusCode, created.body).toBe(422);
    expect(pathsOf(created)).toEqual(['/variants/0/price/amount']);
    const atTheBound = await call('PATCH', `/v1/variants/${variantId}`, seller.token, {
      price: usd(MAX_MONEY_MINOR),
    });
    expect(atTheBound.statusCode, atTheBound.body).toBe(200);

    // Two units at the highest price: the buyer's cart is over the bound, and still answers.
    const cart = await cartOf(buyer);
    expect(cart.items[0]).toMatchObject({ quantity: 2, line_total: usd(2 * MAX_MONEY_MINOR) });
    expect(cart.subtotal).toEqual(usd(2 * MAX_MONEY_MINOR));
    const refused = await checkout(buyer);
    expect(refused.statusCode, refused.body).toBe(422);
    expect(pathsOf(refused)).toEqual(['/items/0/quantity']);
    expect(await stockOf(t.db, variantId)).toEqual({ onHand: 5, reserved: 0 });
  });

  it('bounds refunds, payouts and listing filters', async () => {
    const buyer = await newUser(t.db);
    const refund = await call(
      'POST',
      '/v1/orders/ord_nope/refunds',
      seller.token,
      { amount: usd(MAX_MONEY_MINOR + 1), reason: 'too much' },
      { 'idempotency-key': freshKey() },
    );
    expect(pathsOf(refund)).toEqual(['/amount/amount']);
    const payout = await call(
      'POST',
      '/v1/shop/payouts',
      seller.token,
      { amount: usd(HUGE_PRICE) },
      { 'idempotency-key': freshKey() },
    );
    expect(payout.statusCode, payout.body).toBe(422);
    expect(pathsOf(payout)).toEqual(['/amount/amount']);
    const listing = await call('GET', `/v1/products?max_price=${HUGE_PRICE}`, buyer.token);
    expect(listing.statusCode, listing.body).toBe(422);
    expect(pathsOf(listing)).toEqual(['/query/max_price']);
  });
});

describe('cart totals over the bound', () => {
  it('refuses the line that would take the subtotal over the bound, writing nothing', async () => {
    const buyer = await newUser(t.db);
    const { variants } = await newStockedProduct(t.db, {
      shopId: seller.shopId!,
      variants: [{ priceMinor: 60_000_000_000 }, { priceMinor: 40_000_000_001 }],
    });
    expect((await add(buyer, variants[0]!.id, 1)).statusCode).toBe(200);
    const before = await cartOf(buyer);

    const tooMuch = await add(buyer, variants[1]!.id, 1);
    expect(tooMuch.statusCode, tooMuch.body).toBe(422);
    expect(pathsOf(tooMuch)).toEqual(['/quantity']);
    const again = await add(buyer, variants[0]!.id, 1);
    expect(pathsOf(again)).toEqual(['/quantity']);
    expect(await cartOf(buyer)).toEqual(before);
    const rows = await t.db.query<{ count: number }>(
      sql`SELECT count(*)::int AS count FROM cart_items WHERE cart_id = ${before.id}`,
    );
    expect(rows).toEqual([{ count: 1 }]);

    const raised = await call('PATCH', `/v1/cart/items/${before.items[0].id}`, buyer.token, { quantity: 2 });
    expect(raised.statusCode, raised.body).toBe(422);
    expect(pathsOf(raised)).toEqual(['/quantity']);
    expect(await cartOf(buyer)).toEqual(before);
  });

  it('keeps a cart readable that holds a price set before the bound existed, and refuses its checkout', async () => {
    const buyer = await newUser(t.db);
    const { variants } = await newStockedProduct(t.db, {
      shopId: seller.shopId!,
      variants: [{ priceMinor: 700 }, { priceMinor: 1000 }],
    });
    const cheap = variants[0]!;
    const huge = variants[1]!;
    expect((await add(buyer, cheap.id, 1)).statusCode).toBe(200);
    expect((await add(buyer, huge.id, 2)).statusCode).toBe(200);
    await t.db.execute(sql`UPDATE variants SET price_minor = ${HUGE_PRICE} WHERE id = ${huge.id}`);

    const cart = await cartOf(buyer);
    expect(cart.items).toMatchObject([
      { variant_id: cheap.id, line_total: usd(700), available: 10 },
      { variant_id: huge.id, quantity: 2, unit_price: usd(HUGE_PRICE), line_total: usd(0), available: 0 },
    ]);
    expect(cart.subtotal).toEqual(usd(700));

    const more = await add(buyer, huge.id, 1);
    expect(more.statusCode, more.body).toBe(422);
    expect(pathsOf(more)).toEqual(['/variant_id']);
    const refused = await checkout(buyer);
    expect(refused.statusCode, refused.body).toBe(422);
    expect(pathsOf(refused)).toEqual(['/items/1/variant_id']);
    expect(await stockOf(t.db, huge.id)).toEqual({ onHand: 10, reserved: 0 });
    expect(await cartOf(buyer)).toEqual(cart);

    // Removing the line makes the cart buyable again.
    expect((await call('DELETE', `/v1/cart/items/${cart.items[1].id}`, buyer.token)).statusCode).toBe(200);
    expect((await checkout(buyer)).statusCode).toBe(201);
  });
});
