import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchTaxRate, shippingTaxRate, type TaxRateRule, taxOf } from './tax.compute.js';

const rate = (over: Partial<TaxRateRule> & { id: string }): TaxRateRule => ({
  country: 'US',
  region: null,
  category: null,
  rateBps: 0,
  appliesToShipping: false,
  ...over,
});

describe('taxOf', () => {
  it('adds round_half_up(net × rate) on exclusive prices', () => {
    expect(taxOf(1000, 725, false)).toBe(73); // 72.5 → 73
    expect(taxOf(999, 725, false)).toBe(72); // 72.4275 → 72
    expect(taxOf(200, 2500, false)).toBe(50);
    expect(taxOf(1, 5000, false)).toBe(1); // 0.5 → 1
    expect(taxOf(1, 4999, false)).toBe(0);
    expect(taxOf(1000, 0, false)).toBe(0);
    expect(taxOf(0, 725, false)).toBe(0);
  });

  it('takes the tax out of gross prices on inclusive prices', () => {
    expect(taxOf(1200, 2000, true)).toBe(200); // 1200 − 1000
    expect(taxOf(1000, 2000, true)).toBe(167); // 1000 − round(833.33) = 1000 − 833
    expect(taxOf(107, 700, true)).toBe(7); // 107 − 100
    expect(taxOf(1, 2000, true)).toBe(0); // 1 − round(0.833) = 1 − 1
    expect(taxOf(3, 2000, true)).toBe(0); // 3 − round_half_up(2.5) = 3 − 3
  });

  it('is exact integer arithmetic at the money bound, and never more than the amount', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000_000_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        (amount, bps) => {
          const exclusive = taxOf(amount, bps, false);
          const inclusive = taxOf(amount, bps, true);
          expect(Number.isSafeInteger(exclusive) && Number.isSafeInteger(inclusive)).toBe(true);
          expect(Math.abs(exclusive - (amount * bps) / 10_000)).toBeLessThanOrEqual(0.5 + 1e-6 * amount);
          expect(inclusive).toBeGreaterThanOrEqual(0);
          expect(inclusive).toBeLessThanOrEqual(amount);
          // Net plus the tax on it, at the same rate, gives the gross back within a minor unit.
          const net = amount - inclusive;
          expect(Math.abs(net + taxOf(net, bps, false) - amount)).toBeLessThanOrEqual(1);
        },
      ),
    );
  });
});

describe('matchTaxRate', () => {
  const rates = [
    rate({ id: 'us', rateBps: 500 }),
    rate({ id: 'us-food', category: 'food', rateBps: 100 }),
    rate({ id: 'us-ca', region: 'CA', rateBps: 725 }),
    rate({ id: 'us-ca-food', region: 'CA', category: 'food', rateBps: 0 }),
    rate({ id: 'de', country: 'DE', rateBps: 1900, appliesToShipping: true }),
    rate({ id: 'de-books', country: 'DE', category: 'books', rateBps: 700 }),
  ];
  const match = (place: { country: string; region?: string | null }, category: string | null) =>
    matchTaxRate(rates, place, category)?.id;

  it('takes the most specific: region and category, region, category, country', () => {
    expect(match({ country: 'US', region: 'CA' }, 'food')).toBe('us-ca-food');
    expect(match({ country: 'US', region: 'CA' }, 'toys')).toBe('us-ca');
    expect(match({ country: 'US', region: 'CA' }, null)).toBe('us-ca');
    expect(match({ country: 'US', region: 'NY' }, 'food')).toBe('us-food');
    expect(match({ country: 'US', region: 'NY' }, null)).toBe('us');
    expect(match({ country: 'US' }, 'food')).toBe('us-food');
    expect(match({ country: 'de', region: 'be' }, 'books')).toBe('de-books');
  });

  it('prefers a region over a country-wide category rate', () => {
    const regionOrCategory = [
      rate({ id: 'cat', category: 'food', rateBps: 100 }),
      rate({ id: 'reg', region: 'TX', rateBps: 625 }),
    ];
    expect(matchTaxRate(regionOrCategory, { country: 'US', region: 'TX' }, 'food')?.id).toBe('reg');
  });

  it('finds nothing for a country without rates: no tax', () => {
    expect(match({ country: 'FR' }, null)).toBeUndefined();
    expect(matchTaxRate([rate({ id: 'ca-only', region: 'CA' })], { country: 'US' }, null)).toBeUndefined();
  });

  it("taxes shipping at the place's own rate, only when it covers shipping", () => {
    expect(shippingTaxRate(rates, { country: 'DE' })?.id).toBe('de');
    expect(shippingTaxRate(rates, { country: 'US', region: 'CA' })).toBeUndefined();
  });
});
