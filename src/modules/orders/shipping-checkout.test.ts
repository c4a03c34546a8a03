import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { callerOfUser, newUser, type TestUser } from '../../../test/factories/identity.js';
import { newStockedProduct, stockOf } from '../../../test/factories/inventory.js';
import { ADDRESS, freshKey, moneyFlows, usd } from '../../../test/factories/payments.js';
import { flatRate, newShippingOption } from '../../../test/factories/shipping.js';
import { expectProblem } from '../../../test/problem.js';

let t: TestApp;
let flows: ReturnType<typeof moneyFlows>;
let admin: TestUser;

beforeAll(async () => {
  t = await createTestApp();
  flows = moneyFlows(t);
  admin = await newUser(t.db, { admin: true });
});
afterAll(async () => {
  await t.close();
});

const FRANCE = { name: 'Zoé', line1: '1 rue de Rivoli', city: 'Paris', postal_code: '75001', country: 'FR' };

/** Shop A ships domestic standard (500, free from 6000) and express (1500); shop B has no options. */
async function twoShops() {
  const [sellerA, sellerB] = [await newUser(t.db, { shop: true }), await newUser(t.db, { shop: true })];
  const standard = await newShippingOption(t, sellerA, {
    name: 'Standard',
    countries: ['US'],
    rate: flatRate(500),
    free_over: usd(6000),
    min_days: 3,
    max_days: 6,
  });
  const express = await newShippingOption(t, sellerA, {
    name: 'Express',
    countries: ['US'],
    rate: flatRate(1500),
    min_days: 1,
    max_days: 2,
  });
  const productA = await newStockedProduct(t.db, {
    shopId: sellerA.shopId!,
    variants: [{ priceMinor: 2000 }],
  });
  const productB = await newStockedProduct(t.db, {
    shopId: sellerB.shopId!,
    variants: [{ priceMinor: 700 }],
  });
  return {
    sellerA,
    sellerB,
    standard,
    express,
    variantA: productA.variants[0]!.id,
    variantB: productB.variants[0]!.id,
  };
}

async function buyerWithCart(lines: { variantId: string; quantity: number }[]) {
  const buyer = await newUser(t.db);
  for (const line of lines) {
    const added = await flows.call('POST', '/v1/cart/items', buyer.token, {
      variant_id: line.variantId,
      quantity: line.quantity,
    });
    expect(added.statusCode, added.body).toBe(200);
  }
  return buyer;
}

const quote = (buyer: TestUser, body: object) => flows.call('POST', '/v1/checkout/quote', buyer.token, body);
const checkout = (buyer: TestUser, body: object, key = freshKey()) =>
  flows.call('POST', '/v1/checkout', buyer.token, body, { 'idempotency-key': key });

describe('checkout quote', () => {
  it('prices each shop with the options that apply, the cheapest by default, and changes nothing', async () => {
    const shops = await twoShops();
    const buyer = await buyerWithCart([
      { variantId: shops.variantA, quantity: 2 },
      { variantId: shops.variantB, quantity: 1 },
    ]);
    const cartBefore = (await flows.call('GET', '/v1/cart', buyer.token)).json();
    const response = await quote(buyer, { shipping_address: ADDRESS });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({
      currency: 'USD',
      subtotal: usd(4700),
      shipping_total: usd(500),
      discount_total: usd(0),
      tax_total: usd(0),
      total: usd(5200),
      promotions: [],
      problems: [],
    });
    const [a, b] = body.shops;
    expect(a).toMatchObject({
      shop: { id: shops.sellerA.shopId },
      subtotal: usd(4000),
      shipping: {
        option_id: shops.standard.id,
        name: 'Standard',
        amount: usd(500),
        min_days: 3,
        max_days: 6,
      },
      total: usd(4500),
    });
    expect(a.items).toEqual([
      expect.objectContaining({ variant_id: shops.variantA, quantity: 2, purchasable: true }),
    ]);
    expect(a.shipping_options).toEqual([
      { id: shops.standard.id, name: 'Standard', amount: usd(500), min_days: 3, max_days: 6 },
      { id: shops.express.id, name: 'Express', amount: usd(1500), min_days: 1, max_days: 2 },
    ]);
    expect(b).toMatchObject({
      shop: { id: shops.sellerB.shopId },
      shipping: null,
      shipping_options: [],
      total: usd(700),
    });

    const chosen = (
      await quote(buyer, {
        shipping_address: ADDRESS,
        shipping_options: { [shops.sellerA.shopId!]: shops.express.id },
      })
    ).json();
    expect(chosen).toMatchObject({ shipping_total: usd(1500), total: usd(6200) });
    expect((await flows.call('GET', '/v1/cart', buyer.token)).json()).toEqual(cartBefore);
    expect(await stockOf(t.db, shops.variantA)).toMatchObject({ reserved: 0 });
  });

  it('lists what would stop checkout: a shop that does not ship there, a refused choice, short stock', async () => {
    const shops = await twoShops();
    const buyer = await buyerWithCart([{ variantId: shops.variantA, quantity: 1 }]);
    const abroad = (await quote(buyer, { shipping_address: FRANCE })).json();
    expect(abroad.problems).toEqual([
      { code: 'not_shippable', shop_id: shops.sellerA.shopId, detail: expect.any(String) },
    ]);
    const otherShops = (
      await quote(buyer, {
        shipping_address: ADDRESS,
        shipping_options: { [shops.sellerA.shopId!]: 'so_nope' },
      })
    ).json();
    expect(otherShops.problems).toEqual([
      { code: 'validation_failed', shop_id: shops.sellerA.shopId, detail: expect.any(String) },
    ]);
    await t.services.catalog.updateVariant(callerOfUser(shops.sellerA), shops.variantA, { onHand: 0 });
    const short = (await quote(buyer, { shipping_address: ADDRESS })).json();
    expect(short.problems).toEqual([
      { code: 'insufficient_stock', variant_id: shops.variantA, detail: expect.any(String) },
    ]);
  });
});

describe('checkout with shipping', () => {
  it('charges what the quote said: orders carry their shipping, the payment is the sum of their totals', async () => {
    const shops = await twoShops();
    const buyer = await buyerWithCart([
      { variantId: shops.variantA, quantity: 1 },
      { variantId: shops.variantB, quantity: 2 },
    ]);
    const body = {
      shipping_address: ADDRESS,
      shipping_options: { [shops.sellerA.shopId!]: shops.express.id },
    };
    const quoted = (await quote(buyer, body)).json();
    const placed = await checkout(buyer, { ...body, expected_total: quoted.total });
    expect(placed.statusCode, placed.body).toBe(201);
    const { orders, payment } = placed.json();
    expect(payment.amount).toEqual(quoted.total);
    expect(payment.amount).toEqual(usd(2000 + 1500 + 1400));
    const orderA = orders.find((o: { shop: { id: string } }) => o.shop.id === shops.sellerA.shopId);
    expect(orderA).toMatchObject({
      subtotal: usd(2000),
      shipping_total: usd(1500),
      discount_total: usd(0),
      tax_total: usd(0),
      total: usd(3500),
      shipping: { option_id: shops.express.id, name: 'Express', amount: usd(1500), min_days: 1, max_days: 2 },
      shipments: [],
    });
    const orderB = orders.find((o: { shop: { id: string } }) => o.shop.id === shops.sellerB.shopId);
    expect(orderB).toMatchObject({ shipping: null, shipping_total: usd(0), total: usd(1400) });

    // A later change of the option never alters the placed order.
    await flows.call('PATCH', `/v1/shop/shipping-options/${shops.express.id}`, shops.sellerA.token, {
      rate: flatRate(9900),
      name: 'Turbo',
    });
    await flows.call('DELETE', `/v1/shop/shipping-options/${shops.express.id}`, shops.sellerA.token);
    const later = (await flows.call('GET', `/v1/orders/${orderA.id}`, buyer.token)).json();
    expect(later.shipping).toEqual(orderA.shipping);
    expect(later.total).toEqual(usd(3500));
  });

  it('refuses an expected total without the shipping (409 price_changed), and reserves nothing', async () => {
    const shops = await twoShops();
    const buyer = await buyerWithCart([{ variantId: shops.variantA, quantity: 1 }]);
    const refused = await checkout(buyer, { shipping_address: ADDRESS, expected_total: usd(2000) });
    expectProblem(refused, 409, 'price_changed', 'total_changed');
    expect(refused.json().current_total).toEqual(usd(2500));
    expect(await stockOf(t.db, shops.variantA)).toMatchObject({ reserved: 0 });
  });

  it("refuses another shop's option at /shipping_options/<shop_id>, and a shop that does not ship there", async () => {
    const shops = await twoShops();
    const other = await twoShops();
    const buyer = await buyerWithCart([
      { variantId: shops.variantA, quantity: 1 },
      { variantId: shops.variantB, quantity: 1 },
    ]);
    const wrong = await checkout(buyer, {
      shipping_address: ADDRESS,
      shipping_options: { [shops.sellerA.shopId!]: other.standard.id },
    });
    expectProblem(wrong, 422, 'validation_failed', 'shipping_option_invalid');
    expect(wrong.json().errors).toEqual([
      { path: `/shipping_options/${shops.sellerA.shopId}`, message: expect.any(String) },
    ]);

    const abroad = await checkout(buyer, { shipping_address: FRANCE });
    expectProblem(abroad, 422, 'not_shippable');
    // Shop B has no options: it ships anywhere for free; only shop A is listed.
    expect(abroad.json().errors).toEqual([{ shop_id: shops.sellerA.shopId, detail: expect.any(String) }]);
    expect(await stockOf(t.db, shops.variantA)).toMatchObject({ reserved: 0 });
  });

  it("checks out to a saved address by id, copying it; another user's address is a 404", async () => {
    const shops = await twoShops();
    const buyer = await buyerWithCart([{ variantId: shops.variantA, quantity: 1 }]);
    const saved = (
      await flows.call('POST', '/v1/me/addresses', buyer.token, {
        ...ADDRESS,
        region: 'CA',
        phone: '+1 408 555 0100',
      })
    ).json();
    const stranger = await buyerWithCart([{ variantId: shops.variantA, quantity: 1 }]);
    expectProblem(await checkout(stranger, { address_id: saved.id }), 404, 'not_found', 'address_not_found');
    expectProblem(await quote(stranger, { address_id: saved.id }), 404, 'not_found');
    expectProblem(
      await checkout(buyer, { address_id: saved.id, shipping_address: ADDRESS }),
      422,
      'validation_failed',
    );
    expectProblem(await checkout(buyer, {}), 422, 'validation_failed');

    const placed = await checkout(buyer, { address_id: saved.id });
    expect(placed.statusCode, placed.body).toBe(201);
    expect(placed.json().orders[0].shipping_address).toEqual({
      ...ADDRESS,
      region: 'CA',
      phone: '+1 408 555 0100',
    });
    await flows.call('PATCH', `/v1/me/addresses/${saved.id}`, buyer.token, { city: 'Elsewhere' });
    const order = (await flows.call('GET', `/v1/orders/${placed.json().orders[0].id}`, buyer.token)).json();
    expect(order.shipping_address.city).toBe(ADDRESS.city);
  });
});

describe('shipping money', () => {
  it('gives the seller the shipping, takes commission on the merchandise only, and refunds shipping up to what was paid', async () => {
    const shops = await twoShops();
    const buyer = await buyerWithCart([{ variantId: shops.variantA, quantity: 1 }]);
    const placed = (await checkout(buyer, { shipping_address: ADDRESS })).json();
    const [order] = placed.orders;
    expect(order.total).toEqual(usd(2500));
    expect((await flows.confirm(buyer, placed.payment.id, 'pm_card_visa')).json().status).toBe('succeeded');
    // Commission 10 % of the 2000 merchandise; the seller keeps the 500 shipping.
    expect((await flows.call('GET', '/v1/shop/balance', shops.sellerA.token)).json().pending).toEqual(
      usd(2300),
    );

    expectProblem(
      await flows.refund(shops.sellerA.token, order.id, { amount: usd(2501), reason: 'too much' }),
      422,
      'validation_failed',
    );
    const refunded = await flows.refund(shops.sellerA.token, order.id, {
      amount: usd(2500),
      reason: 'lost parcel',
    });
    expect(refunded.statusCode, refunded.body).toBe(201);
    const after = (await flows.call('GET', `/v1/orders/${order.id}`, buyer.token)).json();
    expect(after).toMatchObject({ status: 'refunded', refunded: usd(2500) });
    expect((await flows.call('GET', '/v1/shop/balance', shops.sellerA.token)).json().pending).toEqual(usd(0));
    const trial = (await flows.call('GET', '/v1/admin/ledger/trial-balance', admin.token)).json();
    expect(trial.totals.debits).toEqual(trial.totals.credits);
  });

  it('takes commission on shipping too with BAZAAR_COMMISSION_ON_SHIPPING=true', async () => {
    const app = await createTestApp({ env: { BAZAAR_COMMISSION_ON_SHIPPING: 'true' } });
    try {
      const own = moneyFlows(app);
      const [seller, buyer] = [await newUser(app.db, { shop: true }), await newUser(app.db)];
      await newShippingOption(app, seller, { rate: flatRate(500) });
      const { order } = await own.paidOrder(buyer, seller, { priceMinor: 2000 });
      expect(order.total).toEqual(usd(2500));
      // 10 % of 2500.
      expect((await own.call('GET', '/v1/shop/balance', seller.token)).json().pending).toEqual(usd(2250));
    } finally {
      await app.close();
    }
  });
});
