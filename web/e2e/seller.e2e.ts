import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { bazaarForThisFile } from './harness.js';

const PASSWORD = 'bazaar-demo-2026';
const SELLER = 'ada@demo.bazaar';
const ADMIN = 'admin@demo.bazaar';
/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

const { test, url } = bazaarForThisFile();

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const money = (amount: number) => usd.format(amount / 100);

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

const tokenOf = async (email: string, password = PASSWORD) =>
  (await apiCall<{ token: string }>('POST', '/v1/auth/login', undefined, { email, password })).token;

/** Logs in through the storefront's login page and lands on `next`. */
async function logIn(page: Page, email: string, next: string) {
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL((url) => url.pathname === next);
}

interface Money {
  amount: number;
  currency: string;
}
interface Balance {
  pending: Money;
  available: Money;
  paid_out: Money;
}

test('money journey: the seller ships and replies, the admin hides the review and the books balance', async ({
  browse,
}) => {
  // A paid order for one of Ada's products, placed through the API by a new buyer.
  const sellerToken = await tokenOf(SELLER);
  const products = await apiCall<{ data: { id: string; in_stock: boolean }[] }>(
    'GET',
    '/v1/shop/products?status=active&limit=100',
    sellerToken,
  );
  const productId = products.data.find((product) => product.in_stock)!.id;
  const product = await apiCall<{ title: string; variants: { id: string; stock: number }[] }>(
    'GET',
    `/v1/products/${productId}`,
  );
  const variant = product.variants.find((candidate) => candidate.stock > 0)!;
  const email = `seller-journey-${Date.now()}@example.com`;
  const buyer = await apiCall<{ token: string }>('POST', '/v1/auth/register', undefined, {
    email,
    password: 'a long journey password',
    name: 'Journey Buyer',
  });
  await apiCall('POST', '/v1/cart/items', buyer.token, { variant_id: variant.id, quantity: 1 });
  const checkout = await apiCall<{
    orders: { id: string; number: string; subtotal: Money; total: Money; items: { id: string }[] }[];
    payment: { id: string };
  }>(
    'POST',
    '/v1/checkout',
    buyer.token,
    {
      shipping_address: {
        name: 'Journey Buyer',
        line1: '1 Main St',
        city: 'Springfield',
        postal_code: '12345',
        country: 'US',
      },
    },
    { 'idempotency-key': crypto.randomUUID() },
  );
  const payment = await apiCall<{ status: string }>(
    'POST',
    `/v1/payments/${checkout.payment.id}/confirm`,
    buyer.token,
    { payment_method: 'pm_card_visa' },
    { 'idempotency-key': crypto.randomUUID() },
  );
  expect(payment.status).toBe('succeeded');
  const order = checkout.orders[0]!;
  const before = await apiCall<Balance>('GET', '/v1/shop/balance', sellerToken);

  // The seller finds it among the orders to ship and ships it.
  const seller = await browse();
  await logIn(seller, SELLER, '/seller/orders');
  await seller.getByRole('link', { name: `Order ${order.number}` }).click();
  await seller.getByRole('heading', { name: `Order ${order.number}` }).waitFor();
  await seller.getByLabel('Carrier').fill('DHL');
  await seller.getByLabel('Tracking number').fill('JD0146000031');
  await seller.getByRole('button', { name: 'Mark as shipped' }).click();
  await seller.getByText('JD0146000031').waitFor();
  await expect(seller.getByRole('button', { name: 'Mark as shipped' }).count()).resolves.toBe(0);

  // The buyer confirms delivery; the seller's share (the total, delivery included, less 10%
  // commission on the merchandise) becomes available.
  await apiCall('POST', `/v1/orders/${order.id}/confirm-delivery`, buyer.token);
  const share = order.total.amount - Math.round(order.subtotal.amount * 0.1);
  await seller
    .getByRole('navigation', { name: 'Seller center' })
    .getByRole('link', { name: 'Overview' })
    .click();
  const available = seller.locator('.balance-cards > div', { hasText: 'Available' });
  await available.getByText(money(before.available.amount + share), { exact: true }).waitFor();
  await seller.getByRole('img', { name: /Gross sales over the last 30 days/ }).waitFor();

  // The buyer reviews; the seller replies on the reviews page and sees the reply.
  const reviewBody = `Arrived quickly and well packed (${Date.now()}).`;
  await apiCall('POST', `/v1/products/${productId}/reviews`, buyer.token, {
    order_item_id: order.items[0]!.id,
    rating: 4,
    title: 'Lovely',
    body: reviewBody,
  });
  await seller
    .getByRole('navigation', { name: 'Seller center' })
    .getByRole('link', { name: 'Reviews' })
    .click();
  const review = seller.getByRole('listitem').filter({ hasText: reviewBody });
  await review.getByLabel('Reply to Journey Buyer').fill('Thank you, enjoy it!');
  await review.getByRole('button', { name: 'Send reply' }).click();
  // Not getByText: React mirrors a textarea's value into its text, so the typed reply would match.
  await review.locator('blockquote', { hasText: 'Your reply' }).getByText('Thank you, enjoy it!').waitFor();
  await expect(review.getByLabel('Reply to Journey Buyer').count()).resolves.toBe(0);

  // An admin hides the review, then checks the trial balance.
  const admin = await browse();
  await logIn(admin, ADMIN, '/admin/reviews');
  const moderated = admin.getByRole('listitem').filter({ hasText: reviewBody });
  await moderated.getByRole('button', { name: 'Hide' }).click();
  await moderated.getByRole('button', { name: 'Unhide' }).waitFor();
  await moderated.getByText('Hidden', { exact: true }).waitFor();
  const visible = await apiCall<{ data: { body: string }[] }>(
    'GET',
    `/v1/products/${productId}/reviews?limit=100`,
  );
  expect(visible.data.some((listed) => listed.body === reviewBody)).toBe(false);
  await admin.getByRole('link', { name: 'Trial balance' }).first().click();
  await admin.getByText(/The books balance: total debits equal total credits/).waitFor();
  const totals = admin.locator('tfoot tr');
  const cells = await totals.locator('td').allTextContents();
  expect(cells[0]).toBe(cells[1]);
});

test('the seller creates a product with a variant and an uploaded image', async ({ browse }) => {
  const picture = { name: 'mug.png', mimeType: 'image/png', buffer: PNG };
  // Named and typed like a picture; the server tells by the content.
  const notAPicture = {
    name: 'mug-too.png',
    mimeType: 'image/png',
    buffer: Buffer.from('not an image at all'),
  };

  const seller = await browse({ phone: true });
  await logIn(seller, SELLER, '/seller/products/new');
  await seller.getByLabel('Title', { exact: true }).fill('E2E enamel mug');
  await seller.getByLabel('Description').fill('A sturdy enamel mug for the trail.');

  await seller.getByLabel('Upload images').setInputFiles(notAPicture);
  await seller.getByRole('alert').filter({ hasText: 'is not a PNG, JPEG or WebP image' }).waitFor();
  await seller.getByLabel('Upload images').setInputFiles(picture);
  await seller.getByRole('img', { name: 'Uploaded file 1' }).waitFor();

  await seller.getByLabel('SKU', { exact: true }).fill('E2E-MUG-1');
  await seller.getByLabel('Variant title', { exact: true }).fill('Blue');
  await seller.getByRole('button', { name: 'Add option' }).click();
  await seller.getByLabel('Option 1 name').fill('Colour');
  await seller.getByLabel('Option 1 value').fill('Blue');
  await seller.getByLabel('Price', { exact: true }).fill('12.50');
  await seller.getByLabel('Stock', { exact: true }).fill('7');
  await seller.getByRole('button', { name: 'Create product' }).click();

  await seller.getByText('Product created.').waitFor();
  await seller.getByRole('heading', { name: 'E2E enamel mug' }).waitFor();
  await seller.getByLabel('Price of E2E-MUG-1').waitFor();
  await expect(seller.getByLabel('On hand of E2E-MUG-1').inputValue()).resolves.toBe('7');
  const image = await seller.getByRole('img', { name: 'Uploaded file 1' }).getAttribute('src');
  expect(image).toMatch(/^\/media\/.+\.png$/);
});

test('a signed-in buyer opens a shop and lands in the seller center', async ({ browse }) => {
  const email = `new-seller-${Date.now()}@example.com`;
  await apiCall('POST', '/v1/auth/register', undefined, { email, password: PASSWORD, name: 'New Seller' });
  const page = await browse();
  await logIn(page, email, '/seller/open');
  await page.getByLabel('Shop name').fill('Fresh Finds');
  await page.getByLabel('Description').fill('Things found fresh.');
  await page.getByRole('button', { name: 'Open shop' }).click();
  await page.getByRole('heading', { name: 'Seller overview' }).waitFor();
  await page.getByText('No orders waiting to be shipped.').waitFor();
  await page.getByRole('link', { name: 'Seller center' }).waitFor();
  // A second visit to the form goes straight back to the seller center.
  await page.goto('/seller/open');
  await page.getByRole('heading', { name: 'Seller overview' }).waitFor();
});
