import { addMinor, MAX_MONEY_MINOR, multiplyMinor } from '../../platform/money.js';
import { matchTaxRate, shippingTaxRate, type TaxRateRule, taxOf } from '../tax/index.js';
import { applyPromotions, type NotApplicableReason, type PromotionRule } from './discounts.js';
import { type OverBound, totalCart } from './line-totals.js';

/** How a shipping option charges: per order, per unit, or by the order's weight. */
export type ShippingRate =
  | { type: 'flat'; amountMinor: number }
  | { type: 'per_item'; firstMinor: number; additionalMinor: number }
  | { type: 'weight'; tiers: readonly { upToGrams: number; amountMinor: number }[] };

/** A shop's shipping option as pricing needs it (the shipping module reads it). */
export interface ShippingOptionRule {
  id: string;
  shopId: string;
  name: string;
  /** ISO 3166-1 alpha-2 codes, or ['*'] for everywhere. */
  countries: readonly string[];
  rate: ShippingRate;
  freeOverMinor: number | null;
  minDays: number;
  maxDays: number;
  active: boolean;
}

export interface PricingLine {
  variantId: string;
  /** What promotions are scoped by. */
  productId: string;
  categoryId: string | null;
  shopId: string;
  shopName: string;
  unitPriceMinor: number;
  quantity: number;
  weightGrams: number;
  /** The product's tax category: the rate of its place and category applies. */
  taxCategory: string | null;
}

export interface Destination {
  country: string;
  region?: string | undefined;
}

/** Why an option does not apply to this shop's part of the cart. */
export type OptionExclusion = 'inactive' | 'country_excluded' | 'too_heavy';

export interface OptionPrice {
  optionId: string;
  name: string;
  amountMinor: number;
  minDays: number;
  maxDays: number;
}

export interface ShopPrice {
  shopId: string;
  shopName: string;
  /** Indexes into the lines given, in their order. */
  lineIndexes: number[];
  subtotalMinor: number;
  weightGrams: number;
  units: number;
  /** The options that apply, in the shop's order. */
  options: OptionPrice[];
  excluded: { optionId: string; reason: OptionExclusion }[];
  /** The option charged: the chosen one, else the cheapest that applies; null when the shop ships free. */
  shipping: OptionPrice | null;
  shippingMinor: number;
  /** The tax of the shipping, and its rate (0 when shipping to the address is not taxed). */
  shippingTaxMinor: number;
  shippingTaxRateBps: number;
  /** The lines' discounts and the shipping waived by free shipping. */
  discountMinor: number;
  /** The part of discountMinor that is this shop's shipping, waived. */
  shippingDiscountMinor: number;
  /** What each promotion took off this shop's part, in the order they applied. */
  promotions: PromotionTake[];
  /** The lines' tax and the shipping's. */
  taxMinor: number;
  totalMinor: number;
}

/** What keeps a cart from being checked out as asked, per shop. */
export type PricingProblem =
  | { code: 'not_shippable'; shopId: string }
  | {
      code: 'shipping_option_invalid';
      shopId: string;
      optionId: string;
      reason: OptionExclusion | 'unknown' | 'shop_not_in_cart';
    };

/** What one promotion took off (a shop's part, or the whole cart). */
export interface PromotionTake {
  id: string;
  code: string | null;
  fundedBy: 'platform' | 'shop';
  amountMinor: number;
  /** What it took off is shipping (free shipping), not merchandise: commission never counts it. */
  freeShipping: boolean;
}

export interface PricedCheckout {
  lineTotalsMinor: number[];
  /** Per line: its discount (before tax: the tax is on the line's total less it). */
  lineDiscountsMinor: number[];
  /** Per line: its tax, and the rate it was taxed at. */
  lineTaxesMinor: number[];
  lineTaxRatesBps: number[];
  shops: ShopPrice[];
  subtotalMinor: number;
  shippingMinor: number;
  discountMinor: number;
  taxMinor: number;
  /** subtotal + shipping + tax − discount. */
  totalMinor: number;
  /** A line that takes the merchandise over the money bound (see totalCart). */
  overBound: OverBound | undefined;
  /** The total is over the money bound (shipping took it there). */
  totalOverBound: boolean;
  problems: PricingProblem[];
  /** The promotions that took something off, in the order they applied. */
  promotions: PromotionTake[];
  /** The promotions given that take nothing off this cart, and why. */
  notApplied: { id: string; code: string | null; reason: NotApplicableReason }[];
}

export interface PricingInput {
  lines: readonly PricingLine[];
  destination: Destination;
  /** The shops' options; inactive ones only say why a choice of them is refused. */
  options: readonly ShippingOptionRule[];
  /** The buyer's choice per shop id. */
  choices: Readonly<Record<string, string>>;
  /** The tax rates of the destination's country (tax.compute picks the most specific per line). */
  taxRates: readonly TaxRateRule[];
  /**
   * BAZAAR_PRICES_INCLUDE_TAX: prices and shipping are gross and their tax is inside them. The
   * subtotal and shipping totals are then the net amounts, so that total = subtotal + shipping +
   * tax − discount holds either way and the total is what the buyer saw on the price tags.
   */
  pricesIncludeTax: boolean;
  /** The current promotions that may apply: the active automatic ones and the cart's code. */
  promotions: readonly PromotionRule[];
}

/** What an option charges for a shop's part of the cart, or why it does not apply. */
export function optionPrice(
  option: ShippingOptionRule,
  part: { subtotalMinor: number; units: number; weightGrams: number },
  destination: Destination,
): { amountMinor: number } | { excluded: OptionExclusion } {
  if (!option.active) return { excluded: 'inactive' };
  if (!option.countries.includes('*') && !option.countries.includes(destination.country))
    return { excluded: 'country_excluded' };
  let amountMinor: number;
  const { rate } = option;
  switch (rate.type) {
    case 'flat':
      amountMinor = rate.amountMinor;
      break;
    case 'per_item':
      amountMinor = addMinor(
        rate.firstMinor,
        multiplyMinor(rate.additionalMinor, Math.max(0, part.units - 1)),
      );
      break;
    case 'weight': {
      const tier = rate.tiers.find((t) => part.weightGrams <= t.upToGrams);
      if (!tier) return { excluded: 'too_heavy' };
      amountMinor = tier.amountMinor;
      break;
    }
  }
  // The weight still decides whether the option applies; free_over only waives its price.
  if (option.freeOverMinor !== null && part.subtotalMinor >= option.freeOverMinor) amountMinor = 0;
  return { amountMinor };
}

const cheaper = (a: OptionPrice, b: OptionPrice) =>
  a.amountMinor !== b.amountMinor ? a.amountMinor < b.amountMinor : a.maxDays < b.maxDays;

/**
 * The one pricing of a cart: per line, per shop (merchandise, shipping, discount, tax) and in all.
 * Cart, quote and checkout call it with plain data read in their transaction, so what the quote
 * says is what checkout charges.
 */
export function priceCheckout(input: PricingInput): PricedCheckout {
  const { lines, destination, options, choices, taxRates, pricesIncludeTax } = input;
  const merchandise = totalCart(lines);
  const lineTaxRatesBps = lines.map(
    (line) => matchTaxRate(taxRates, destination, line.taxCategory)?.rateBps ?? 0,
  );
  const shippingRateBps = shippingTaxRate(taxRates, destination)?.rateBps ?? 0;
  const shopsById = new Map<string, ShopPrice>();
  for (const [index, line] of lines.entries()) {
    let shop = shopsById.get(line.shopId);
    if (!shop) {
      shop = {
        shopId: line.shopId,
        shopName: line.shopName,
        lineIndexes: [],
        subtotalMinor: 0,
        weightGrams: 0,
        units: 0,
        options: [],
        excluded: [],
        shipping: null,
        shippingMinor: 0,
        shippingTaxMinor: 0,
        shippingTaxRateBps: 0,
        discountMinor: 0,
        shippingDiscountMinor: 0,
        promotions: [],
        taxMinor: 0,
        totalMinor: 0,
      };
      shopsById.set(line.shopId, shop);
    }
    shop.lineIndexes.push(index);
    shop.subtotalMinor = addMinor(shop.subtotalMinor, merchandise.lineTotalsMinor[index]!);
    shop.weightGrams = addMinor(shop.weightGrams, multiplyMinor(line.weightGrams, line.quantity));
    shop.units += line.quantity;
  }
  const problems: PricingProblem[] = [];
  for (const [shopId, optionId] of Object.entries(choices)) {
    if (!shopsById.has(shopId))
      problems.push({ code: 'shipping_option_invalid', shopId, optionId, reason: 'shop_not_in_cart' });
  }
  for (const shop of shopsById.values()) {
    const own = options.filter((option) => option.shopId === shop.shopId);
    let cheapest: OptionPrice | null = null;
    for (const option of own) {
      const price = optionPrice(option, shop, destination);
      if ('excluded' in price) {
        shop.excluded.push({ optionId: option.id, reason: price.excluded });
        continue;
      }
      const quoted: OptionPrice = {
        optionId: option.id,
        name: option.name,
        amountMinor: price.amountMinor,
        minDays: option.minDays,
        maxDays: option.maxDays,
      };
      shop.options.push(quoted);
      if (!cheapest || cheaper(quoted, cheapest)) cheapest = quoted;
    }
    const chosenId = choices[shop.shopId];
    if (chosenId !== undefined) {
      const chosen = shop.options.find((option) => option.optionId === chosenId);
      if (chosen) shop.shipping = chosen;
      else {
        const reason = shop.excluded.find((e) => e.optionId === chosenId)?.reason ?? 'unknown';
        problems.push({ code: 'shipping_option_invalid', shopId: shop.shopId, optionId: chosenId, reason });
      }
    } else if (cheapest) shop.shipping = cheapest;
    else if (own.some((option) => option.active))
      problems.push({ code: 'not_shippable', shopId: shop.shopId });
    // A shop with no active option ships free.
    shop.shippingMinor = shop.shipping?.amountMinor ?? 0;
  }
  // Discounts come before tax: each line is taxed on its total less its discount, rounded per line.
  const discounts = applyPromotions(
    lines.map((line, index) => ({
      shopId: line.shopId,
      productId: line.productId,
      categoryId: line.categoryId,
      amountMinor: merchandise.lineTotalsMinor[index]!,
    })),
    input.promotions,
    new Map([...shopsById.values()].map((shop) => [shop.shopId, shop.shippingMinor])),
  );
  const lineTaxesMinor = lines.map((_line, index) =>
    taxOf(
      merchandise.lineTotalsMinor[index]! - discounts.lineDiscountsMinor[index]!,
      lineTaxRatesBps[index]!,
      pricesIncludeTax,
    ),
  );
  const take = (promotion: PromotionRule, amountMinor: number): PromotionTake => ({
    id: promotion.id,
    code: promotion.code,
    fundedBy: promotion.fundedBy,
    amountMinor,
    freeShipping: promotion.type === 'free_shipping',
  });
  for (const { promotion, byShop } of discounts.applied) {
    for (const [shopId, amountMinor] of byShop)
      shopsById.get(shopId)!.promotions.push(take(promotion, amountMinor));
  }
  let shippingMinor = 0;
  for (const shop of shopsById.values()) {
    for (const index of shop.lineIndexes) {
      shop.taxMinor = addMinor(shop.taxMinor, lineTaxesMinor[index]!);
      shop.discountMinor = addMinor(shop.discountMinor, discounts.lineDiscountsMinor[index]!);
    }
    if (discounts.freeShippingBy.has(shop.shopId)) shop.shippingDiscountMinor = shop.shippingMinor;
    shop.discountMinor = addMinor(shop.discountMinor, shop.shippingDiscountMinor);
    // Waived shipping is not taxed.
    const taxedShippingMinor = shop.shippingMinor - shop.shippingDiscountMinor;
    if (taxedShippingMinor > 0 && shippingRateBps > 0) {
      shop.shippingTaxRateBps = shippingRateBps;
      shop.shippingTaxMinor = taxOf(taxedShippingMinor, shippingRateBps, pricesIncludeTax);
      shop.taxMinor = addMinor(shop.taxMinor, shop.shippingTaxMinor);
    }
    if (pricesIncludeTax) {
      // Gross amounts carry their tax: the net parts plus the tax add up to what the tags said.
      shop.subtotalMinor -= shop.taxMinor - shop.shippingTaxMinor;
      shop.shippingMinor -= shop.shippingTaxMinor;
    }
    shop.totalMinor =
      addMinor(addMinor(shop.subtotalMinor, shop.shippingMinor), shop.taxMinor) - shop.discountMinor;
    shippingMinor = addMinor(shippingMinor, shop.shippingMinor);
  }
  const shops = [...shopsById.values()];
  const sumOf = (part: (shop: ShopPrice) => number) =>
    shops.reduce((sum, shop) => addMinor(sum, part(shop)), 0);
  const subtotalMinor = sumOf((shop) => shop.subtotalMinor);
  const discountMinor = sumOf((shop) => shop.discountMinor);
  const taxMinor = sumOf((shop) => shop.taxMinor);
  const totalMinor = addMinor(addMinor(subtotalMinor, shippingMinor), taxMinor) - discountMinor;
  return {
    lineTotalsMinor: merchandise.lineTotalsMinor,
    lineDiscountsMinor: discounts.lineDiscountsMinor,
    lineTaxesMinor,
    lineTaxRatesBps,
    shops,
    subtotalMinor,
    shippingMinor,
    discountMinor,
    taxMinor,
    totalMinor,
    overBound: merchandise.overBound,
    totalOverBound: totalMinor > MAX_MONEY_MINOR,
    problems,
    promotions: discounts.applied.map(({ promotion, amountMinor }) => take(promotion, amountMinor)),
    notApplied: discounts.notApplied.map(({ promotion, reason }) => ({
      id: promotion.id,
      code: promotion.code,
      reason,
    })),
  };
}
