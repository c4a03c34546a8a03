import { describe, expect, it } from 'vitest';
import { addressErrorsOf, addressForApi, EMPTY_ADDRESS, validateAddress } from './address';

const filled = {
  ...EMPTY_ADDRESS,
  name: 'Eve',
  line1: '1 Main St',
  city: 'Lyon',
  postal_code: '69001',
  country: 'FR',
};

describe('shipping address', () => {
  it('requires every field but the second line', () => {
    expect(Object.keys(validateAddress(EMPTY_ADDRESS)).sort()).toEqual([
      'city',
      'country',
      'line1',
      'name',
      'postal_code',
    ]);
    expect(validateAddress({ ...filled, city: '   ' })).toEqual({ city: expect.any(String) });
    expect(validateAddress(filled)).toEqual({});
  });

  it('puts the server’s field errors at their fields and ignores others', () => {
    expect(
      addressErrorsOf([
        { path: '/shipping_address/postal_code', message: 'too long' },
        { path: '/headers/idempotency-key', message: 'required' },
      ]),
    ).toEqual({ postal_code: 'too long' });
  });

  it('sends a trimmed address without an empty second line', () => {
    expect(addressForApi({ ...filled, name: ' Eve ', line2: ' ' })).toEqual({
      name: 'Eve',
      line1: '1 Main St',
      city: 'Lyon',
      postal_code: '69001',
      country: 'FR',
    });
  });
});
