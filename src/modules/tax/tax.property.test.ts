import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { callerOfUser, newUser, type TestUser } from '../../../test/factories/identity.js';
import { newStockedProduct } from '../../../test/factories/inventory.js';
import { moneyFlows, usd } from '../../../test/factories/payments.js';
import { flatRate, newShippingOption } from '../../../test/factories/shipping.js';
import { sql } from '../../platform/db.js';
import { unstoredAnswer } from '../../platform/idempotency.js';

let t: TestApp;

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const aroundToday = () => `from=${day(-1)}&to=${day(1)}`;
let flows: ReturnType<typeof moneyFlows>;
let admin: TestUser;
const sellers: TestUser[] = [];
const variants: string[] = [];
const rateIds: string[] = [];

const answer = unstoredAnswer;
const ADDRESS = { name: 'P', line1: '1 St', city: 'C', region: 'TX', postal_code: '1', country: 'US' };

beforeAll(async () => {
  t = await createTestApp();
  flows = moneyFlows(t);
  admin = await newUser(t.db, { admin: true });
  for (const [place, body] of [
    ['country', { country: 'US' }],
    ['region', { country: 'US', region: 'TX', applies_to_shipping: true }],
    ['category', { country: 'US', category: 'reduced' }],
  ] as const) {
    const rate = await flows.call('POST', '/v1/admin/tax-rates', admin.token, {
      name: place,
      rate_bps: 0,
      ...body,
    });
    rateIds.push(rate.json().id);
  }
  for (const shop of [0, 1]) {
    const seller = await newUser(t.db, { shop: `Property Shop ${shop}` });
    sellers.push(seller);
    await newShippingOption(t, seller, { rate: flatRate(shop === 0 ? 499 : 1250) });
    for (const [priceMinor, taxCategory] of [
      [1999, undefined],
      [333, 'reduced'],
      [12_345, undefined],
    ] as const) {
      const product = await newStockedProduct(t.db, {
        shopId: seller.shopId!,
        ...(taxCategory ? { taxCategory } : {}),
        variants: [{ priceMinor, stock: 1_000_000 }],
      });
      variants.push(product.variants[0]!.id);
    }
  }
});
afterAll(async () => {
  await t.close();
});

const taxPayable = async () => {
  const [row] = await t.db.query<{ credit: number }>(
    sql`SELECT coalesce(-sum(amount), 0)::bigint AS credit FROM ledger_postings WHERE account_id = 'platform:tax_payable:USD'`,
  );
  return Number(row!.credit);
};

it('adds every order up, gives back exactly its tax over any refunds, and keeps the books and the report equal', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.integer({ min: 0, max: 2500 }), { minLength: 3, maxLength: 3 }),
      fc.uniqueArray(fc.tuple(fc.nat(variants.length - 1), fc.integer({ min: 1, max: 5 })), {
        minLength: 1,
        maxLength: 4,
        selector: ([variant]) => variant,
      }),
      fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 4 }),
      async (bps, lines, refundWeights) => {
        for (const [index, id] of rateIds.entries()) {
          await flows.call('PATCH', `/v1/admin/tax-rates/${id}`, admin.token, { rate_bps: bps[index] });
        }
        const user = await newUser(t.db);
        const buyer = callerOfUser(user);
        for (const [variant, quantity] of lines)
          await t.services.cart.addItem(buyer, { variantId: variants[variant]!, quantity });
        const placed = JSON.parse(
          await t.services.orders.checkout(buyer, { shippingAddress: ADDRESS }, answer),
        );
        for (const order of placed.orders) {
          expect(
            order.subtotal.amount +
              order.shipping_total.amount +
              order.tax_total.amount -
              order.discount_total.amount,
          ).toBe(order.total.amount);
          const lineTax = order.items.reduce(
            (sum: number, item: { tax: { amount: number } }) => sum + item.tax.amount,
            0,
          );
          expect(lineTax).toBeLessThanOrEqual(order.tax_total.amount);
        }
        expect((await flows.confirm(user, placed.payment.id, 'pm_card_visa')).json().status).toBe(
          'succeeded',
        );

        // Refund one order in parts, up to all of it: its tax comes back exactly, never more.
        const order = placed.orders[0];
        const seller = sellers.find((s) => s.shopId === order.shop.id)!;
        const weightSum = refundWeights.reduce((a, b) => a + b, 0);
        let refunded = 0;
        const before = await taxPayable();
        for (const [i, weight] of refundWeights.entries()) {
          const target =
            i === refundWeights.length - 1
              ? order.total.amount
              : Math.floor((order.total.amount * weight) / weightSum) + refunded;
          const amount = Math.min(target, order.total.amount) - refunded;
          if (amount <= 0) continue;
          const response = await flows.refund(seller.token, order.id, {
            amount: usd(amount),
            reason: 'property',
          });
          expect(response.statusCode, response.body).toBe(201);
          refunded += amount;
          expect(before - (await taxPayable())).toBeLessThanOrEqual(order.tax_total.amount);
        }
        expect(before - (await taxPayable())).toBe(order.tax_total.amount);

        const trial = (await flows.call('GET', '/v1/admin/ledger/trial-balance', admin.token)).json();
        expect(trial.totals.debits).toEqual(trial.totals.credits);
        // Yesterday to tomorrow: a run that crosses midnight UTC still sees every movement.
        const report = (await flows.call('GET', `/v1/admin/tax/report?${aroundToday()}`, admin.token)).json();
        expect(report.totals.net_tax.amount).toBe(await taxPayable());
      },
    ),
    { numRuns: 12 },
  );
});
