import { describe, expect, it } from 'vitest';
import { planStockFixes, totalAfterFixes } from './stock-fix';

const lines = [
  { id: 'ci_1', variant_id: 'var_lamp', title: 'Brass desk lamp – Natural' },
  { id: 'ci_2', variant_id: 'var_tea', title: 'Smoky black tea – 250 g' },
];

describe('planStockFixes', () => {
  it('names the items that ran out and plans to lower or remove each', () => {
    const fixes = planStockFixes(
      [
        { variant_id: 'var_lamp', requested: 3, available: 1 },
        { variant_id: 'var_tea', requested: 2, available: 0 },
      ],
      lines,
    );
    expect(fixes).toEqual([
      {
        lineId: 'ci_1',
        title: 'Brass desk lamp – Natural',
        requested: 3,
        available: 1,
        fix: { kind: 'set_quantity', quantity: 1 },
        message: 'Brass desk lamp – Natural: only 1 left (you asked for 3).',
      },
      {
        lineId: 'ci_2',
        title: 'Smoky black tea – 250 g',
        requested: 2,
        available: 0,
        fix: { kind: 'remove' },
        message: 'Smoky black tea – 250 g: sold out.',
      },
    ]);
  });

  it('drops a shortage for a variant that is no longer in the cart', () => {
    expect(planStockFixes([{ variant_id: 'var_gone', requested: 1, available: 0 }], lines)).toEqual([]);
  });
});

describe('totalAfterFixes', () => {
  const priced = [
    { id: 'ci_1', quantity: 3, unit_price: { amount: 4500, currency: 'USD' } },
    { id: 'ci_2', quantity: 2, unit_price: { amount: 900, currency: 'USD' } },
    { id: 'ci_3', quantity: 1, unit_price: { amount: 250, currency: 'USD' } },
  ];

  it('prices the cart as the buyer was shown it, with lowered lines lowered and removed lines gone', () => {
    const total = totalAfterFixes(
      priced,
      [
        { lineId: 'ci_1', fix: { kind: 'set_quantity', quantity: 1 } },
        { lineId: 'ci_2', fix: { kind: 'remove' } },
      ],
      'USD',
    );
    expect(total).toEqual({ amount: 4500 + 250, currency: 'USD' });
  });

  it('is the shown subtotal when nothing needs fixing', () => {
    expect(totalAfterFixes(priced, [], 'USD')).toEqual({ amount: 13500 + 1800 + 250, currency: 'USD' });
  });
});
