import { addMinor, basisPointsOf } from '../../platform/money.js';

/** A promotion as pricing needs it: plain data the caller read (and found current) in its transaction. */
export interface PromotionRule {
  id: string;
  code: string | null;
  automatic: boolean;
  type: 'percentage' | 'fixed' | 'free_shipping';
  percentBps: number | null;
  amountMinor: number | null;
  shopId: string | null;
  /** The scoped categories and all their descendants (the caller expands them); empty: any. */
  categoryIds: readonly string[];
  /** Empty: any product. */
  productIds: readonly string[];
  minSubtotalMinor: number | null;
  fundedBy: 'platform' | 'shop';
}

/** What a promotion matches a line by, and the line's value before discounts. */
export interface DiscountableLine {
  shopId: string;
  productId: string;
  categoryId: string | null;
  amountMinor: number;
}

/** Why a promotion takes nothing off this cart. */
export type NotApplicableReason = 'no_matching_items' | 'below_minimum' | 'better_discount_applied';

export interface AppliedDiscounts {
  /** Per line, in the lines' order. */
  lineDiscountsMinor: number[];
  /** Per line: the promotion that discounted it, or null. */
  linePromotionIds: (string | null)[];
  /** Per shop with free shipping: the promotion that waived it. */
  freeShippingBy: Map<string, string>;
  /** The promotions that took something off, in the order they applied, with what they took per shop. */
  applied: { promotion: PromotionRule; amountMinor: number; byShop: Map<string, number> }[];
  notApplied: { promotion: PromotionRule; reason: NotApplicableReason }[];
}

const inScope = (promotion: PromotionRule, line: DiscountableLine): boolean =>
  (promotion.shopId === null || promotion.shopId === line.shopId) &&
  (promotion.categoryIds.length === 0 ||
    (line.categoryId !== null && promotion.categoryIds.includes(line.categoryId))) &&
  (promotion.productIds.length === 0 || promotion.productIds.includes(line.productId));

/**
 * `amount` spread over `values` in proportion to them, by largest remainder: the parts sum to
 * min(amount, Σ values) exactly and none exceeds its value. Ties go to the earlier value.
 */
export function allocateProportionally(amount: number, values: readonly number[]): number[] {
  const whole = values.reduce((sum, value) => addMinor(sum, value), 0);
  if (amount >= whole) return [...values];
  if (amount <= 0) return values.map(() => 0);
  const big = BigInt(amount);
  const bigWhole = BigInt(whole);
  const parts = values.map((value) => Number((big * BigInt(value)) / bigWhole));
  const remainders = values.map((value, index) => ({ index, rest: (big * BigInt(value)) % bigWhole }));
  let left = amount - parts.reduce((sum, part) => sum + part, 0);
  remainders.sort((a, b) => (a.rest === b.rest ? a.index - b.index : a.rest > b.rest ? -1 : 1));
  for (const { index } of remainders) {
    if (left === 0) break;
    parts[index]! += 1;
    left -= 1;
  }
  return parts;
}

/** What a line promotion takes off each of these lines' values. */
function sharesOf(promotion: PromotionRule, values: readonly number[]): number[] {
  if (promotion.type === 'percentage')
    return values.map((value) => basisPointsOf(value, promotion.percentBps!));
  return allocateProportionally(promotion.amountMinor!, values);
}

/**
 * The promotions applied to a cart (API.md "Promotions"): whole, in descending order of what
 * they would take off (ties: automatic first, then by id), each only to the lines no earlier one
 * discounted, so a line takes at most one percentage or fixed discount; free shipping waives the
 * shipping of the shops with a line in its scope. `min_subtotal` compares the scoped lines before
 * discounts. `shippingByShop` is each shop's shipping before discounts.
 */
export function applyPromotions(
  lines: readonly DiscountableLine[],
  promotions: readonly PromotionRule[],
  shippingByShop: ReadonlyMap<string, number>,
): AppliedDiscounts {
  const result: AppliedDiscounts = {
    lineDiscountsMinor: lines.map(() => 0),
    linePromotionIds: lines.map(() => null),
    freeShippingBy: new Map(),
    applied: [],
    notApplied: [],
  };
  const candidates: { promotion: PromotionRule; scoped: number[]; shops: string[]; potential: number }[] = [];
  for (const promotion of promotions) {
    const scoped = lines.flatMap((line, index) => (inScope(promotion, line) ? [index] : []));
    if (scoped.length === 0) {
      result.notApplied.push({ promotion, reason: 'no_matching_items' });
      continue;
    }
    const scopedSubtotal = scoped.reduce((sum, index) => addMinor(sum, lines[index]!.amountMinor), 0);
    if (promotion.minSubtotalMinor !== null && scopedSubtotal < promotion.minSubtotalMinor) {
      result.notApplied.push({ promotion, reason: 'below_minimum' });
      continue;
    }
    const shops = [...new Set(scoped.map((index) => lines[index]!.shopId))];
    const potential =
      promotion.type === 'free_shipping'
        ? shops.reduce((sum, shop) => sum + (shippingByShop.get(shop) ?? 0), 0)
        : sharesOf(
            promotion,
            scoped.map((index) => lines[index]!.amountMinor),
          ).reduce((sum, share) => sum + share, 0);
    candidates.push({ promotion, scoped, shops, potential });
  }
  candidates.sort(
    (a, b) =>
      b.potential - a.potential ||
      Number(b.promotion.automatic) - Number(a.promotion.automatic) ||
      (a.promotion.id < b.promotion.id ? -1 : a.promotion.id > b.promotion.id ? 1 : 0),
  );
  for (const { promotion, scoped, shops } of candidates) {
    const byShop = new Map<string, number>();
    const add = (shopId: string, amount: number) => byShop.set(shopId, (byShop.get(shopId) ?? 0) + amount);
    if (promotion.type === 'free_shipping') {
      for (const shop of shops) {
        const shipping = shippingByShop.get(shop) ?? 0;
        if (shipping === 0 || result.freeShippingBy.has(shop)) continue;
        result.freeShippingBy.set(shop, promotion.id);
        add(shop, shipping);
      }
    } else {
      const open = scoped.filter((index) => result.linePromotionIds[index] === null);
      const shares = sharesOf(
        promotion,
        open.map((index) => lines[index]!.amountMinor),
      );
      for (const [position, index] of open.entries()) {
        const share = shares[position]!;
        if (share === 0) continue;
        result.lineDiscountsMinor[index] = share;
        result.linePromotionIds[index] = promotion.id;
        add(lines[index]!.shopId, share);
      }
    }
    const amountMinor = [...byShop.values()].reduce((sum, amount) => sum + amount, 0);
    if (amountMinor > 0) result.applied.push({ promotion, amountMinor, byShop });
    // Free shipping where shipping is free already (or not known yet: the cart) is no refusal.
    else if (promotion.type !== 'free_shipping')
      result.notApplied.push({ promotion, reason: 'better_discount_applied' });
  }
  return result;
}
