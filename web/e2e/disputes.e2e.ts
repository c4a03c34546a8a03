import { expect } from 'vitest';
import { bazaarForThisFile } from './harness.js';

const { test, url } = bazaarForThisFile();

const PASSWORD = 'a long disputes password';
const ADDRESS = {
  name: 'Dispute Buyer',
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

type Dispute = { id: string; status: string; amount: { amount: number }; evidence: { text: string }[] };

/** A new seller whose one sale was paid with the sandbox card that is disputed a few seconds later. */
async function sellerWithDisputedSale(): Promise<{ email: string; token: string }> {
  const stamp = Date.now();
  const email = `dispute-seller-${stamp}@example.com`;
  const token = await register(email, 'Dispute Seller');
  await apiCall('POST', '/v1/me/shop', token, { name: `Disputed Lamps ${stamp}` });
  const product = await apiCall<{ variants: { id: string }[] }>('POST', '/v1/products', token, {
    title: 'Brass disputed lamp',
    description: 'A lamp whose buyer disputes the payment with their bank.',
    variants: [{ sku: 'DL-1', title: 'Lamp', price: { amount: 5000, currency: 'USD' }, stock: 3 }],
  });
  const buyer = await register(`dispute-buyer-${stamp}@example.com`, 'Dispute Buyer');
  await apiCall('POST', '/v1/cart/items', buyer, { variant_id: product.variants[0]!.id, quantity: 1 });
  const checkout = await apiCall<{ payment: { id: string } }>(
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
    { payment_method: 'pm_card_disputed' },
    { 'idempotency-key': crypto.randomUUID() },
  );
  return { email, token };
}

const disputesOf = async (token: string) =>
  (await apiCall<{ data: Dispute[] }>('GET', '/v1/shop/disputes', token)).data;

test('a seller sends evidence for a sandbox dispute from the disputes page and wins it', async ({
  browse,
}) => {
  const seller = await sellerWithDisputedSale();
  // The sandbox opens the dispute a few seconds after the charge, through the worker.
  await expect
    .poll(async () => (await disputesOf(seller.token)).map((dispute) => dispute.status), { timeout: 20_000 })
    .toEqual(['open']);

  const page = await browse();
  await page.goto(`/login?next=${encodeURIComponent('/seller/disputes')}`);
  await page.getByLabel('Email').fill(seller.email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL((where) => where.pathname === '/seller/disputes');

  await page.getByRole('heading', { name: /Dispute of \$50\.00/ }).waitFor();
  await page.getByText(/evidence due by/).waitFor();
  await page.getByLabel('Evidence for the bank').fill('Delivered and signed for: winning_evidence');
  await page.getByRole('button', { name: 'Send evidence' }).click();
  await page.getByRole('list', { name: 'Evidence sent' }).getByText('Delivered and signed for').waitFor();

  // The sandbox decides on that evidence a few seconds later: the hold goes back to the seller.
  await expect
    .poll(async () => (await disputesOf(seller.token)).map((dispute) => dispute.status), { timeout: 20_000 })
    .toEqual(['won']);
  await page.getByLabel('Show').selectOption('won');
  await page
    .getByRole('heading', { name: /Dispute of \$50\.00/ })
    .getByText('Won')
    .waitFor();
  await expect(page.getByRole('button', { name: 'Send evidence' }).count()).resolves.toBe(0);
});
