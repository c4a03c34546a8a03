import { addMinor, isWithinMoneyBound, MAX_MONEY_MINOR, multiplyMinor } from '../../platform/money.js';

export interface PricedLine {
  unitPriceMinor: number;
  quantity: number;
}

/**
 * Where a cart first goes past the money bound: the line's variant, when its unit price alone is
 * over it (a price set before the bound existed), or its quantity, when its line total or the
 * subtotal it brings goes over.
 */
export interface OverBound {
  index: number;
  field: 'variant_id' | 'quantity';
  message: string;
}

export interface CartTotals {
  /** Per line, in the order given; 0 for a line priced over the bound, which cannot be bought. */
  lineTotalsMinor: number[];
  /** The lines that can be bought at their price, summed exactly (it may pass the bound). */
  subtotalMinor: number;
  /** The first line that takes the cart past the bound; undefined when the cart may be bought. */
  overBound: OverBound | undefined;
}

/**
 * Line totals and the subtotal of cart lines, in exact arithmetic. The cart shows them even when
 * they pass the bound (a seller may raise a price after the buyer added the line), so it stays
 * readable; adding, changing and checking out refuse a cart with `overBound`.
 */
export function totalCart(lines: readonly PricedLine[]): CartTotals {
  let subtotalMinor = 0;
  let overBound: OverBound | undefined;
  const lineTotalsMinor = lines.map((line, index) => {
    if (!isWithinMoneyBound(line.unitPriceMinor)) {
      overBound ??= {
        index,
        field: 'variant_id',
        message: `the variant's price is over ${MAX_MONEY_MINOR} minor units: it cannot be bought`,
      };
      return 0;
    }
    const lineTotalMinor = multiplyMinor(line.unitPriceMinor, line.quantity);
    subtotalMinor = addMinor(subtotalMinor, lineTotalMinor);
    if (subtotalMinor > MAX_MONEY_MINOR) {
      overBound ??= {
        index,
        field: 'quantity',
        message: `this quantity takes the cart's subtotal over ${MAX_MONEY_MINOR} minor units`,
      };
    }
    return lineTotalMinor;
  });
  return { lineTotalsMinor, subtotalMinor, overBound };
}
