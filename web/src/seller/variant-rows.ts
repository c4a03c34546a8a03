import { decimalText, parseMoneyInput } from '../format';
import type { Marketplace } from '../marketplace';
import type { NewVariant } from './types';

export interface OptionPair {
  name: string;
  value: string;
}

/** One variant as a person types it: every field is text until the form is submitted. */
export interface VariantRow {
  /** Stable React key: rows can be removed from the middle. */
  key: number;
  sku: string;
  title: string;
  options: OptionPair[];
  price: string;
  stock: string;
}

export type VariantField = 'sku' | 'title' | 'price' | 'stock';
export type RowErrors = Partial<Record<VariantField | 'options', string>>;

export const MAX_VARIANTS = 100;

let nextKey = 1;
export const emptyRow = (): VariantRow => ({
  key: nextKey++,
  sku: '',
  title: '',
  options: [],
  price: '',
  stock: '0',
});

export type RowsAction =
  | { type: 'add' }
  | { type: 'remove'; key: number }
  | { type: 'set'; key: number; field: VariantField; value: string }
  | { type: 'add-option'; key: number }
  | { type: 'set-option'; key: number; index: number; part: keyof OptionPair; value: string }
  | { type: 'remove-option'; key: number; index: number }
  | { type: 'reset' };

function updateRow(rows: VariantRow[], key: number, change: (row: VariantRow) => VariantRow): VariantRow[] {
  return rows.map((row) => (row.key === key ? change(row) : row));
}

/** The variant rows of the product form; there is always at least one row and at most 100. */
export function rowsReducer(rows: VariantRow[], action: RowsAction): VariantRow[] {
  switch (action.type) {
    case 'add':
      return rows.length >= MAX_VARIANTS ? rows : [...rows, emptyRow()];
    case 'remove':
      return rows.length <= 1 ? rows : rows.filter((row) => row.key !== action.key);
    case 'set':
      return updateRow(rows, action.key, (row) => ({ ...row, [action.field]: action.value }));
    case 'add-option':
      return updateRow(rows, action.key, (row) => ({
        ...row,
        options: [...row.options, { name: '', value: '' }],
      }));
    case 'set-option':
      return updateRow(rows, action.key, (row) => ({
        ...row,
        options: row.options.map((pair, index) =>
          index === action.index ? { ...pair, [action.part]: action.value } : pair,
        ),
      }));
    case 'remove-option':
      return updateRow(rows, action.key, (row) => ({
        ...row,
        options: row.options.filter((_, index) => index !== action.index),
      }));
    case 'reset':
      return [emptyRow()];
  }
}

/**
 * The errors of one row, given the SKUs used by the other rows (and existing variants) and the
 * decimals of the marketplace currency.
 */
export function rowErrors(row: VariantRow, otherSkus: readonly string[], digits: number): RowErrors {
  const errors: RowErrors = {};
  const sku = row.sku.trim();
  if (!sku) errors.sku = 'Enter a SKU.';
  else if (otherSkus.some((other) => other.trim().toLowerCase() === sku.toLowerCase()))
    errors.sku = 'Each variant needs its own SKU.';
  if (!row.title.trim()) errors.title = 'Enter a title, e.g. "Large / Blue".';
  const price = parseMoneyInput(row.price, digits);
  if (price === null) errors.price = `Enter a price like ${decimalText(1250, digits)}.`;
  else if (price <= 0) errors.price = 'The price must be more than zero.';
  if (!/^\d+$/.test(row.stock.trim())) errors.stock = 'Enter a whole number of units, 0 or more.';
  const names = row.options.map((pair) => pair.name.trim());
  if (row.options.some((pair) => !pair.name.trim() || !pair.value.trim()))
    errors.options = 'Give every option a name and a value, or remove it.';
  else if (new Set(names.map((name) => name.toLowerCase())).size !== names.length)
    errors.options = 'Option names must differ.';
  return errors;
}

/** A row as the API takes it; only for a row without errors. */
export function variantOf(row: VariantRow, marketplace: Marketplace): NewVariant {
  const variant: NewVariant = {
    sku: row.sku.trim(),
    title: row.title.trim(),
    price: {
      amount: parseMoneyInput(row.price, marketplace.currency_digits) ?? 0,
      currency: marketplace.currency,
    },
    stock: Number(row.stock.trim()),
  };
  if (row.options.length)
    variant.options = Object.fromEntries(row.options.map((pair) => [pair.name.trim(), pair.value.trim()]));
  return variant;
}

/**
 * Checks every row: either the variants to send or, per row (same order), what is wrong.
 * `existingSkus` are the product's current SKUs when rows are added to an existing product.
 */
export function validateRows(
  rows: readonly VariantRow[],
  marketplace: Marketplace,
  existingSkus: readonly string[] = [],
): { ok: true; variants: NewVariant[] } | { ok: false; errors: RowErrors[] } {
  const errors = rows.map((row) =>
    rowErrors(
      row,
      [...existingSkus, ...rows.filter((other) => other.key !== row.key).map((other) => other.sku)],
      marketplace.currency_digits,
    ),
  );
  if (errors.some((rowError) => Object.keys(rowError).length > 0)) return { ok: false, errors };
  return { ok: true, variants: rows.map((row) => variantOf(row, marketplace)) };
}
