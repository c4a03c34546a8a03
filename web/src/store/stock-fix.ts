import type { StockShortage } from '../api/client';
import type { Money } from '../format';
import type { CartLine } from './types';

/** One cart line checkout refused, what to tell the buyer and how to fix it. */
export interface StockFix {
  lineId: string;
  title: string;
  requested: number;
  available: number;
  /** Set the line to what is left, or remove it when nothing is. */
  fix: { kind: 'set_quantity'; quantity: number } | { kind: 'remove' };
  message: string;
}

/**
 * Matches a 409 `insufficient_stock`'s shortages to the cart's lines by variant, so the buyer reads
 * which items ran out rather than variant ids. A shortage for a variant no longer in the cart is dropped.
 */
export function planStockFixes(
  shortages: readonly StockShortage[],
  lines: readonly Pick<CartLine, 'id' | 'variant_id' | 'title'>[],
): StockFix[] {
  return shortages.flatMap((shortage) => {
    const line = lines.find((candidate) => candidate.variant_id === shortage.variant_id);
    if (!line) return [];
    const available = Math.max(0, shortage.available);
    return [
      {
        lineId: line.id,
        title: line.title,
        requested: shortage.requested,
        available,
        fix: available > 0 ? { kind: 'set_quantity', quantity: available } : { kind: 'remove' },
        message:
          available > 0
            ? `${line.title}: only ${available} left (you asked for ${shortage.requested}).`
            : `${line.title}: sold out.`,
      },
    ];
  });
}

/**
 * What the cart comes to once the fixes the buyer accepted are made, at the prices the buyer was
 * shown: the total checkout is then asked to charge, so a price that changed meanwhile is still caught.
 */
export function totalAfterFixes(
  lines: readonly Pick<CartLine, 'id' | 'quantity' | 'unit_price'>[],
  fixes: readonly Pick<StockFix, 'lineId' | 'fix'>[],
  currency: string,
): Money {
  const amount = lines.reduce((sum, line) => {
    const fix = fixes.find((candidate) => candidate.lineId === line.id)?.fix;
    const quantity = !fix ? line.quantity : fix.kind === 'remove' ? 0 : fix.quantity;
    return sum + quantity * line.unit_price.amount;
  }, 0);
  return { amount, currency };
}
