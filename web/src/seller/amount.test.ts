import { describe, expect, it } from 'vitest';
import { checkAmount } from './amount';

const available = { amount: 12_550, currency: 'USD' };

describe('checkAmount', () => {
  it('accepts an amount up to and including the limit', () => {
    expect(checkAmount('100', available)).toEqual({ amount: 10_000 });
    expect(checkAmount('125.50', available)).toEqual({ amount: 12_550 });
    expect(checkAmount('0,5', available)).toEqual({ amount: 50 });
  });

  it('refuses more than the limit, naming it', () => {
    expect(checkAmount('125.51', available)).toEqual({ error: 'Enter at most $125.50.' });
  });

  it('refuses zero, garbage and a third decimal', () => {
    expect(checkAmount('0', available)).toEqual({ error: 'Enter an amount above zero.' });
    expect(checkAmount('ten', available)).toEqual({ error: 'Enter an amount like 12.50.' });
    expect(checkAmount('1.005', available)).toEqual({ error: 'Enter an amount like 12.50.' });
  });

  it('says so when nothing is available (a negative balance after a refund, say)', () => {
    expect(checkAmount('1', { amount: -300, currency: 'USD' })).toEqual({
      error: 'There is nothing available.',
    });
    expect(checkAmount('1', { amount: 0, currency: 'USD' })).toEqual({
      error: 'There is nothing available.',
    });
  });
});
