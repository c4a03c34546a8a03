import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { bazaarForThisFile } from './harness.js';

const { test } = bazaarForThisFile();

let buyers = 0;
const DEMO_PASSWORD = 'bazaar-demo-2026';

/** The Authorization header of a demo user, signed in through the API (not on the page). */
async function demoAuthorization(page: Page, email: string): Promise<{ authorization: string }> {
  const login = await page.request.post('/v1/auth/login', { data: { email, password: DEMO_PASSWORD } });
  const { token } = (await login.json()) as { token: string };
  return { authorization: `Bearer ${token}` };
}

/** A new buyer of this test only, signed in on `page`. */
async function signUp(page: Page): Promise<void> {
  const email = `buyer-${Date.now()}-${++buyers}@example.com`;
  await page.goto('/signup');
  await page.getByLabel('Name').fill('Eve Buyer');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('plum-orchard-4815');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.getByRole('link', { name: 'Orders' }).waitFor();
}

async function search(page: Page, words: string): Promise<void> {
  await page.getByLabel('Search products').fill(words);
  await page.getByLabel('Search products').press('Enter');
  await page.getByRole('heading', { name: `Results for “${words}”` }).waitFor();
}

/** Opens the first in-stock result sold by `shop` and adds its default variant to the cart. */
async function addFirstInStock(page: Page, shop: string): Promise<string> {
  const card = page
    .getByRole('list', { name: 'Search results' })
    .getByRole('listitem')
    .filter({ hasText: shop })
    .filter({ hasNotText: 'Out of stock' })
    .first();
  const link = card.getByRole('link');
  const title = ((await link.textContent()) ?? '').trim();
  await link.click();
  await page.getByRole('heading', { name: title, level: 1 }).waitFor();
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page.getByText('Added to your cart.').waitFor();
  return title;
}

/** Goes from the cart to the checkout page and fills the shipping address. */
async function fillAddress(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Cart', exact: true }).click();
  await page.getByRole('button', { name: 'Check out' }).click();
  await page.getByLabel('Full name').fill('Eve Buyer');
  await page.getByLabel('Address line 1').fill('1 Market Street');
  await page.getByLabel('City').fill('Springfield');
  await page.getByLabel('Postal code').fill('12345');
  await page.getByLabel('Country').fill('US');
}

async function checkOut(page: Page): Promise<void> {
  await fillAddress(page);
  await page.getByRole('button', { name: 'Continue to payment' }).click();
  await page.getByRole('heading', { name: 'Payment' }).waitFor();
}

async function pay(page: Page, card: RegExp): Promise<void> {
  await page.getByRole('radio', { name: card }).check();
  await page.getByRole('button', { name: /^Pay / }).click();
}

test('a buyer buys from two shops, pays with Visa and sees both orders paid', async ({ browse }) => {
  const page = await browse();
  await signUp(page);
  await search(page, 'walnut');
  const first = await addFirstInStock(page, "Ada's Atelier");
  await page.goBack();
  await page.getByRole('list', { name: 'Search results' }).waitFor();
  const second = await addFirstInStock(page, 'Okafor Audio');

  await page.getByRole('link', { name: 'Cart', exact: true }).click();
  const ada = page.getByRole('region', { name: "From Ada's Atelier" });
  const okafor = page.getByRole('region', { name: 'From Okafor Audio' });
  await ada.getByRole('link', { name: first }).waitFor();
  await okafor.getByRole('link', { name: second }).waitFor();

  await checkOut(page);
  await pay(page, /Visa/);
  await page.getByText('Payment received').waitFor();
  await page.getByRole('link', { name: 'All your orders' }).click();
  const orders = page.getByRole('list', { name: 'Orders' }).getByRole('listitem');
  await orders.nth(1).waitFor();
  expect(await orders.count()).toBe(2);
  expect(await orders.filter({ hasText: 'Paid' }).count()).toBe(2);
  expect(await orders.filter({ hasText: "Ada's Atelier" }).count()).toBe(1);
  expect(await orders.filter({ hasText: 'Okafor Audio' }).count()).toBe(1);
});

test('a declined card says so, and the buyer then pays with Visa', async ({ browse }) => {
  const page = await browse();
  await signUp(page);
  await search(page, 'notebook');
  await addFirstInStock(page, 'Papeterie Moreau');
  await checkOut(page);

  await pay(page, /Declined card/);
  const alert = page.getByRole('alert').filter({ hasText: 'Your card was declined' });
  await alert.waitFor();

  await pay(page, /Visa/);
  await page.getByText('Payment received').waitFor();
  expect(await alert.count()).toBe(0);
  await page.getByRole('link', { name: 'See the order' }).click();
  await page.getByRole('heading', { name: /^Order / }).waitFor();
  expect(await page.getByText('Paid', { exact: true }).first().isVisible()).toBe(true);
});

test('on a phone, a buyer searches, opens a product and adds it to the cart', async ({ browse }) => {
  const page = await browse({ phone: true });
  await signUp(page);
  await search(page, 'tea');
  const title = await addFirstInStock(page, 'Park Pantry');
  await page.getByRole('link', { name: 'View cart' }).click();
  await page.getByRole('region', { name: 'From Park Pantry' }).getByRole('link', { name: title }).waitFor();
  const width = await page.evaluate<number>('document.documentElement.scrollWidth');
  expect(width).toBeLessThanOrEqual(390);
});

test('a buyer confirms delivery, reviews the item, and cannot open another buyer’s order', async ({
  browse,
}) => {
  const page = await browse();
  // Discovering an id only: one of the other demo buyer's orders.
  const other = await demoAuthorization(page, 'dev@demo.bazaar');
  const theirs = (await (await page.request.get('/v1/orders', { headers: other })).json()) as {
    data: { id: string }[];
  };

  await page.goto('/login?next=%2Forders%3Fstatus%3Dshipped');
  await page.getByLabel('Email').fill('cleo@demo.bazaar');
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('list', { name: 'Orders' }).getByRole('link').first().click();
  await page.getByRole('button', { name: 'Confirm delivery' }).click();
  await page.getByRole('button', { name: 'Write a review' }).first().click();
  await page.getByRole('radio', { name: '4 stars (Good)' }).check();
  await page.getByLabel('Title').fill('Sounds great');
  await page.getByLabel('Review', { exact: true }).fill('Clear sound, and it arrived well packed.');
  await page.getByRole('button', { name: 'Post review' }).click();
  await page.getByText('Thank you for your review!').waitFor();
  const delivered = page.getByRole('list', { name: 'Order progress' }).getByText('Delivered');
  expect(await delivered.isVisible()).toBe(true);

  await page.goto(`/orders/${theirs.data[0]!.id}`);
  await page.getByRole('heading', { name: 'Not found' }).waitFor();
});

test('search results load the next page as the buyer scrolls, and filters live in the URL', async ({
  browse,
}) => {
  const page = await browse();
  await page.goto('/search?sort=price_asc');
  const cards = page.getByRole('list', { name: 'Search results' }).getByRole('listitem');
  await cards.nth(23).waitFor();
  expect(await cards.count()).toBe(24);
  await page.getByRole('button', { name: 'Load more' }).scrollIntoViewIfNeeded();
  await cards.nth(24).waitFor();

  await page.getByLabel('Sort by').selectOption('price_desc');
  await page.waitForURL(/sort=price_desc/);
  await page.goBack();
  await page.waitForURL(/sort=price_asc/);
  expect(await page.getByLabel('Sort by').inputValue()).toBe('price_asc');
});

interface StockedVariant {
  id: string;
  stock: number;
  on_hand: number;
  reserved: number;
}

/** A product of the calling test only (a $24 compass, 5 in stock), so its stock and price are ours to change. */
async function newCompass(page: Page) {
  const seller = await demoAuthorization(page, 'eli@demo.bazaar');
  const title = `Brass compass ${Date.now()}`;
  const created = await page.request.post('/v1/products', {
    headers: seller,
    data: {
      title,
      description: 'A pocket compass in a brass case.',
      variants: [
        {
          sku: `COMPASS-${Date.now()}`,
          title: 'Standard',
          price: { amount: 2400, currency: 'USD' },
          stock: 5,
        },
      ],
    },
  });
  expect(created.status()).toBe(201);
  const product = (await created.json()) as { id: string; variants: StockedVariant[] };
  return { seller, product, title };
}

async function addToCartFromPage(page: Page, productId: string, title: string, quantity: number) {
  await page.goto(`/products/${productId}`);
  await page.getByRole('heading', { name: title, level: 1 }).waitFor();
  await page.getByLabel('Quantity').fill(String(quantity));
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page.getByText('Added to your cart.').waitFor();
}

test('stock that runs out before checkout is named, and the buyer places the order for what is left', async ({
  browse,
}) => {
  const page = await browse();
  const { seller, product, title } = await newCompass(page);
  await signUp(page);
  await addToCartFromPage(page, product.id, title, 3);
  await fillAddress(page);

  // While the buyer is on the checkout page, the seller recounts: one unit is left for sale,
  // whatever open orders hold.
  const variantOf = async () =>
    (
      (await (await page.request.get(`/v1/products/${product.id}`, { headers: seller })).json()) as {
        variants: StockedVariant[];
      }
    ).variants[0]!;
  const before = await variantOf();
  const lowered = await page.request.patch(`/v1/variants/${before.id}`, {
    headers: seller,
    data: { on_hand: before.reserved + 1 },
  });
  expect(lowered.status()).toBe(200);
  expect((await variantOf()).stock).toBe(1);

  await page.getByRole('button', { name: 'Continue to payment' }).click();
  const problem = page.getByRole('alert').filter({ hasText: 'Some items ran out while you were shopping' });
  await problem.getByText(`${title} — Standard: only 1 left (you asked for 3).`).waitFor();
  await problem.getByRole('button', { name: 'Update my cart and place the order' }).click();
  await page.getByRole('heading', { name: 'Payment' }).waitFor();

  const buyerToken = await page.evaluate<string>("localStorage.getItem('bazaar.token')");
  const orders = (await (
    await page.request.get('/v1/orders', { headers: { authorization: `Bearer ${buyerToken}` } })
  ).json()) as { data: { status: string; items: { product_id: string; quantity: number }[] }[] };
  expect(orders.data).toHaveLength(1);
  expect(orders.data[0]).toMatchObject({
    status: 'pending_payment',
    items: [{ product_id: product.id, quantity: 1 }],
  });
  expect(await variantOf()).toMatchObject({ stock: 0, reserved: before.reserved + 1 });
});

test('a price raised before checkout is named, and the buyer is charged the new total only on accepting it', async ({
  browse,
}) => {
  const page = await browse();
  const { seller, product, title } = await newCompass(page);
  await signUp(page);
  await addToCartFromPage(page, product.id, title, 2);
  await fillAddress(page);
  await page.getByText('$48.00').first().waitFor();

  // While the buyer is on the checkout page, the seller raises the price.
  const raised = await page.request.patch(`/v1/variants/${product.variants[0]!.id}`, {
    headers: seller,
    data: { price: { amount: 2600, currency: 'USD' } },
  });
  expect(raised.status()).toBe(200);

  await page.getByRole('button', { name: 'Continue to payment' }).click();
  const problem = page.getByRole('alert').filter({ hasText: 'Prices changed' });
  await problem.getByText('Prices changed: your total is now $52.00, not $48.00.').waitFor();
  const buyer = {
    authorization: `Bearer ${await page.evaluate<string>("localStorage.getItem('bazaar.token')")}`,
  };
  const ordersOf = async () =>
    (
      (await (await page.request.get('/v1/orders', { headers: buyer })).json()) as {
        data: { total: unknown }[];
      }
    ).data;
  expect(await ordersOf()).toEqual([]);

  await problem.getByRole('button', { name: 'Place the order for $52.00' }).click();
  await page.getByRole('heading', { name: 'Payment' }).waitFor();
  expect(await ordersOf()).toEqual([expect.objectContaining({ total: { amount: 5200, currency: 'USD' } })]);
});
