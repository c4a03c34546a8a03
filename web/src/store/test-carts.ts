import type { Cart, CartLine, Quote } from './types';

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
    discount: line.discount ?? usd(0),
  };
}

export const cartOf = (items: CartLine[]): Cart => ({
  id: 'cart_1',
  items,
  subtotal: usd(items.reduce((sum, item) => sum + item.line_total.amount, 0)),
  promotions: [],
  discount_total: usd(0),
});

/** The quote of a cart: one shop part per shop, delivery as `shipping` says per shop id (free unless told). */
export function quoteOf(
  cart: Cart,
  shipping: Record<string, { id: string; name: string; amount: number }[]> = {},
  chosen: Record<string, string> = {},
): Quote {
  const shopIds = [...new Set(cart.items.map((item) => item.shop.id))];
  const shops = shopIds.map((shopId) => {
    const items = cart.items.filter((item) => item.shop.id === shopId);
    const subtotal = items.reduce((sum, item) => sum + item.line_total.amount, 0);
    const options = (shipping[shopId] ?? []).map((option) => ({
      id: option.id,
      name: option.name,
      amount: usd(option.amount),
      min_days: 2,
      max_days: 4,
    }));
    const picked = options.find((option) => option.id === chosen[shopId]) ?? options[0];
    const shippingAmount = picked?.amount.amount ?? 0;
    return {
      shop: items[0]!.shop,
      items,
      subtotal: usd(subtotal),
      shipping_options: options,
      shipping: picked
        ? { option_id: picked.id, name: picked.name, amount: picked.amount, min_days: 2, max_days: 4 }
        : null,
      discount_total: usd(0),
      tax_total: usd(0),
      total: usd(subtotal + shippingAmount),
    };
  });
  const sum = (pick: (shop: (typeof shops)[number]) => number) =>
    shops.reduce((total, shop) => total + pick(shop), 0);
  return {
    currency: 'USD',
    shops,
    subtotal: usd(sum((shop) => shop.subtotal.amount)),
    shipping_total: usd(sum((shop) => shop.total.amount - shop.subtotal.amount)),
    discount_total: usd(0),
    tax_total: usd(0),
    total: usd(sum((shop) => shop.total.amount)),
    promotions: [],
    problems: [],
  };
}
