import { formatMoney, type Money } from '../format';

/** A promotion as carts, quotes and orders list it. */
export interface AppliedPromotion {
  id: string;
  code: string | null;
  amount: Money;
  funded_by: 'platform' | 'shop';
}

/** What lines' promotions take off in all: a shop's part of the cart's discount. */
export const discountOf = (lines: readonly { discount: Money }[], currency: string): Money => ({
  amount: lines.reduce((sum, line) => sum + line.discount.amount, 0),
  currency,
});

/** An amount taken off, as the summary shows it: "−$4.00". */
export const minus = (money: Money): string => `−${formatMoney(money)}`;

/** How a buyer knows a promotion: its code, or that it applied by itself. */
export const promotionLabel = (promotion: Pick<AppliedPromotion, 'code'>): string =>
  promotion.code ?? 'Automatic discount';
