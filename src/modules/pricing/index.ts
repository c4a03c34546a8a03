/**
 * Pricing: the one pure function that turns cart lines, a destination and the shops' shipping
 * options, tax rates and promotions into per-line, per-shop and total amounts, with the
 * reasons anything does not apply. No I/O, no tables: callers read its inputs in their transaction.
 */

export {
  allocateProportionally,
  applyPromotions,
  type NotApplicableReason,
  type PromotionRule,
} from './discounts.js';
export { type CartTotals, type OverBound, type PricedLine, totalCart } from './line-totals.js';
export { linePaidMinor, shippingPaidMinor, unitsPaidMinor } from './paid-value.js';
export { pricingErrors } from './pricing.errors.js';
export {
  type Destination,
  type OptionExclusion,
  type OptionPrice,
  optionPrice,
  type PricedCheckout,
  type PricingInput,
  type PricingLine,
  type PricingProblem,
  type PromotionTake,
  priceCheckout,
  type ShippingOptionRule,
  type ShippingRate,
  type ShopPrice,
} from './pricing.js';
