import { basisPointsOf, proportionOf } from '../../platform/money.js';

/** A tax rate as the pricing needs it: where and on what it applies, and how much. */
export interface TaxRateRule {
  id: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** ISO 3166-2 subdivision without the country (`CA`); null: the whole country. */
  region: string | null;
  /** A product tax category (`reduced`, `books`, …); null: any product. */
  category: string | null;
  rateBps: number;
  appliesToShipping: boolean;
}

export interface TaxPlace {
  country: string;
  region?: string | null | undefined;
}

/**
 * The most specific rate for a place and a product category: country + region + category, then
 * country + region, then country + category, then the country alone. No match: no tax.
 */
export function matchTaxRate(
  rates: readonly TaxRateRule[],
  place: TaxPlace,
  category: string | null,
): TaxRateRule | undefined {
  const country = place.country.toUpperCase();
  const region = place.region ? place.region.toUpperCase() : null;
  let best: TaxRateRule | undefined;
  let bestRank = 0;
  for (const rate of rates) {
    if (rate.country !== country) continue;
    if (rate.region !== null && rate.region !== region) continue;
    if (rate.category !== null && rate.category !== category) continue;
    // A region outranks a category: a state's rate beats a country-wide category rate.
    const rank = 1 + (rate.region !== null ? 2 : 0) + (rate.category !== null ? 1 : 0);
    if (rank > bestRank) {
      best = rate;
      bestRank = rank;
    }
  }
  return best;
}

/** The rate shipping to a place is taxed at: the place's own rate (no category), when it covers shipping. */
export function shippingTaxRate(rates: readonly TaxRateRule[], place: TaxPlace): TaxRateRule | undefined {
  const rate = matchTaxRate(rates, place, null);
  return rate?.appliesToShipping ? rate : undefined;
}

/**
 * The tax of an amount at a rate, in integer minor units. Exclusive prices (net): round_half_up(net
 * × bps / 10000), added on top. Inclusive prices (gross): gross − round_half_up(gross × 10000 /
 * (10000 + bps)), already inside the amount.
 */
export function taxOf(amountMinor: number, rateBps: number, pricesIncludeTax: boolean): number {
  if (amountMinor <= 0 || rateBps <= 0) return 0;
  if (!pricesIncludeTax) return basisPointsOf(amountMinor, rateBps);
  return amountMinor - proportionOf(amountMinor, 10_000, 10_000 + rateBps);
}
