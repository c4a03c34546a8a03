import { z } from 'zod';

/** An amount in the currency's minor unit (cents for USD). Never a float. */
export interface Money {
  amount: number;
  currency: string;
}

export const money = (amount: number, currency: string): Money => ({ amount, currency });

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
      .max(Number.MAX_SAFE_INTEGER),
    // A refined string, not a literal: the OpenAPI document (and the web app's types built from it)
    // must not bake in the currency of whichever configuration generated it.
    currency: z.string().refine((code) => code === currency, `must be ${currency}, the marketplace currency`),
  });

/** How many digits the currency's minor unit has: 2 for USD and EUR, 0 for JPY. */
export const currencyDigits = (currency: string): number =>
  new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;

/** round_half_up(amount × bps / 10000) in exact integer arithmetic, for non-negative amounts. */
export function basisPointsOf(amountMinor: number, bps: number): number {
  const scaled = BigInt(amountMinor) * BigInt(bps);
  return Number((scaled + 5000n) / 10000n);
}
