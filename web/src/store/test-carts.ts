import type { Cart, CartLine } from './types';

/** Test fixtures: money in USD cents, and carts whose totals add up. */
export const usd = (amount: number) => ({ amount, currency: 'USD' });

export const ADA = { id: 'shop_ada', name: "Ada's Atelier" };

/** A line of `quantity` units at `unitPrice`, a brass desk lamp from Ada's Atelier unless told. */
export function cartLine(
  overrides: Partial<Omit<CartLine, 'unit_price' | 'line_total'>> & { unitPrice?: number } = {},
): CartLine {
  const { unitPrice = 6900, ...line } = overrides;
  const quantity = line.quantity ?? 1;
  return {
    id: 'ci_1',
    variant_id: 'var_lamp',
    product_id: 'prod_lamp',
    shop: ADA,
    title: 'Brass desk lamp',
    available: 3,
    purchasable: true,
    unavailable_reason: null,
    ...line,
    quantity,
    unit_price: usd(unitPrice),
    line_total: usd(unitPrice * quantity),
  };
}

export const cartOf = (items: CartLine[]): Cart => ({
  id: 'cart_1',
  items,
  subtotal: usd(items.reduce((sum, item) => sum + item.line_total.amount, 0)),
});
