import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { callerOfUser, newUser } from '../../../test/factories/identity.js';
import { newStockedProduct } from '../../../test/factories/inventory.js';
import type { Caller } from '../../platform/http.js';
import { unstoredAnswer } from '../../platform/idempotency.js';
import type { ShippingRate } from '../pricing/index.js';

let t: TestApp;
const sellers: Caller[] = [];
/** Per shop, its options' ids (shop 2 has none: it ships free). */
const optionIds: string[][] = [];
const variants: string[] = [];

const answer = unstoredAnswer;

const RATES: ShippingRate[][] = [
  [
    { type: 'flat', amountMinor: 499 },
    { type: 'per_item', firstMinor: 350, additionalMinor: 125 },
  ],
  [
    {
      type: 'weight',
      tiers: [
        { upToGrams: 1000, amountMinor: 600 },
        { upToGrams: 5000, amountMinor: 1400 },
      ],
    },
    { type: 'flat', amountMinor: 2500 },
  ],
  [],
];

beforeAll(async () => {
  t = await createTestApp();
  for (const [shop, rates] of RATES.entries()) {
    const seller = callerOfUser(await newUser(t.db, { shop: `Quote Shop ${shop}` }), `Quote Shop ${shop}`);
    sellers.push(seller);
    const ids: string[] = [];
    for (const [i, rate] of rates.entries()) {
      const option = await t.services.shipping.addOption(seller, {
        name: `Option ${i}`,
        countries: i === 0 ? ['US'] : ['*'],
        rate,
        freeOverMinor: i === 0 ? 6000 : null,
        minDays: 1,
        maxDays: 5,
        active: true,
      });
      ids.push(option.id);
    }
    optionIds.push(ids);
    for (const [priceMinor, weightGrams] of [
      [1999, 250],
      [333, 1200],
    ] as const) {
      const product = await newStockedProduct(t.db, {
        shopId: seller.shop!.id,
        variants: [{ priceMinor, stock: 100_000, weightGrams }],
      });
      variants.push(product.variants[0]!.id);
    }
  }
});
afterAll(async () => {
  await t.close();
});

const ADDRESS = { name: 'Q', line1: '1 St', city: 'C', postal_code: '1', country: 'US' };

it('charges at checkout exactly what the quote said, and the payment is the sum of the orders', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(fc.tuple(fc.nat(variants.length - 1), fc.integer({ min: 1, max: 4 })), {
        minLength: 1,
        maxLength: 5,
        selector: ([variant]) => variant,
      }),
      fc.array(fc.option(fc.nat(1), { nil: undefined }), { minLength: 3, maxLength: 3 }),
      async (lines, picks) => {
        const buyer = callerOfUser(await newUser(t.db));
        for (const [variant, quantity] of lines)
          await t.services.cart.addItem(buyer, { variantId: variants[variant]!, quantity });
        const inCart = new Set(lines.map(([variant]) => Math.floor(variant / 2)));
        const shippingOptions: Record<string, string> = {};
        for (const [shop, pick] of picks.entries()) {
          const id = pick === undefined ? undefined : optionIds[shop]![pick];
          if (id && inCart.has(shop)) shippingOptions[sellers[shop]!.shop!.id] = id;
        }
        const input = { shippingAddress: ADDRESS, shippingOptions };
        const quote = await t.services.orders.quote(buyer, input);
        // A chosen weight option may not hold a heavy cart: then checkout refuses what the quote flags.
        if (quote.problems.length > 0) {
          await expect(
            t.services.orders.checkout(buyer, { ...input, expectedTotalMinor: quote.total.amount }, answer),
          ).rejects.toMatchObject({ code: 'validation_failed' });
          return;
        }
        const placed = JSON.parse(
          await t.services.orders.checkout(
            buyer,
            { ...input, expectedTotalMinor: quote.total.amount },
            answer,
          ),
        );
        expect(placed.payment.amount).toEqual(quote.total);
        const orderTotals = placed.orders.reduce(
          (sum: number, o: { total: { amount: number } }) => sum + o.total.amount,
          0,
        );
        expect(orderTotals).toBe(quote.total.amount);
        for (const shop of quote.shops) {
          const order = placed.orders.find((o: { shop: { id: string } }) => o.shop.id === shop.shop.id);
          expect({
            subtotal: order.subtotal,
            shipping_total: order.shipping_total,
            total: order.total,
            option: order.shipping?.option_id ?? null,
          }).toEqual({
            subtotal: shop.subtotal,
            shipping_total: shop.shipping?.amount ?? { amount: 0, currency: 'USD' },
            total: shop.total,
            option: shop.shipping?.option_id ?? null,
          });
        }
      },
    ),
    { numRuns: 20 },
  );
});
