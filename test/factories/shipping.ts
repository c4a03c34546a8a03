import { expect } from 'vitest';
import { bearer, type TestApp } from '../app.js';
import type { TestUser } from './identity.js';

const usd = (amount: number) => ({ amount, currency: 'USD' });

/** A shipping option of the seller's shop, through the API: flat 500 to everywhere unless told. */
export async function newShippingOption(
  t: TestApp,
  seller: TestUser,
  body: Record<string, unknown> = {},
): Promise<{ id: string; name: string }> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/v1/shop/shipping-options',
    headers: bearer(seller.token),
    payload: {
      name: 'Standard',
      countries: ['*'],
      rate: { type: 'flat', amount: usd(500) },
      min_days: 3,
      max_days: 5,
      ...body,
    },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

export const flatRate = (amount: number) => ({ type: 'flat', amount: usd(amount) });
