import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PromotionRule } from './discounts.js';
import { linePaidMinor, shippingPaidMinor, unitsPaidMinor } from './paid-value.js';
import { priceCheckout } from './pricing.js';

describe('paid value', () => {
  it('values units on the cumulative count: parts in any split add up to the line exactly', () => {
    expect(unitsPaidMinor(200, 3, { before: 0, count: 1 })).toBe(67);
    expect(unitsPaidMinor(200, 3, { before: 1, count: 1 })).toBe(66);
    expect(unitsPaidMinor(200, 3, { before: 2, count: 1 })).toBe(67);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 8 }),
        (paid, parts) => {
          const quantity = parts.reduce((sum, part) => sum + part, 0);
          let before = 0;
          let sum = 0;
          for (const count of parts) {
            const value = unitsPaidMinor(paid, quantity, { before, count });
            expect(value).toBeGreaterThanOrEqual(0);
            sum += value;
            before += count;
          }
          expect(sum).toBe(paid);
        },
      ),
    );
    expect(() => unitsPaidMinor(100, 2, { before: 1, count: 2 })).toThrow(RangeError);
  });

  it('says what the buyer paid per line and for shipping: together, the order total', () => {
    const promotion: PromotionRule = {
      id: 'promo',
      code: null,
      automatic: true,
      type: 'percentage',
      percentBps: 1500,
      amountMinor: null,
      shopId: null,
      categoryIds: [],
      productIds: [],
      minSubtotalMinor: null,
      fundedBy: 'platform',
    };
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            price: fc.integer({ min: 1, max: 100_000 }),
            quantity: fc.integer({ min: 1, max: 9 }),
          }),
          {
            minLength: 1,
            maxLength: 4,
          },
        ),
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 0, max: 2500 }),
        fc.boolean(),
        fc.boolean(),
        (lines, shippingMinor, rateBps, pricesIncludeTax, discounted) => {
          const priced = priceCheckout({
            lines: lines.map((line, index) => ({
              variantId: `var_${index}`,
              productId: `prod_${index}`,
              categoryId: null,
              shopId: 'shop_a',
              shopName: 'Shop A',
              unitPriceMinor: line.price,
              quantity: line.quantity,
              weightGrams: 0,
              taxCategory: null,
            })),
            destination: { country: 'US' },
            options: [
              {
                id: 'so',
                shopId: 'shop_a',
                name: 'Standard',
                countries: ['*'],
                rate: { type: 'flat', amountMinor: shippingMinor },
                freeOverMinor: null,
                minDays: 1,
                maxDays: 2,
                active: true,
              },
            ],
            choices: {},
            taxRates: [
              { id: 'tax', country: 'US', region: null, category: null, rateBps, appliesToShipping: true },
            ],
            pricesIncludeTax,
            promotions: discounted ? [promotion] : [],
          });
          const shop = priced.shops[0]!;
          const linesPaid = lines.reduce(
            (sum, _line, index) =>
              sum +
              linePaidMinor(
                {
                  lineTotalMinor: priced.lineTotalsMinor[index]!,
                  discountMinor: priced.lineDiscountsMinor[index]!,
                  taxMinor: priced.lineTaxesMinor[index]!,
                },
                pricesIncludeTax,
              ),
            0,
          );
          const shippingPaid = shippingPaidMinor({
            shippingMinor: shop.shippingMinor,
            shippingTaxMinor: shop.shippingTaxMinor,
            waivedShippingMinor: shop.shippingDiscountMinor,
          });
          expect(linesPaid + shippingPaid).toBe(shop.totalMinor);
        },
      ),
    );
  });
});
