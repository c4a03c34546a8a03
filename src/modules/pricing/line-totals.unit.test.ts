import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_MONEY_MINOR } from '../../platform/money.js';
import { totalCart } from './line-totals.js';

describe('cart totals', () => {
  it('sums line totals exactly', () => {
    expect(
      totalCart([
        { unitPriceMinor: 1250, quantity: 3 },
        { unitPriceMinor: 99, quantity: 1 },
      ]),
    ).toEqual({ lineTotalsMinor: [3750, 99], subtotalMinor: 3849, overBound: undefined });
  });

  it('names the quantity that takes the subtotal over the bound', () => {
    const totals = totalCart([
      { unitPriceMinor: 60_000_000_000, quantity: 1 },
      { unitPriceMinor: 20_000_000_000, quantity: 2 },
      { unitPriceMinor: 1, quantity: 1 },
    ]);
    // Exactly at the bound is fine: the one unit after it is not.
    expect(totals.overBound).toMatchObject({ index: 2, field: 'quantity' });
    expect(totals.subtotalMinor).toBe(100_000_000_001);
  });

  it('counts a line priced over the bound for nothing and names its variant', () => {
    const totals = totalCart([
      { unitPriceMinor: 500, quantity: 2 },
      { unitPriceMinor: Number.MAX_SAFE_INTEGER, quantity: 99 },
    ]);
    expect(totals).toMatchObject({ lineTotalsMinor: [1000, 0], subtotalMinor: 1000 });
    expect(totals.overBound).toMatchObject({ index: 1, field: 'variant_id' });
  });

  it('never loses precision and flags exactly the carts over the bound (property)', () => {
    const line = fc.record({
      unitPriceMinor: fc.integer({ min: 1, max: MAX_MONEY_MINOR }),
      quantity: fc.integer({ min: 1, max: 99 }),
    });
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), (lines) => {
        const totals = totalCart(lines);
        const exact = lines.reduce((sum, l) => sum + BigInt(l.unitPriceMinor) * BigInt(l.quantity), 0n);
        expect(BigInt(totals.subtotalMinor)).toBe(exact);
        expect(totals.overBound !== undefined).toBe(exact > BigInt(MAX_MONEY_MINOR));
      }),
    );
  });
});
