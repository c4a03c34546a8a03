import { expect } from 'vitest';
import { bazaarForThisFile } from './harness.js';

const { test, url } = bazaarForThisFile();

const PASSWORD = 'a long payouts password';
const ADDRESS = {
  name: 'Payout Buyer',
  line1: '1 Main St',
  city: 'Springfield',
  postal_code: '12345',
  country: 'US',
};

/** A JSON request to the API as the holder of `token`; throws on any non-2xx answer. */
async function apiCall<T>(
  method: string,
  route: string,
  token?: string,
  body?: unknown,
  headers = {},
): Promise<T> {
  const response = await fetch(`${url()}${route}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route} → ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

const register = async (email: string, name: string) =>
  (
    await apiCall<{ token: string }>('POST', '/v1/auth/register', undefined, {
      email,
      password: PASSWORD,
      name,
    })
  ).token;

/** A new seller whose one sale was delivered: money available, no payout account yet. */
async function sellerWithAvailableMoney(): Promise<{ email: string; token: string }> {
  const stamp = Date.now();
  const email = `payout-seller-${stamp}@example.com`;
  const token = await register(email, 'Payout Seller');
  await apiCall('POST', '/v1/me/shop', token, { name: `Payout Lamps ${stamp}` });
  const product = await apiCall<{ variants: { id: string }[] }>('POST', '/v1/products', token, {
    title: 'Brass payout lamp',
    description: 'A lamp sold so that its seller can be paid.',
    variants: [{ sku: 'PL-1', title: 'Lamp', price: { amount: 5000, currency: 'USD' }, stock: 3 }],
  });
  const buyer = await register(`payout-buyer-${stamp}@example.com`, 'Payout Buyer');
  await apiCall('POST', '/v1/cart/items', buyer, { variant_id: product.variants[0]!.id, quantity: 1 });
  const checkout = await apiCall<{ orders: { id: string }[]; payment: { id: string } }>(
    'POST',
    '/v1/checkout',
    buyer,
    { shipping_address: ADDRESS },
    { 'idempotency-key': crypto.randomUUID() },
  );
  await apiCall(
    'POST',
    `/v1/payments/${checkout.payment.id}/confirm`,
    buyer,
    { payment_method: 'pm_card_visa' },
    { 'idempotency-key': crypto.randomUUID() },
  );
  const order = checkout.orders[0]!;
  await apiCall('POST', `/v1/orders/${order.id}/ship`, token, { carrier: 'UPS', tracking_number: '1Z999' });
  await apiCall('POST', `/v1/orders/${order.id}/confirm-delivery`, buyer);
  return { email, token };
}

test('a seller onboards on the sandbox page and requests a payout to the new account', async ({ browse }) => {
  const seller = await sellerWithAvailableMoney();
  const { available } = await apiCall<{ available: { amount: number } }>(
    'GET',
    '/v1/shop/balance',
    seller.token,
  );
  expect(available.amount).toBeGreaterThan(0);

  const page = await browse();
  await page.goto(`/login?next=${encodeURIComponent('/seller/payouts')}`);
  await page.getByLabel('Email').fill(seller.email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL((where) => where.pathname === '/seller/payouts');

  // No account yet: no payout form, a button to set one up.
  await page.getByRole('button', { name: 'Set up payouts' }).click();
  await expect(page.getByTestId('payout-account-status').textContent()).resolves.toBe('pending');
  await page.getByText('external_account').waitFor();
  await expect(page.getByRole('button', { name: 'Request payout' }).count()).resolves.toBe(0);

  // The sandbox's onboarding page: server-rendered HTML, completed by its form's POST.
  await page.getByRole('link', { name: 'Complete your payout account' }).click();
  await page.waitForURL((where) => where.pathname.startsWith('/sandbox/onboarding/'));
  await expect(page.locator('script').count()).resolves.toBe(0);
  await page.getByLabel('I accept the sandbox terms of service').check();
  await page.getByRole('button', { name: 'Complete account' }).click();

  // Back on the seller's payouts page: the account is enabled and payouts can be requested.
  await page.waitForURL((where) => where.pathname === '/seller/payouts');
  await page.getByTestId('payout-account-status').getByText('enabled').waitFor();
  await page.getByLabel('Payout amount').fill('10.00');
  await page.getByRole('button', { name: 'Request payout' }).click();
  await page.getByText('Payout of $10.00 requested.').waitFor();

  const payouts = await apiCall<{ data: { amount: { amount: number }; status: string }[] }>(
    'GET',
    '/v1/shop/payouts',
    seller.token,
  );
  expect(payouts.data).toMatchObject([{ amount: { amount: 1000 } }]);
  const account = await apiCall<{ status: string; provider: string }>(
    'GET',
    '/v1/shop/payout-account',
    seller.token,
  );
  expect(account).toMatchObject({ status: 'enabled', provider: 'sandbox' });
});
