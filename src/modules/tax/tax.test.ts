import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { newUser, type TestUser } from '../../../test/factories/identity.js';
import { newStockedProduct } from '../../../test/factories/inventory.js';
import { freshKey, moneyFlows, usd } from '../../../test/factories/payments.js';
import { flatRate, newShippingOption } from '../../../test/factories/shipping.js';
import { expectProblem } from '../../../test/problem.js';
import { sql } from '../../platform/db.js';

let t: TestApp;

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const aroundToday = () => `from=${day(-1)}&to=${day(1)}`;
let flows: ReturnType<typeof moneyFlows>;
let admin: TestUser;
let seller: TestUser;

const CALIFORNIA = {
  name: 'Cal Buyer',
  line1: '1 Beach Rd',
  city: 'Santa Cruz',
  region: 'CA',
  postal_code: '95060',
  country: 'US',
};
const GERMANY = { name: 'Greta', line1: 'Hauptstr. 1', city: 'Berlin', postal_code: '10115', country: 'DE' };

const addRate = async (body: Record<string, unknown>) => {
  const response = await flows.call('POST', '/v1/admin/tax-rates', admin.token, body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
};

beforeAll(async () => {
  t = await createTestApp();
  flows = moneyFlows(t);
  admin = await newUser(t.db, { admin: true });
  seller = await newUser(t.db, { shop: 'Tax Shop' });
  await newShippingOption(t, seller, { rate: flatRate(500) });
  await addRate({ name: 'California', country: 'US', region: 'CA', rate_bps: 725 });
  await addRate({ name: 'California groceries', country: 'us', region: 'ca', category: 'food', rate_bps: 0 });
  await addRate({ name: 'Germany', country: 'DE', rate_bps: 1900, applies_to_shipping: true });
  await addRate({ name: 'Germany books', country: 'DE', category: 'books', rate_bps: 700 });
});
afterAll(async () => {
  await t.close();
});

async function placeOrder(
  buyer: TestUser,
  lines: { variantId: string; quantity: number }[],
  address: object,
) {
  for (const line of lines) {
    const added = await flows.call('POST', '/v1/cart/items', buyer.token, {
      variant_id: line.variantId,
      quantity: line.quantity,
    });
    expect(added.statusCode, added.body).toBe(200);
  }
  const quote = (
    await flows.call('POST', '/v1/checkout/quote', buyer.token, { shipping_address: address })
  ).json();
  const placed = await flows.call(
    'POST',
    '/v1/checkout',
    buyer.token,
    { shipping_address: address, expected_total: quote.total },
    { 'idempotency-key': freshKey() },
  );
  expect(placed.statusCode, placed.body).toBe(201);
  return { quote, placed: placed.json() };
}

const ledgerTax = async () => {
  const [row] = await t.db.query<{ credit: number }>(
    sql`SELECT coalesce(-sum(amount), 0)::bigint AS credit FROM ledger_postings WHERE account_id = 'platform:tax_payable:USD'`,
  );
  return Number(row!.credit);
};

describe('tax rates', () => {
  it('are kept by admins: create, list, change, remove', async () => {
    const rate = await addRate({
      name: 'New York',
      country: 'US',
      region: 'NY',
      rate_bps: 400,
      applies_to_shipping: true,
    });
    expect(rate).toEqual({
      id: expect.stringMatching(/^txr_/),
      name: 'New York',
      country: 'US',
      region: 'NY',
      category: null,
      rate_bps: 400,
      applies_to_shipping: true,
    });
    const listed = (await flows.call('GET', '/v1/admin/tax-rates', admin.token)).json().data;
    expect(listed.map((r: { id: string }) => r.id)).toContain(rate.id);
    const changed = await flows.call('PATCH', `/v1/admin/tax-rates/${rate.id}`, admin.token, {
      rate_bps: 450,
      region: null,
    });
    expect(changed.json()).toMatchObject({ rate_bps: 450, region: null, applies_to_shipping: true });
    expect((await flows.call('DELETE', `/v1/admin/tax-rates/${rate.id}`, admin.token)).statusCode).toBe(204);
    expectProblem(
      await flows.call('DELETE', `/v1/admin/tax-rates/${rate.id}`, admin.token),
      404,
      'not_found',
    );
    expectProblem(
      await flows.call('PATCH', `/v1/admin/tax-rates/${rate.id}`, admin.token, { rate_bps: 1 }),
      404,
      'not_found',
    );
  });

  it('refuses a second rate for the same place and category, and bad fields', async () => {
    expectProblem(
      await flows.call('POST', '/v1/admin/tax-rates', admin.token, {
        name: 'Again',
        country: 'US',
        region: 'CA',
        rate_bps: 800,
      }),
      409,
      'conflict',
      'tax_rate_exists',
    );
    for (const body of [
      { name: 'X', country: 'USA', rate_bps: 100 },
      { name: 'X', country: 'US', rate_bps: 10_001 },
      { name: 'X', country: 'US', rate_bps: 12.5 },
      { name: 'X', country: 'US', category: 'Not Valid', rate_bps: 100 },
      { name: 'X', country: 'US', rate_bps: 100, shop_id: 'shop_1' },
    ]) {
      expectProblem(
        await flows.call('POST', '/v1/admin/tax-rates', admin.token, body),
        422,
        'validation_failed',
      );
    }
  });

  it('are for admins only', async () => {
    const buyer = await newUser(t.db);
    expectProblem(await flows.call('GET', '/v1/admin/tax-rates', buyer.token), 403, 'forbidden');
    expectProblem(
      await flows.call('POST', '/v1/admin/tax-rates', seller.token, {
        name: 'X',
        country: 'FR',
        rate_bps: 1,
      }),
      403,
      'forbidden',
    );
    expectProblem(await flows.call('GET', '/v1/admin/tax/report'), 401, 'unauthenticated');
  });
});

describe('tax at checkout', () => {
  it('charges each line the most specific rate, books it to tax_payable and gives it back in proportion', async () => {
    const buyer = await newUser(t.db);
    const gadget = await newStockedProduct(t.db, {
      shopId: seller.shopId!,
      variants: [{ priceMinor: 1000, stock: 20 }],
    });
    const snack = await newStockedProduct(t.db, {
      shopId: seller.shopId!,
      taxCategory: 'food',
      variants: [{ priceMinor: 450, stock: 20 }],
    });
    const taxBefore = await ledgerTax();
    const { quote, placed } = await placeOrder(
      buyer,
      [
        { variantId: gadget.variants[0]!.id, quantity: 3 },
        { variantId: snack.variants[0]!.id, quantity: 2 },
      ],
      CALIFORNIA,
    );
    // 3000 at 7.25% = 217.5 → 218; groceries 0%; shipping untaxed in California.
    expect(quote).toMatchObject({
      subtotal: usd(3900),
      shipping_total: usd(500),
      tax_total: usd(218),
      total: usd(4618),
    });
    const [order] = placed.orders;
    expect(order).toMatchObject({
      subtotal: usd(3900),
      shipping_total: usd(500),
      tax_total: usd(218),
      discount_total: usd(0),
      total: usd(4618),
    });
    const itemOf = (view: { items: { variant_id: string }[] }, variantId: string) =>
      view.items.find((item) => item.variant_id === variantId);
    expect(itemOf(order, gadget.variants[0]!.id)).toMatchObject({ tax: usd(218), tax_rate_bps: 725 });
    expect(itemOf(order, snack.variants[0]!.id)).toMatchObject({ tax: usd(0), tax_rate_bps: 0 });
    expect(placed.payment.amount).toEqual(usd(4618));

    expect((await flows.confirm(buyer, placed.payment.id, 'pm_card_visa')).json().status).toBe('succeeded');
    expect((await ledgerTax()) - taxBefore).toBe(218);
    const pending = (await flows.call('GET', '/v1/shop/balance', seller.token)).json().pending.amount;
    // The seller gets the merchandise and shipping less 10% commission on the merchandise: never the tax.
    expect(pending).toBeGreaterThanOrEqual(4618 - 218 - 390);

    // A rate change reaches later checkouts only.
    const california = (await flows.call('GET', '/v1/admin/tax-rates', admin.token))
      .json()
      .data.find((r: { name: string }) => r.name === 'California');
    await flows.call('PATCH', `/v1/admin/tax-rates/${california.id}`, admin.token, { rate_bps: 900 });
    const again = (await flows.call('GET', `/v1/orders/${order.id}`, buyer.token)).json();
    expect(again.tax_total).toEqual(usd(218));
    expect(itemOf(again, gadget.variants[0]!.id)).toMatchObject({ tax: usd(218), tax_rate_bps: 725 });
    await flows.call('POST', '/v1/cart/items', buyer.token, {
      variant_id: gadget.variants[0]!.id,
      quantity: 1,
    });
    expect(
      (await flows.call('POST', '/v1/checkout/quote', buyer.token, { shipping_address: CALIFORNIA })).json()
        .tax_total,
    ).toEqual(usd(90));
    await flows.call('PATCH', `/v1/admin/tax-rates/${california.id}`, admin.token, { rate_bps: 725 });

    // Refunds in three parts give back exactly the tax charged.
    const taxBack: number[] = [];
    for (const amount of [1001, 1617, 2000]) {
      const before = await ledgerTax();
      const refunded = await flows.refund(seller.token, order.id, { amount: usd(amount), reason: 'part' });
      expect(refunded.statusCode, refunded.body).toBe(201);
      taxBack.push(before - (await ledgerTax()));
    }
    expect(taxBack.reduce((a, b) => a + b, 0)).toBe(218);
    // On the cumulative amount: round(218 × 1001/4618) = 47, round(218 × 2618/4618) = 124, then all 218.
    expect(taxBack).toEqual([47, 77, 94]);
  });

  it('taxes shipping where the rate covers it, and a reduced category', async () => {
    const buyer = await newUser(t.db);
    const book = await newStockedProduct(t.db, {
      shopId: seller.shopId!,
      taxCategory: 'books',
      variants: [{ priceMinor: 2000, stock: 5 }],
    });
    const { quote } = await placeOrder(buyer, [{ variantId: book.variants[0]!.id, quantity: 1 }], GERMANY);
    // Books 7% of 2000 = 140; shipping 19% of 500 = 95.
    expect(quote).toMatchObject({
      subtotal: usd(2000),
      shipping_total: usd(500),
      tax_total: usd(235),
      total: usd(2735),
    });
  });

  it('charges no tax where no rate matches', async () => {
    const buyer = await newUser(t.db);
    const product = await newStockedProduct(t.db, {
      shopId: seller.shopId!,
      variants: [{ priceMinor: 2000, stock: 5 }],
    });
    const { placed } = await placeOrder(buyer, [{ variantId: product.variants[0]!.id, quantity: 1 }], {
      ...CALIFORNIA,
      region: 'OR',
    });
    expect(placed.orders[0]).toMatchObject({ tax_total: usd(0), total: usd(2500) });
  });
});

describe('tax report', () => {
  it("reconciles with the ledger's tax_payable movements in the period", async () => {
    const buyer = await newUser(t.db);
    const product = await newStockedProduct(t.db, {
      shopId: seller.shopId!,
      variants: [{ priceMinor: 3333, stock: 5 }],
    });
    const { placed } = await placeOrder(
      buyer,
      [{ variantId: product.variants[0]!.id, quantity: 1 }],
      GERMANY,
    );
    await flows.confirm(buyer, placed.payment.id, 'pm_card_visa');
    await flows.refund(seller.token, placed.orders[0].id, { amount: usd(1000), reason: 'part' });

    // Yesterday to tomorrow: a run that crosses midnight UTC still sees every movement.
    const report = await flows.call('GET', `/v1/admin/tax/report?${aroundToday()}`, admin.token);
    expect(report.statusCode, report.body).toBe(200);
    const body = report.json();
    expect(body.totals.net_tax.amount).toBe(await ledgerTax());
    expect(body.totals.tax.amount - body.totals.refunded_tax.amount).toBe(body.totals.net_tax.amount);
    const germany = body.data.find((row: { country: string }) => row.country === 'DE');
    // 3333 at 19% = 633.27 → 633 and shipping 95: taxable 3833.
    expect(germany).toMatchObject({ region: null, tax: usd(728), taxable: usd(3833) });
    expect(germany.refunded_tax.amount).toBeGreaterThan(0);
    const california = body.data.find(
      (row: { country: string; region: string }) => row.country === 'US' && row.region === 'CA',
    );
    expect(california.tax).toEqual(usd(218));

    // A period before any sale holds nothing.
    const empty = (
      await flows.call('GET', '/v1/admin/tax/report?from=2020-01-01&to=2020-01-31', admin.token)
    ).json();
    expect(empty.data).toEqual([]);
    expect(empty.totals.net_tax).toEqual(usd(0));
    expectProblem(
      await flows.call('GET', '/v1/admin/tax/report?from=2026-02-01&to=2026-01-01', admin.token),
      422,
      'validation_failed',
    );
    expectProblem(
      await flows.call('GET', '/v1/admin/tax/report?from=yesterday', admin.token),
      422,
      'validation_failed',
    );
  });
});

describe('prices that include tax', () => {
  it('keeps the total at the price tags and still adds up its parts', async () => {
    const gross = await createTestApp({ env: { BAZAAR_PRICES_INCLUDE_TAX: 'true' }, database: t });
    try {
      const buyer = await newUser(t.db);
      const product = await newStockedProduct(t.db, {
        shopId: seller.shopId!,
        variants: [{ priceMinor: 1190, stock: 5 }],
      });
      const call = moneyFlows(gross).call;
      await call('POST', '/v1/cart/items', buyer.token, { variant_id: product.variants[0]!.id, quantity: 1 });
      const quote = (
        await call('POST', '/v1/checkout/quote', buyer.token, { shipping_address: GERMANY })
      ).json();
      // 1190 gross at 19% holds 190 of tax; 500 of shipping holds 80.
      expect(quote).toMatchObject({
        subtotal: usd(1000),
        shipping_total: usd(420),
        tax_total: usd(270),
        total: usd(1690),
      });
    } finally {
      await gross.close();
    }
  });
});
