import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeCartLines } from './cart-merge.js';

const stock = (levels: Record<string, number>) => (variantId: string) => levels[variantId] ?? 0;

describe('mergeCartLines', () => {
  it('adds the quantities of a variant in both carts', () => {
    expect(
      mergeCartLines(
        [{ variantId: 'a', quantity: 2 }],
        [{ variantId: 'a', quantity: 3 }],
        stock({ a: 10 }),
        99,
      ),
    ).toEqual([{ variantId: 'a', quantity: 5 }]);
  });

  it('adds a variant only the guest cart holds', () => {
    expect(mergeCartLines([], [{ variantId: 'b', quantity: 4 }], stock({ b: 10 }), 99)).toEqual([
      { variantId: 'b', quantity: 4 },
    ]);
  });

  it('caps a line at the stock', () => {
    expect(
      mergeCartLines(
        [{ variantId: 'a', quantity: 2 }],
        [{ variantId: 'a', quantity: 5 }],
        stock({ a: 4 }),
        99,
      ),
    ).toEqual([{ variantId: 'a', quantity: 4 }]);
  });

  it('caps a line at the line limit', () => {
    expect(
      mergeCartLines(
        [{ variantId: 'a', quantity: 60 }],
        [{ variantId: 'a', quantity: 60 }],
        stock({ a: 500 }),
        99,
      ),
    ).toEqual([{ variantId: 'a', quantity: 99 }]);
  });

  it("never lowers what the user had, even above today's stock", () => {
    expect(
      mergeCartLines(
        [{ variantId: 'a', quantity: 5 }],
        [{ variantId: 'a', quantity: 2 }],
        stock({ a: 3 }),
        99,
      ),
    ).toEqual([]);
  });

  it('leaves out a guest line that can buy nothing (sold out, or not for sale)', () => {
    expect(mergeCartLines([], [{ variantId: 'gone', quantity: 1 }], stock({}), 99)).toEqual([]);
  });

  it('keeps every line within its caps and never below the user’s own quantity', () => {
    const line = fc.record({
      variantId: fc.constantFrom('a', 'b', 'c'),
      quantity: fc.integer({ min: 1, max: 99 }),
    });
    const unique = (lines: { variantId: string; quantity: number }[]) => [
      ...new Map(lines.map((l) => [l.variantId, l])).values(),
    ];
    fc.assert(
      fc.property(
        fc.array(line).map(unique),
        fc.array(line).map(unique),
        fc.record({
          a: fc.integer({ min: -2, max: 150 }),
          b: fc.integer({ min: 0, max: 150 }),
          c: fc.nat(5),
        }),
        (user, guest, levels) => {
          const merged = mergeCartLines(user, guest, stock(levels), 99);
          for (const { variantId, quantity } of merged) {
            const before = user.find((l) => l.variantId === variantId)?.quantity ?? 0;
            const added = guest.find((l) => l.variantId === variantId)!.quantity;
            expect(quantity).toBeGreaterThan(before);
            expect(quantity).toBeLessThanOrEqual(Math.min(99, before + added));
            expect(quantity).toBeLessThanOrEqual(Math.min(99, levels[variantId as 'a'] ?? 0));
          }
        },
      ),
    );
  });
});
