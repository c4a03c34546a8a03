import { formatMoney, type Money, parseMoneyInput } from '../format';

/**
 * An amount typed by a person checked against what may be taken (a payout against the available
 * balance, a refund against what was paid and not yet refunded): minor units, or why not.
 */
export function checkAmount(text: string, limit: Money): { amount: number } | { error: string } {
  if (limit.amount <= 0) return { error: 'There is nothing available.' };
  const amount = parseMoneyInput(text);
  if (amount === null) return { error: 'Enter an amount like 12.50.' };
  if (amount <= 0) return { error: 'Enter an amount above zero.' };
  if (amount > limit.amount) return { error: `Enter at most ${formatMoney(limit)}.` };
  return { amount };
}

/** Minor units as the decimal text a price input starts with: 1250 → "12.50". */
export const decimalText = (amount: number, digits = 2): string => (amount / 10 ** digits).toFixed(digits);
