import { describe, expect, it } from 'vitest';
import { emptyRow, MAX_VARIANTS, rowsReducer, type VariantRow, validateRows } from './variant-rows';

const row = (fields: Partial<VariantRow>): VariantRow => ({ ...emptyRow(), ...fields });
const dollars = { currency: 'USD', currency_digits: 2 };

describe('rowsReducer', () => {
  it('adds and removes rows but always keeps one', () => {
    let rows = [emptyRow()];
    rows = rowsReducer(rows, { type: 'add' });
    expect(rows).toHaveLength(2);
    const [first, second] = rows;
    rows = rowsReducer(rows, { type: 'remove', key: first!.key });
    expect(rows).toEqual([second]);
    expect(rowsReducer(rows, { type: 'remove', key: second!.key })).toEqual([second]);
  });

  it('stops at the API maximum of variants', () => {
    const full = Array.from({ length: MAX_VARIANTS }, () => emptyRow());
    expect(rowsReducer(full, { type: 'add' })).toHaveLength(MAX_VARIANTS);
  });

  it('edits a field and the option pairs of one row only', () => {
    const rows = [emptyRow(), emptyRow()];
    const key = rows[1]!.key;
    let next = rowsReducer(rows, { type: 'set', key, field: 'sku', value: 'MUG-L' });
    next = rowsReducer(next, { type: 'add-option', key });
    next = rowsReducer(next, { type: 'add-option', key });
    next = rowsReducer(next, { type: 'set-option', key, index: 0, part: 'name', value: 'Size' });
    next = rowsReducer(next, { type: 'remove-option', key, index: 1 });
    expect(next[0]).toEqual(rows[0]);
    expect(next[1]).toMatchObject({ sku: 'MUG-L', options: [{ name: 'Size', value: '' }] });
  });
});

describe('validateRows', () => {
  it('builds the request variants from valid rows', () => {
    const result = validateRows(
      [
        row({
          sku: ' MUG-L ',
          title: 'Large',
          price: '12.5',
          stock: '3',
          options: [{ name: 'Size', value: 'L' }],
        }),
        row({ sku: 'MUG-S', title: 'Small', price: '9', stock: '0' }),
      ],
      dollars,
    );
    expect(result).toEqual({
      ok: true,
      variants: [
        {
          sku: 'MUG-L',
          title: 'Large',
          price: { amount: 1250, currency: 'USD' },
          stock: 3,
          options: { Size: 'L' },
        },
        { sku: 'MUG-S', title: 'Small', price: { amount: 900, currency: 'USD' }, stock: 0 },
      ],
    });
  });

  it('reports what is wrong, row by row', () => {
    const result = validateRows(
      [
        row({ sku: 'A', title: '', price: '1.234', stock: '-1' }),
        row({ sku: 'a', title: 'ok', price: '0', stock: '2.5', options: [{ name: 'Size', value: '' }] }),
        row({
          sku: 'B',
          title: 'ok',
          price: '3',
          stock: '1',
          options: [
            { name: 'Size', value: 'L' },
            { name: 'size', value: 'S' },
          ],
        }),
      ],
      dollars,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors[0]!).sort()).toEqual(['price', 'sku', 'stock', 'title']);
    expect(Object.keys(result.errors[1]!).sort()).toEqual(['options', 'price', 'sku', 'stock']);
    expect(result.errors[2]).toEqual({ options: 'Option names must differ.' });
  });

  it('reads prices in the digits of the marketplace currency and sends its code', () => {
    const typed = row({ sku: 'MUG', title: 'Mug', price: '1200', stock: '1' });
    expect(validateRows([typed], { currency: 'JPY', currency_digits: 0 })).toMatchObject({
      ok: true,
      variants: [{ price: { amount: 1200, currency: 'JPY' } }],
    });
    expect(
      validateRows([{ ...typed, price: '12.5' }], { currency: 'EUR', currency_digits: 2 }),
    ).toMatchObject({
      ok: true,
      variants: [{ price: { amount: 1250, currency: 'EUR' } }],
    });
    expect(
      validateRows([{ ...typed, price: '12.5' }], { currency: 'JPY', currency_digits: 0 }),
    ).toMatchObject({
      ok: false,
      errors: [{ price: 'Enter a price like 1250.' }],
    });
  });

  it('rejects a SKU the product already has', () => {
    const result = validateRows([row({ sku: 'MUG-L', title: 'Large', price: '5', stock: '1' })], dollars, [
      'mug-l',
    ]);
    expect(result).toMatchObject({ ok: false, errors: [{ sku: 'Each variant needs its own SKU.' }] });
  });
});
