import { proportionOf } from '../../platform/money.js';

/**
 * What the buyer paid for an order line: its total less its discount, plus its tax when prices
 * exclude tax (gross prices carry their tax already). A refund of the line gives back this.
 */
export const linePaidMinor = (
  line: { lineTotalMinor: number; discountMinor: number; taxMinor: number },
  pricesIncludeTax: boolean,
): number => line.lineTotalMinor - line.discountMinor + (pricesIncludeTax ? 0 : line.taxMinor);

/**
 * The paid value of `count` units of a line of `quantity` units that paid `paidMinor`, when
 * `before` of its units were valued already. Computed on the cumulative count and differenced, so
 * however the units are taken back in parts, the parts add up to exactly the line's paid amount.
 */
export function unitsPaidMinor(
  paidMinor: number,
  quantity: number,
  units: { before: number; count: number },
): number {
  const { before, count } = units;
  if (before < 0 || count < 0 || before + count > quantity)
    throw new RangeError(`cannot value units ${before} → ${before + count} of ${quantity}`);
  return proportionOf(paidMinor, before + count, quantity) - proportionOf(paidMinor, before, quantity);
}

/**
 * What the buyer paid for an order's shipping: the shipping and its tax (the amount is net when
 * prices include tax, so the two add up to what was charged either way) less what free-shipping
 * promotions waived.
 */
export const shippingPaidMinor = (order: {
  shippingMinor: number;
  shippingTaxMinor: number;
  waivedShippingMinor: number;
}): number => Math.max(0, order.shippingMinor + order.shippingTaxMinor - order.waivedShippingMinor);
