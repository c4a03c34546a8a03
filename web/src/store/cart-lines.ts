import type { CartLine } from './types';

export interface ShopRef {
  id: string;
  name: string;
}

export interface ShopGroup<L> {
  shop: ShopRef;
  lines: L[];
}

/**
 * Cart lines grouped by their shop, groups in the order their first line appears, so a buyer sees
 * which lines become which order.
 */
export function groupByShop<L extends Pick<CartLine, 'shop'>>(lines: readonly L[]): ShopGroup<L>[] {
  const groups = new Map<string, ShopGroup<L>>();
  for (const line of lines) {
    const group = groups.get(line.shop.id) ?? { shop: line.shop, lines: [] };
    group.lines.push(line);
    groups.set(line.shop.id, group);
  }
  return [...groups.values()];
}

/** Whether a line asks for more than its variant has left: checkout would refuse it. */
export const isOverStock = (line: Pick<CartLine, 'quantity' | 'available'>): boolean =>
  line.quantity > line.available;

/** The lines to fix before checking out. */
export const overStockLines = <L extends Pick<CartLine, 'quantity' | 'available'>>(
  lines: readonly L[],
): L[] => lines.filter(isOverStock);
