import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addMinor,
  isWithinMoneyBound,
  MAX_MONEY_MINOR,
  MoneyOverflow,
  moneyInput,
  multiplyMinor,
} from './money.js';

describe('checked money arithmetic', () => {
  it('adds and multiplies exactly within the safe integer range', () => {
    expect(addMinor(MAX_MONEY_MINOR, MAX_MONEY_MINOR)).toBe(200_000_000_000);
    expect(multiplyMinor(MAX_MONEY_MINOR, 99)).toBe(9_900_000_000_000);
    expect(addMinor(Number.MAX_SAFE_INTEGER - 1, 1)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('throws MoneyOverflow where a JS number would round', () => {
    expect(() => addMinor(Number.MAX_SAFE_INTEGER, 1)).toThrow(MoneyOverflow);
    // 9007199254740991 × 2 rounds to an even float that looks like a plausible amount.
    expect(() => multiplyMinor(9_007_199_254_740_991, 2)).toThrow(MoneyOverflow);
    expect(() => multiplyMinor(1.5, 2)).toThrow(MoneyOverflow);
    expect(() => addMinor(Number.NaN, 0)).toThrow(MoneyOverflow);
  });

  it('answers the exact result or throws, for any integers (property)', () => {
    const amount = fc.oneof(
      fc.integer({ min: 0, max: MAX_MONEY_MINOR }),
      fc.maxSafeNat(),
      fc.constantFrom(Number.MAX_SAFE_INTEGER, 2 ** 52, MAX_MONEY_MINOR),
    );
    fc.assert(
      fc.property(amount, amount, (a, b) => {
        for (const [operation, exact] of [
          [() => addMinor(a, b), BigInt(a) + BigInt(b)],
          [() => multiplyMinor(a, b), BigInt(a) * BigInt(b)],
        ] as const) {
          if (exact <= BigInt(Number.MAX_SAFE_INTEGER)) expect(BigInt(operation())).toBe(exact);
          else expect(operation).toThrow(MoneyOverflow);
        }
      }),
    );
  });
});

describe('the money bound', () => {
  it('accepts amounts up to 100,000,000,000 minor units', () => {
    expect(isWithinMoneyBound(MAX_MONEY_MINOR)).toBe(true);
    expect(isWithinMoneyBound(MAX_MONEY_MINOR + 1)).toBe(false);
    expect(isWithinMoneyBound(Number.MAX_SAFE_INTEGER)).toBe(false);
  });

  it('bounds every request Money', () => {
    const Price = moneyInput('USD');
    expect(Price.safeParse({ amount: MAX_MONEY_MINOR, currency: 'USD' }).success).toBe(true);
    const over = Price.safeParse({ amount: MAX_MONEY_MINOR + 1, currency: 'USD' });
    expect(over.success).toBe(false);
    expect(over.error?.issues[0]?.path).toEqual(['amount']);
  });
});
