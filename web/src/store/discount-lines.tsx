import type { Money } from '../format';
import { type AppliedPromotion, minus, promotionLabel } from './discounts';

/** A line's discount under it, when it has one. */
export function LineDiscount({ title, discount }: { title: string; discount: Money }) {
  if (discount.amount === 0) return null;
  return (
    <p className="row summary-line line-discount">
      <span>Discount on {title}</span> <span className="num">{minus(discount)}</span>
    </p>
  );
}

/** What a shop's lines take off together, when anything. */
export function ShopDiscount({ name, discount }: { name: string; discount: Money }) {
  if (discount.amount === 0) return null;
  return (
    <p className="row summary-line shop-discount">
      <span>Discount from {name}</span> <span className="num">{minus(discount)}</span>
    </p>
  );
}

/** The discounts of a quote or an order in all, named by their promotions, when anything. */
export function DiscountTotal({
  promotions,
  discount,
  testId,
}: {
  promotions: readonly AppliedPromotion[];
  discount: Money;
  testId: string;
}) {
  if (discount.amount === 0) return null;
  return (
    <p className="row summary-line">
      <span>Discounts ({promotions.map(promotionLabel).join(', ')})</span>{' '}
      <span className="num" data-testid={testId}>
        {minus(discount)}
      </span>
    </p>
  );
}
