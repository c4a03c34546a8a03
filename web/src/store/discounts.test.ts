import { describe, expect, it } from 'vitest';
import { discountOf, minus, promotionLabel } from './discounts';

const usd = (amount: number) => ({ amount, currency: 'USD' });

describe('discounts as the buyer sees them', () => {
  it('adds the lines of a shop up, and shows an amount taken off', () => {
    expect(discountOf([{ discount: usd(150) }, { discount: usd(0) }, { discount: usd(25) }], 'USD')).toEqual(
      usd(175),
    );
    expect(discountOf([], 'USD')).toEqual(usd(0));
    expect(minus(usd(400))).toBe('−$4.00');
  });

  it('names a promotion by its code, or as automatic', () => {
    const code = { id: 'p1', code: 'SPRING', amount: usd(100), funded_by: 'shop' as const };
    const automatic = { id: 'p2', code: null, amount: usd(50), funded_by: 'platform' as const };
    expect(promotionLabel(code)).toBe('SPRING');
    expect(promotionLabel(automatic)).toBe('Automatic discount');
  });
});
