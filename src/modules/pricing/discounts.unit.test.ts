import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TaxRateRule } from '../tax/index.js';
import {
  allocateProportionally,
  applyPromotions,
  type DiscountableLine,
  type PromotionRule,
} from './discounts.js';
import { type PricingLine, priceCheckout, type ShippingOptionRule } from './pricing.js';

const promotion = (over: Partial<PromotionRule> & { id: string }): PromotionRule => ({
  code: null,
  automatic: true,
  type: 'percentage',
  percentBps: 1000,
  amountMinor: null,
  shopId: null,
  categoryIds: [],
  productIds: [],
  minSubtotalMinor: null,
  fundedBy: 'platform',
  ...over,
});
const dline = (over: Partial<DiscountableLine> = {}): DiscountableLine => ({
  shopId: 'shop_a',
  productId: 'prod_1',
  categoryId: null,
  amountMinor: 1000,
  ...over,
});
const noShipping = new Map<string, number>();

describe('allocateProportionally', () => {
  it('spreads by largest remainder, summing exactly, never over a value', () => {
    expect(allocateProportionally(100, [1, 1, 1])).toEqual([1, 1, 1]);
    expect(allocateProportionally(10, [10, 10, 10])).toEqual([4, 3, 3]);
    expect(allocateProportionally(10, [100, 200, 700])).toEqual([1, 2, 7]);
    expect(allocateProportionally(5, [333, 333, 334])).toEqual([2, 1, 2]);
    expect(allocateProportionally(0, [5, 5])).toEqual([0, 0]);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000_000_000 }),
        fc.array(fc.integer({ min: 0, max: 10_000_000_000 }), { minLength: 1, maxLength: 10 }),
        (amount, values) => {
          const parts = allocateProportionally(amount, values);
          const whole = values.reduce((a, b) => a + b, 0);
          expect(parts.reduce((a, b) => a + b, 0)).toBe(Math.min(amount, whole));
          parts.forEach((part, i) => {
            expect(part).toBeGreaterThanOrEqual(0);
            expect(part).toBeLessThanOrEqual(values[i]!);
          });
        },
      ),
    );
  });
});

describe('applyPromotions', () => {
  it('gives each line at most one discount, the biggest promotion first', () => {
    const lines = [dline({ amountMinor: 1000 }), dline({ productId: 'prod_2', amountMinor: 3000 })];
    const tenPercent = promotion({ id: 'prm_a', percentBps: 1000 });
    const fiveOffOne = promotion({
      id: 'prm_b',
      type: 'fixed',
      percentBps: null,
      amountMinor: 500,
      productIds: ['prod_1'],
    });
    const applied = applyPromotions(lines, [fiveOffOne, tenPercent], noShipping);
    // 10% of everything (400) takes more than 5.00 off one line (500)? No: 500 > 400, so the fixed goes first.
    expect(applied.lineDiscountsMinor).toEqual([500, 300]);
    expect(applied.linePromotionIds).toEqual(['prm_b', 'prm_a']);
    expect(applied.applied.map((a) => [a.promotion.id, a.amountMinor])).toEqual([
      ['prm_b', 500],
      ['prm_a', 300],
    ]);
  });

  it('breaks ties automatic first, then by id, and names a promotion left nothing', () => {
    const lines = [dline()];
    const code = promotion({ id: 'prm_a', automatic: false, code: 'TEN' });
    const auto = promotion({ id: 'prm_z' });
    const applied = applyPromotions(lines, [code, auto], noShipping);
    expect(applied.linePromotionIds).toEqual(['prm_z']);
    expect(applied.notApplied).toEqual([{ promotion: code, reason: 'better_discount_applied' }]);
    const twins = applyPromotions(
      lines,
      [promotion({ id: 'prm_b' }), promotion({ id: 'prm_a' })],
      noShipping,
    );
    expect(twins.linePromotionIds).toEqual(['prm_a']);
  });

  it('compares min_subtotal with the scoped lines before discounts, and scopes by shop, category and product', () => {
    const lines = [
      dline({ amountMinor: 1500, categoryId: 'cat_shoes' }),
      dline({ shopId: 'shop_b', productId: 'prod_9', amountMinor: 9000 }),
    ];
    const shoes = promotion({ id: 'prm_s', categoryIds: ['cat_shoes'], minSubtotalMinor: 2000 });
    expect(applyPromotions(lines, [shoes], noShipping).notApplied).toEqual([
      { promotion: shoes, reason: 'below_minimum' },
    ]);
    const lower = { ...shoes, minSubtotalMinor: 1500 };
    expect(applyPromotions(lines, [lower], noShipping).lineDiscountsMinor).toEqual([150, 0]);
    const shopB = promotion({ id: 'prm_b', shopId: 'shop_b' });
    expect(applyPromotions(lines, [shopB], noShipping).lineDiscountsMinor).toEqual([0, 900]);
    const nothing = promotion({ id: 'prm_n', productIds: ['prod_none'] });
    expect(applyPromotions(lines, [nothing], noShipping).notApplied[0]!.reason).toBe('no_matching_items');
  });

  it('never takes a line below zero and waives the shipping of the scoped shops', () => {
    const lines = [dline({ amountMinor: 300 }), dline({ shopId: 'shop_b', amountMinor: 200 })];
    const huge = promotion({
      id: 'prm_h',
      type: 'fixed',
      percentBps: null,
      amountMinor: 10_000,
      shopId: 'shop_a',
    });
    const ship = promotion({ id: 'prm_f', type: 'free_shipping', percentBps: null });
    const applied = applyPromotions(
      lines,
      [huge, ship],
      new Map([
        ['shop_a', 0],
        ['shop_b', 700],
      ]),
    );
    expect(applied.lineDiscountsMinor).toEqual([300, 0]);
    expect([...applied.freeShippingBy]).toEqual([['shop_b', 'prm_f']]);
    expect(applied.applied.map((a) => [a.promotion.id, a.amountMinor])).toEqual([
      ['prm_f', 700],
      ['prm_h', 300],
    ]);
  });
});

const option = (shopId: string, amountMinor: number): ShippingOptionRule => ({
  id: `so_${shopId}`,
  shopId,
  name: 'Standard',
  countries: ['*'],
  rate: { type: 'flat', amountMinor },
  freeOverMinor: null,
  minDays: 1,
  maxDays: 2,
  active: true,
});
const rates: TaxRateRule[] = [
  { id: 'txr_ca', country: 'US', region: 'CA', category: null, rateBps: 725, appliesToShipping: true },
];

describe('priceCheckout with promotions', () => {
  it('taxes each line after its discount and does not tax waived shipping', () => {
    const lines: PricingLine[] = [
      {
        variantId: 'var_1',
        productId: 'prod_1',
        categoryId: null,
        shopId: 'shop_a',
        shopName: 'A',
        unitPriceMinor: 1000,
        quantity: 2,
        weightGrams: 0,
        taxCategory: null,
      },
    ];
    const priced = priceCheckout({
      lines,
      destination: { country: 'US', region: 'CA' },
      options: [option('shop_a', 500)],
      choices: {},
      taxRates: rates,
      pricesIncludeTax: false,
      promotions: [
        promotion({ id: 'prm_p', percentBps: 2500, fundedBy: 'shop', shopId: 'shop_a' }),
        promotion({ id: 'prm_f', type: 'free_shipping', percentBps: null, code: 'SHIP', automatic: false }),
      ],
    });
    expect(priced.lineDiscountsMinor).toEqual([500]);
    expect(priced.lineTaxesMinor).toEqual([109]); // 7.25% of 1500 = 108.75
    expect(priced.shops[0]).toMatchObject({
      shippingMinor: 500,
      shippingDiscountMinor: 500,
      shippingTaxMinor: 0,
    });
    expect(priced.discountMinor).toBe(1000);
    expect(priced.totalMinor).toBe(2000 + 500 + 109 - 1000);
    expect(priced.promotions).toEqual([
      { id: 'prm_p', code: null, fundedBy: 'shop', amountMinor: 500, freeShipping: false },
      { id: 'prm_f', code: 'SHIP', fundedBy: 'platform', amountMinor: 500, freeShipping: true },
    ]);
  });

  it('adds up for any cart and promotions: allocations exact, no line negative, totals identity', () => {
    const shops = ['shop_a', 'shop_b'];
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            shop: fc.constantFrom(...shops),
            product: fc.constantFrom('prod_1', 'prod_2', 'prod_3'),
            category: fc.constantFrom(null, 'cat_1', 'cat_2'),
            unitPriceMinor: fc.integer({ min: 1, max: 1_000_000 }),
            quantity: fc.integer({ min: 1, max: 99 }),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        fc.array(
          fc.record({
            automatic: fc.boolean(),
            type: fc.constantFrom('percentage', 'fixed', 'free_shipping') as fc.Arbitrary<
              PromotionRule['type']
            >,
            percentBps: fc.integer({ min: 1, max: 10_000 }),
            amountMinor: fc.integer({ min: 1, max: 50_000_000 }),
            shopId: fc.constantFrom(null, ...shops),
            categoryIds: fc.subarray(['cat_1', 'cat_2']),
            productIds: fc.subarray(['prod_1', 'prod_2']),
            minSubtotalMinor: fc.option(fc.integer({ min: 1, max: 5_000_000 })),
          }),
          { maxLength: 5 },
        ),
        fc.integer({ min: 0, max: 2500 }),
        fc.boolean(),
        (specs, promotionSpecs, bps, pricesIncludeTax) => {
          const lines: PricingLine[] = specs.map((spec, index) => ({
            variantId: `var_${index}`,
            productId: spec.product,
            categoryId: spec.category,
            shopId: spec.shop,
            shopName: spec.shop,
            unitPriceMinor: spec.unitPriceMinor,
            quantity: spec.quantity,
            weightGrams: 0,
            taxCategory: null,
          }));
          const promotions = promotionSpecs.map((spec, index) =>
            promotion({
              ...spec,
              id: `prm_${index}`,
              code: spec.automatic ? null : `CODE${index}`,
              percentBps: spec.type === 'percentage' ? spec.percentBps : null,
              amountMinor: spec.type === 'fixed' ? spec.amountMinor : null,
            }),
          );
          const priced = priceCheckout({
            lines,
            destination: { country: 'US', region: 'CA' },
            options: [option('shop_a', 499), option('shop_b', 1250)],
            choices: {},
            taxRates: [{ ...rates[0]!, rateBps: bps }],
            pricesIncludeTax,
            promotions,
          });
          priced.lineDiscountsMinor.forEach((discount, i) => {
            expect(discount).toBeGreaterThanOrEqual(0);
            expect(discount).toBeLessThanOrEqual(priced.lineTotalsMinor[i]!);
          });
          for (const shop of priced.shops) {
            expect(shop.discountMinor).toBe(
              shop.lineIndexes.reduce((sum, i) => sum + priced.lineDiscountsMinor[i]!, 0) +
                shop.shippingDiscountMinor,
            );
            expect(shop.promotions.reduce((sum, p) => sum + p.amountMinor, 0)).toBe(shop.discountMinor);
            expect(shop.totalMinor).toBe(
              shop.subtotalMinor + shop.shippingMinor + shop.taxMinor - shop.discountMinor,
            );
            expect(shop.totalMinor).toBeGreaterThanOrEqual(0);
          }
          expect(priced.promotions.reduce((sum, p) => sum + p.amountMinor, 0)).toBe(priced.discountMinor);
          expect(priced.totalMinor).toBe(
            priced.subtotalMinor + priced.shippingMinor + priced.taxMinor - priced.discountMinor,
          );
          for (const { code } of priced.notApplied)
            expect(code === null || code.startsWith('CODE')).toBe(true);
        },
      ),
    );
  });
});
