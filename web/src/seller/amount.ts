import { decimalText, formatMoney, type Money, parseMoneyInput } from '../format';

/**
 * An amount typed by a person checked against what may be taken (a payout against the available
 * balance, a refund against what was paid and not yet refunded): minor units, or why not.
 * `digits` are the marketplace currency's decimals.
 */
export function checkAmount(
  text: string,
  limit: Money,
  digits: number,
): { amount: number } | { error: string } {
  if (limit.amount <= 0) return { error: 'There is nothing available.' };
  const amount = parseMoneyInput(text, digits);
  if (amount === null) return { error: `Enter an amount like ${decimalText(1250, digits)}.` };
  if (amount <= 0) return { error: 'Enter an amount above zero.' };
  if (amount > limit.amount) return { error: `Enter at most ${formatMoney(limit)}.` };
  return { amount };
}
