import { describe, expect, it } from 'vitest';
import { bodyOf, EMPTY } from './shipping-options';

const usd = (amount: number) => ({ amount, currency: 'USD' });

describe('a shipping option draft', () => {
  it('becomes the body the API takes, for each kind of price', () => {
    expect(
      bodyOf({ ...EMPTY, name: ' Standard ', countries: 'us, ca', amount: '4.95', freeOver: '75' }, 'USD', 2),
    ).toEqual({
      body: {
        name: 'Standard',
        countries: ['US', 'CA'],
        rate: { type: 'flat', amount: usd(495) },
        free_over: usd(7500),
        min_days: 2,
        max_days: 5,
        active: true,
      },
    });
    const perItem = bodyOf(
      { ...EMPTY, name: 'Express', type: 'per_item', first: '12', additional: '3' },
      'USD',
      2,
    );
    expect(perItem).toMatchObject({
      body: {
        rate: { type: 'per_item', first: usd(1200), additional: usd(300) },
        free_over: null,
        countries: ['*'],
      },
    });
    const weight = bodyOf(
      { ...EMPTY, name: 'Freight', type: 'weight', tiers: '500 = 4.50\n2000 = 9\n' },
      'USD',
      2,
    );
    expect(weight).toMatchObject({
      body: {
        rate: {
          type: 'weight',
          tiers: [
            { up_to_grams: 500, amount: usd(450) },
            { up_to_grams: 2000, amount: usd(900) },
          ],
        },
      },
    });
  });

  it('names the first wrong field', () => {
    const field = (draft: Partial<typeof EMPTY>) => {
      const checked = bodyOf({ ...EMPTY, name: 'Standard', amount: '5', ...draft }, 'USD', 2);
      return 'field' in checked ? checked.field : null;
    };
    expect(field({ name: ' ' })).toBe('name');
    expect(field({ countries: 'USA' })).toBe('countries');
    expect(field({ amount: 'five' })).toBe('amount');
    expect(field({ type: 'weight', tiers: '' })).toBe('tiers');
    expect(field({ type: 'weight', tiers: 'heavy = 5' })).toBe('tiers');
    expect(field({ minDays: '4', maxDays: '2' })).toBe('maxDays');
    expect(field({})).toBeNull();
  });
});
