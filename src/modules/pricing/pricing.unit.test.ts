import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PricingLine, priceCheckout, type ShippingOptionRule } from './pricing.js';

const US = { country: 'US', region: 'CA' };

const line = (overrides: Partial<PricingLine> = {}): PricingLine => ({
  variantId: 'var_1',
  shopId: 'shop_a',
  shopName: 'Shop A',
  unitPriceMinor: 1000,
  quantity: 1,
  weightGrams: 0,
  ...overrides,
});

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
) => priceCheckout({ lines, destination: US, options, choices });

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
