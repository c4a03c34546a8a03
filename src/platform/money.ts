import { z } from 'zod';

/** An amount in the currency's minor unit (cents for USD). Never a float. */
export interface Money {
  amount: number;
  currency: string;
}

export const money = (amount: number, currency: string): Money => ({ amount, currency });

/**
 * The largest amount, in minor units, that any request may carry and any total may reach
 * (API.md: 100,000,000,000). Far below Number.MAX_SAFE_INTEGER, so a cart line of 99 units at this
 * price, and sums of many such lines, are still exact in a JS number.
 */
export const MAX_MONEY_MINOR = 100_000_000_000;

/** Whether an amount is within the marketplace's bound (and a whole number of minor units). */
export const isWithinMoneyBound = (amountMinor: number): boolean =>
  Number.isSafeInteger(amountMinor) && amountMinor <= MAX_MONEY_MINOR;

/**
 * Money arithmetic whose exact result a JS number cannot hold. A bug, not a user error: inputs
 * are bounded before they reach the arithmetic, so this is thrown rather than rounding silently.
 */
export class MoneyOverflow extends Error {
  constructor(
    readonly operation: 'add' | 'multiply',
    readonly operands: readonly [number, number],
  ) {
    super(`money ${operation} of ${operands[0]} and ${operands[1]} is not an exact integer`);
    this.name = 'MoneyOverflow';
  }
}

const checked = (operation: MoneyOverflow['operation'], a: number, b: number, result: number): number => {
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || !Number.isSafeInteger(result)) {
    throw new MoneyOverflow(operation, [a, b]);
  }
  return result;
};

/** a + b in minor units, exactly, or MoneyOverflow. */
export const addMinor = (a: number, b: number): number => checked('add', a, b, a + b);

/** amount × factor (a quantity, say) in minor units, exactly, or MoneyOverflow. */
export const multiplyMinor = (amountMinor: number, factor: number): number =>
  checked('multiply', amountMinor, factor, amountMinor * factor);

/** The response shape of every Money field. */
export const MoneySchema = z.object({
  amount: z.number().int(),
  currency: z.string().length(3),
});

/**
 * A request Money in the marketplace currency: an integer number of minor units, at least
 * `minAmount`. Another currency or a float is a 422 naming the field.
 */
export const moneyInput = (currency: string, minAmount = 1) =>
  z.strictObject({
    amount: z
      .number()
      .int('must be an integer number of minor units')
      .min(minAmount)
      .max(MAX_MONEY_MINOR, `must be at most ${MAX_MONEY_MINOR} minor units`),
    // A refined string, not a literal: the OpenAPI document (and the web app's types built from it)
    // must not bake in the currency of whichever configuration generated it.
    currency: z.string().refine((code) => code === currency, `must be ${currency}, the marketplace currency`),
  });

/** How many digits the currency's minor unit has: 2 for USD and EUR, 0 for JPY. */
export const currencyDigits = (currency: string): number =>
  new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;

/** round_half_up(amount × part / whole) in exact integer arithmetic, for non-negative integers. */
export function proportionOf(amount: number, part: number, whole: number): number {
  if (whole <= 0) throw new RangeError('the whole must be positive');
  const doubled = 2n * BigInt(amount) * BigInt(part) + BigInt(whole);
  return Number(doubled / (2n * BigInt(whole)));
}

/** round_half_up(amount × bps / 10000) in exact integer arithmetic, for non-negative amounts. */
export function basisPointsOf(amount: number, bps: number): number {
  const scaled = BigInt(amount) * BigInt(bps);
  return Number((scaled + 5000n) / 10000n);
}

/**
 * Money in major units as a number (`-1234.5` for -123450 cents), for exports a spreadsheet reads.
 * Exact: division is correctly rounded and a number prints as the shortest decimal that reads back.
 */
export const majorUnits = (amountMinor: number, currency: string): number =>
  amountMinor / 10 ** currencyDigits(currency);

const moneyFormats = new Map<string, Intl.NumberFormat>();

/** Money as people read it (`$1,234.50`), for emails and notices; never for arithmetic. */
export function formatMoney(amountMinor: number, currency: string): string {
  let format = moneyFormats.get(currency);
  if (!format) {
    format = new Intl.NumberFormat('en', { style: 'currency', currency });
    moneyFormats.set(currency, format);
  }
  // Exact: below 2^53 minor units, dividing by 10^digits and rounding to those digits gives the decimal back.
  return format.format(amountMinor / 10 ** currencyDigits(currency));
}
