import { describe, expect, it } from 'vitest';
import { checkAmount } from './amount';

const available = { amount: 12_550, currency: 'USD' };

describe('checkAmount', () => {
  it('accepts an amount up to and including the limit', () => {
    expect(checkAmount('100', available, 2)).toEqual({ amount: 10_000 });
    expect(checkAmount('125.50', available, 2)).toEqual({ amount: 12_550 });
    expect(checkAmount('0,5', available, 2)).toEqual({ amount: 50 });
  });

  it('refuses more than the limit, naming it', () => {
    expect(checkAmount('125.51', available, 2)).toEqual({ error: 'Enter at most $125.50.' });
  });

  it('refuses zero, garbage and a third decimal', () => {
    expect(checkAmount('0', available, 2)).toEqual({ error: 'Enter an amount above zero.' });
    expect(checkAmount('ten', available, 2)).toEqual({ error: 'Enter an amount like 12.50.' });
    expect(checkAmount('1.005', available, 2)).toEqual({ error: 'Enter an amount like 12.50.' });
  });

  it('reads the amount in the digits of the marketplace currency', () => {
    const yen = { amount: 5000, currency: 'JPY' };
    expect(checkAmount('1200', yen, 0)).toEqual({ amount: 1200 });
    expect(checkAmount('12.5', yen, 0)).toEqual({ error: 'Enter an amount like 1250.' });
  });

  it('says so when nothing is available (a negative balance after a refund, say)', () => {
    expect(checkAmount('1', { amount: -300, currency: 'USD' }, 2)).toEqual({
      error: 'There is nothing available.',
    });
    expect(checkAmount('1', { amount: 0, currency: 'USD' }, 2)).toEqual({
      error: 'There is nothing available.',
    });
  });
});
