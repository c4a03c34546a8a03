import { describe, expect, it } from 'vitest';
import { correctText, searchWords, trailingPrefix } from './search-text.js';

describe('searchWords', () => {
  it('answers the distinct lower-case words, without the or operator', () => {
    expect(searchWords('Brass LAMP or "brass lamp" -shade')).toEqual(['brass', 'lamp', 'shade']);
  });

  it('keeps letters and digits of any script', () => {
    expect(searchWords('Café 42, crème-brûlée')).toEqual(['café', '42', 'crème', 'brûlée']);
  });
});

describe('trailingPrefix', () => {
  it.each([
    ['lam', { head: '', prefix: 'lam' }],
    ['wooden Lam', { head: 'wooden ', prefix: 'lam' }],
    ['wooden lam. ', { head: 'wooden ', prefix: 'lam' }],
    ['-brass lam', { head: '-brass ', prefix: 'lam' }],
    ['"brass lamp" sha', { head: '"brass lamp" ', prefix: 'sha' }],
  ])('treats the last bare word of %j as a prefix', (text, expected) => {
    expect(trailingPrefix(text)).toEqual(expected);
  });

  it.each([['"brass lamp"'], ['"brass lam'], ['brass -lam'], ['lamp or'], ['...'], ['']])(
    'finds no prefix in %j (quoted, negated, an operator, or no word)',
    (text) => {
      expect(trailingPrefix(text)).toBeUndefined();
    },
  );
});

describe('correctText', () => {
  it('replaces corrected words wherever they are, whatever their case, and keeps operators', () => {
    const corrections = new Map([['lamb', 'lamp']]);
    expect(correctText('brass Lamb -"lamb shade" or lambs', corrections)).toBe(
      'brass lamp -"lamp shade" or lambs',
    );
  });
});
