import { describe, expect, it } from 'vitest';
import { planStockFixes } from './stock-fix';

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
