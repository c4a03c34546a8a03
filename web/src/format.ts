export interface Money {
  amount: number;
  currency: string;
}

const formatters = new Map<string, Intl.NumberFormat>();

/** `amount` is in the currency's minor units (cents), as the API sends it. */
export function formatMoney(money: Money, locale?: string): string {
  const key = `${locale ?? ''}:${money.currency}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale, { style: 'currency', currency: money.currency });
    formatters.set(key, formatter);
  }
  const digits = formatter.resolvedOptions().maximumFractionDigits ?? 2;
  return formatter.format(money.amount / 10 ** digits);
}

/**
 * A price typed by a person ("12.5", "12,50") in minor units of a currency with `digits` decimals
 * (the marketplace's `currency_digits`), or null if it is not one.
 */
export function parseMoneyInput(text: string, digits: number): number | null {
  const normalised = text.trim().replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(normalised)) return null;
  const [whole, fraction = ''] = normalised.split('.');
  if (fraction.length > digits) return null;
  return Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
}

/** Minor units as the decimal text a price input shows: 1250 → "12.50" (2 digits), 1250 → "1250" (0). */
export const decimalText = (amount: number, digits: number): string =>
  (amount / 10 ** digits).toFixed(digits);

/** Basis points as a percentage people read: 725 → "7.25%". */
export const percentOf = (bps: number): string => `${(bps / 100).toFixed(bps % 100 === 0 ? 0 : 2)}%`;

/** A percentage typed by a person ("7.25", "19") in basis points, or null. */
export function bpsOf(text: string): number | null {
  const match = /^(\d{1,3})(?:[.,](\d{1,2}))?$/.exec(text.trim());
  if (!match) return null;
  const bps = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return bps <= 10_000 ? bps : null;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export const formatDate = (iso: string): string => dateFormat.format(new Date(iso));
export const formatDateTime = (iso: string): string => dateTimeFormat.format(new Date(iso));
