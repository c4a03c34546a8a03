import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TaxRateRule } from '../tax/index.js';
import { type PricingLine, priceCheckout, type ShippingOptionRule } from './pricing.js';

const US = { country: 'US', region: 'CA' };

const line = (overrides: Partial<PricingLine> = {}): PricingLine => ({
  variantId: 'var_1',
  productId: 'prod_1',
  categoryId: null,
  shopId: 'shop_a',
  shopName: 'Shop A',
  unitPriceMinor: 1000,
  quantity: 1,
  weightGrams: 0,
  taxCategory: null,
  ...overrides,
});

/** No tax: the shipping tests price merchandise and shipping alone. */
const untaxed = { taxRates: [], pricesIncludeTax: false, promotions: [] } as const;

const option = (overrides: Partial<ShippingOptionRule> = {}): ShippingOptionRule => ({
  id: 'so_flat',
  shopId: 'shop_a',
  name: 'Standard',
  countries: ['*'],
  rate: { type: 'flat', amountMinor: 500 },
  freeOverMinor: null,
  minDays: 3,
  maxDays: 5,
  active: true,
  ...overrides,
});

const priceOne = (
  lines: PricingLine[],
  options: ShippingOptionRule[],
  choices: Record<string, string> = {},
) => priceCheckout({ lines, destination: US, options, choices, ...untaxed });

describe('shipping rates', () => {
  it('charges a flat rate once per order, whatever the quantity', () => {
    const priced = priceOne([line({ quantity: 3 })], [option()]);
    expect(priced.shops[0]!.shipping).toMatchObject({ optionId: 'so_flat', amountMinor: 500 });
    expect(priced).toMatchObject({ subtotalMinor: 3000, shippingMinor: 500, totalMinor: 3500, problems: [] });
  });

  it('charges per item: the first unit, then each additional one', () => {
    const perItem = option({ rate: { type: 'per_item', firstMinor: 400, additionalMinor: 150 } });
    expect(priceOne([line({ quantity: 1 })], [perItem]).shippingMinor).toBe(400);
    expect(
      priceOne([line({ quantity: 2 }), line({ variantId: 'var_2', quantity: 2 })], [perItem]).shippingMinor,
    ).toBe(400 + 3 * 150);
  });

  it('charges the first weight tier that holds the order, tier edges included', () => {
    const tiers = option({
      rate: {
        type: 'weight',
        tiers: [
          { upToGrams: 500, amountMinor: 300 },
          { upToGrams: 2000, amountMinor: 800 },
        ],
      },
    });
    const at = (grams: number) => priceOne([line({ weightGrams: grams })], [tiers]);
    expect(at(0).shippingMinor).toBe(300);
    expect(at(500).shippingMinor).toBe(300);
    expect(at(501).shippingMinor).toBe(800);
    expect(at(2000).shippingMinor).toBe(800);
    // The weight is per unit: two units of 300 g weigh 600 g.
    expect(priceOne([line({ weightGrams: 300, quantity: 2 })], [tiers]).shippingMinor).toBe(800);
    const tooHeavy = at(2001);
    expect(tooHeavy.shops[0]!.excluded).toEqual([{ optionId: 'so_flat', reason: 'too_heavy' }]);
    expect(tooHeavy.problems).toEqual([{ code: 'not_shippable', shopId: 'shop_a' }]);
  });

  it('is free from free_over exactly, not below', () => {
    const freeOver = option({ freeOverMinor: 5000 });
    expect(priceOne([line({ unitPriceMinor: 4999 })], [freeOver]).shippingMinor).toBe(500);
    expect(priceOne([line({ unitPriceMinor: 5000 })], [freeOver]).shippingMinor).toBe(0);
    expect(priceOne([line({ unitPriceMinor: 2500, quantity: 2 })], [freeOver]).totalMinor).toBe(5000);
  });
});

describe('choosing an option', () => {
  const standard = option({ id: 'so_std', rate: { type: 'flat', amountMinor: 500 }, maxDays: 5 });
  const express = option({
    id: 'so_exp',
    name: 'Express',
    rate: { type: 'flat', amountMinor: 1500 },
    maxDays: 2,
  });
  const domestic = option({ id: 'so_dom', countries: ['US'], rate: { type: 'flat', amountMinor: 200 } });

  it('takes the cheapest that applies when nothing is chosen, and the choice otherwise', () => {
    expect(priceOne([line()], [express, standard]).shops[0]!.shipping?.optionId).toBe('so_std');
    expect(priceOne([line()], [express, standard], { shop_a: 'so_exp' }).shippingMinor).toBe(1500);
    const abroad = priceCheckout({
      ...untaxed,
      lines: [line()],
      destination: { country: 'FR' },
      options: [domestic, express],
      choices: {},
    });
    expect(abroad.shops[0]!.shipping?.optionId).toBe('so_exp');
    expect(abroad.shops[0]!.options.map((o) => o.optionId)).toEqual(['so_exp']);
  });

  it('ships free from a shop with no active option', () => {
    const priced = priceOne([line()], [option({ active: false })]);
    expect(priced.shops[0]).toMatchObject({ shipping: null, shippingMinor: 0, totalMinor: 1000 });
    expect(priced.problems).toEqual([]);
    expect(priceOne([line()], []).shops[0]!.shipping).toBeNull();
  });

  it('says why a choice is refused: unknown, inactive, excluded, or a shop not in the cart', () => {
    const inactive = option({ id: 'so_off', active: false });
    const priced = priceCheckout({
      ...untaxed,
      lines: [line()],
      destination: { country: 'FR' },
      options: [domestic, inactive, standard],
      choices: { shop_a: 'so_dom', shop_z: 'so_std' },
    });
    expect(priced.problems).toEqual([
      { code: 'shipping_option_invalid', shopId: 'shop_z', optionId: 'so_std', reason: 'shop_not_in_cart' },
      { code: 'shipping_option_invalid', shopId: 'shop_a', optionId: 'so_dom', reason: 'country_excluded' },
    ]);
    const reasons = (choice: string) =>
      priceOne([line()], [inactive, standard], { shop_a: choice }).problems.map(
        (p) => 'reason' in p && p.reason,
      );
    expect(reasons('so_off')).toEqual(['inactive']);
    expect(reasons('so_other_shops')).toEqual(['unknown']);
  });

  it('finds a shop not shippable when every active option excludes the address', () => {
    const priced = priceCheckout({
      ...untaxed,
      lines: [line(), line({ variantId: 'var_b', shopId: 'shop_b', shopName: 'Shop B' })],
      destination: { country: 'FR' },
      options: [domestic],
      choices: {},
    });
    expect(priced.problems).toEqual([{ code: 'not_shippable', shopId: 'shop_a' }]);
    // Shop B has no option at all: it ships free.
    expect(priced.shops[1]).toMatchObject({ shopId: 'shop_b', shipping: null });
  });
});

describe('totals', () => {
  it('adds up per shop and in all: total = subtotal + shipping + tax − discount', () => {
    const shopOptions = fc.constantFrom<ShippingOptionRule[]>(
      [],
      [option()],
      [option({ rate: { type: 'per_item', firstMinor: 300, additionalMinor: 100 }, freeOverMinor: 4000 })],
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            shop: fc.constantFrom('a', 'b', 'c'),
            unitPriceMinor: fc.integer({ min: 1, max: 10_000 }),
            quantity: fc.integer({ min: 1, max: 5 }),
            weightGrams: fc.integer({ min: 0, max: 1000 }),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        shopOptions,
        (lines, options) => {
          const priced = priceCheckout({
            ...untaxed,
            lines: lines.map((l, i) =>
              line({ ...l, variantId: `var_${i}`, shopId: `shop_${l.shop}`, shopName: l.shop }),
            ),
            destination: US,
            options: ['a', 'b', 'c'].flatMap((shop) =>
              options.map((o) => ({ ...o, id: `${o.id}_${shop}`, shopId: `shop_${shop}` })),
            ),
            choices: {},
          });
          const sum = (pick: (shop: (typeof priced.shops)[number]) => number) =>
            priced.shops.reduce((total, shop) => total + pick(shop), 0);
          expect(sum((shop) => shop.totalMinor)).toBe(priced.totalMinor);
          expect(sum((shop) => shop.subtotalMinor)).toBe(priced.subtotalMinor);
          expect(sum((shop) => shop.shippingMinor)).toBe(priced.shippingMinor);
          expect(priced.totalMinor).toBe(
            priced.subtotalMinor + priced.shippingMinor + priced.taxMinor - priced.discountMinor,
          );
          for (const shop of priced.shops)
            expect(shop.totalMinor).toBe(
              shop.subtotalMinor + shop.shippingMinor + shop.taxMinor - shop.discountMinor,
            );
        },
      ),
    );
  });

  it('flags a total that shipping takes over the money bound', () => {
    const priced = priceOne(
      [line({ unitPriceMinor: 100_000_000_000 })],
      [option({ rate: { type: 'flat', amountMinor: 1 } })],
    );
    expect(priced.overBound).toBeUndefined();
    expect(priced.totalOverBound).toBe(true);
  });
});

describe('tax', () => {
  const rates: TaxRateRule[] = [
    { id: 'ca', country: 'US', region: 'CA', category: null, rateBps: 725, appliesToShipping: false },
    { id: 'ca-food', country: 'US', region: 'CA', category: 'food', rateBps: 0, appliesToShipping: false },
    { id: 'de', country: 'DE', region: null, category: null, rateBps: 1900, appliesToShipping: true },
    {
      id: 'de-books',
      country: 'DE',
      region: null,
      category: 'books',
      rateBps: 700,
      appliesToShipping: false,
    },
  ];
  const taxed = (
    lines: PricingLine[],
    destination: { country: string; region?: string },
    pricesIncludeTax = false,
  ) =>
    priceCheckout({
      lines,
      destination,
      options: [option()],
      choices: {},
      taxRates: rates,
      pricesIncludeTax,
      promotions: [],
    });

  it('taxes each line at its place and category, rounding half up per line, on exclusive prices', () => {
    const priced = taxed(
      [
        line({ unitPriceMinor: 1000 }),
        line({ variantId: 'var_2', unitPriceMinor: 999 }),
        line({ variantId: 'var_3', unitPriceMinor: 500, taxCategory: 'food' }),
      ],
      US,
    );
    expect(priced.lineTaxRatesBps).toEqual([725, 725, 0]);
    expect(priced.lineTaxesMinor).toEqual([73, 72, 0]); // 72.5 → 73, 72.4275 → 72
    expect(priced.shops[0]).toMatchObject({
      subtotalMinor: 2499,
      shippingMinor: 500,
      shippingTaxMinor: 0,
      taxMinor: 145,
      totalMinor: 3144,
    });
    expect(priced).toMatchObject({
      subtotalMinor: 2499,
      shippingMinor: 500,
      taxMinor: 145,
      totalMinor: 3144,
    });
  });

  it('taxes shipping at the place rate where it covers shipping, with a reduced category for lines', () => {
    const priced = taxed(
      [
        line({ unitPriceMinor: 2000, taxCategory: 'books' }),
        line({ variantId: 'var_2', unitPriceMinor: 1000 }),
      ],
      { country: 'DE' },
    );
    expect(priced.lineTaxesMinor).toEqual([140, 190]);
    expect(priced.shops[0]).toMatchObject({
      shippingMinor: 500,
      shippingTaxRateBps: 1900,
      shippingTaxMinor: 95,
      taxMinor: 425,
    });
    expect(priced.totalMinor).toBe(3000 + 500 + 425);
  });

  it('takes the tax out of gross prices: the total is what the tags say, and the parts still add up', () => {
    const priced = taxed(
      [
        line({ unitPriceMinor: 1190 }),
        line({ variantId: 'var_2', unitPriceMinor: 1070, taxCategory: 'books' }),
      ],
      { country: 'DE' },
      true,
    );
    expect(priced.lineTaxesMinor).toEqual([190, 70]);
    expect(priced.shops[0]).toMatchObject({
      shippingTaxMinor: 80,
      shippingMinor: 420,
      subtotalMinor: 2000,
      taxMinor: 340,
    });
    expect(priced.totalMinor).toBe(1190 + 1070 + 500);
    expect(priced.subtotalMinor + priced.shippingMinor + priced.taxMinor - priced.discountMinor).toBe(
      priced.totalMinor,
    );
  });

  it('charges no tax where no rate matches', () => {
    const priced = taxed([line()], { country: 'FR' });
    expect(priced).toMatchObject({ taxMinor: 0, totalMinor: 1500 });
  });

  it("keeps every shop's parts adding up to its total, and the shops to the whole, for random carts and rates", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            shop: fc.constantFrom('shop_a', 'shop_b'),
            unitPriceMinor: fc.integer({ min: 0, max: 1_000_000 }),
            quantity: fc.integer({ min: 1, max: 20 }),
            taxCategory: fc.constantFrom(null, 'food', 'books'),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 4, maxLength: 4 }),
        fc.boolean(),
        (specs, bps, pricesIncludeTax) => {
          const randomRates = rates.map((rate, index) => ({
            ...rate,
            rateBps: bps[index]!,
            appliesToShipping: index % 2 === 0,
          }));
          const lines = specs.map((spec, index) =>
            line({
              variantId: `var_${index}`,
              shopId: spec.shop,
              shopName: spec.shop,
              unitPriceMinor: spec.unitPriceMinor,
              quantity: spec.quantity,
              taxCategory: spec.taxCategory,
            }),
          );
          const priced = priceCheckout({
            lines,
            destination: US,
            options: [option(), option({ id: 'so_b', shopId: 'shop_b' })],
            choices: {},
            taxRates: randomRates,
            pricesIncludeTax,
            promotions: [],
          });
          for (const shop of priced.shops) {
            expect(shop.subtotalMinor + shop.shippingMinor + shop.taxMinor - shop.discountMinor).toBe(
              shop.totalMinor,
            );
            const lineTax = shop.lineIndexes.reduce((sum, index) => sum + priced.lineTaxesMinor[index]!, 0);
            expect(lineTax + shop.shippingTaxMinor).toBe(shop.taxMinor);
          }
          expect(priced.shops.reduce((sum, shop) => sum + shop.totalMinor, 0)).toBe(priced.totalMinor);
          // Inclusive prices: the total is the sum of the price tags and the shipping, whatever the rates.
          if (pricesIncludeTax)
            expect(priced.totalMinor).toBe(
              lines.reduce((sum, l) => sum + l.unitPriceMinor * l.quantity, 0) + 500 * priced.shops.length,
            );
        },
      ),
    );
  });
});
