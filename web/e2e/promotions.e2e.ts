import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { bazaarForThisFile } from './harness.js';

const { test } = bazaarForThisFile();

const DEMO_PASSWORD = 'bazaar-demo-2026';

interface Money {
  amount: number;
  currency: string;
}
interface Order {
  id: string;
  shop: { name: string };
  items: { title: string; discount: Money }[];
  discount_total: Money;
  promotions: { code: string | null }[];
}

const dollars = (money: Money) => `$${(money.amount / 100).toFixed(2)}`;
const tokenOf = (page: Page) => page.evaluate<string>("localStorage.getItem('bazaar.token')");

async function logIn(page: Page, email: string, next: string): Promise<void> {
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL((url) => url.pathname === next);
}

test('a seller creates a code; a buyer is told why a wrong code is refused, gets the discount of the right one and pays less; the use is counted', async ({
  browse,
}) => {
  // Ada's Atelier has no automatic sale in the demo: every discount below is the code's.
  const code = `ADA${Date.now().toString(36).toUpperCase()}`;
  const seller = await browse();
  await logIn(seller, 'ada@demo.bazaar', '/seller/promotions');
  await seller.getByRole('heading', { name: 'Promotions' }).waitFor();
  await seller.getByRole('button', { name: 'New promotion' }).click();
  const form = seller.getByRole('form', { name: 'New promotion' });
  // A refusal names the field: a percentage over 100 is caught before it is sent.
  await form.getByLabel('Code', { exact: true }).fill(code);
  await form.getByLabel('Percentage off (%)').fill('120');
  await form.getByRole('button', { name: 'Create the promotion' }).click();
  await form.getByText('A percentage above 0, up to 100.').waitFor();
  await form.getByLabel('Percentage off (%)').fill('20');
  await form.getByLabel(/Uses in all/).fill('10');
  await form.getByRole('button', { name: 'Create the promotion' }).click();
  const row = seller.getByRole('row').filter({ hasText: code });
  await row.waitFor();
  expect(await row.textContent()).toContain('0 of 10 uses');

  const page = await browse();
  await page.goto('/signup');
  await page.getByLabel('Name').fill('Dee Discount');
  await page.getByLabel('Email').fill(`discount-${Date.now()}@example.com`);
  await page.getByLabel('Password').fill('plum-orchard-4815');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.getByRole('link', { name: 'Orders' }).waitFor();
  await page.getByLabel('Search products').fill('walnut');
  await page.getByLabel('Search products').press('Enter');
  const card = page
    .getByRole('list', { name: 'Search results' })
    .getByRole('listitem')
    .filter({ hasText: "Ada's Atelier" })
    .filter({ hasNotText: 'Out of stock' })
    .first();
  const link = card.getByRole('link');
  const title = ((await link.textContent()) ?? '').trim();
  await link.click();
  await page.getByRole('heading', { name: title, level: 1 }).waitFor();
  await page.getByLabel('Quantity').fill('2');
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page.getByText('Added to your cart.').waitFor();

  // A wrong code: the server's reason, at the field.
  await page.getByRole('link', { name: 'Cart', exact: true }).click();
  await page.getByRole('heading', { name: 'Your cart' }).waitFor();
  await page.getByLabel('Discount code').fill('NO-SUCH-CODE');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByText('This code does not apply: no promotion has this code.').waitFor();

  // The right one, in another case: 20% off each line, shown per line, per shop and in all.
  await page.getByLabel('Discount code').fill(code.toLowerCase());
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByRole('list', { name: 'Discounts applied' }).getByText(code).waitFor();
  const buyer = { authorization: `Bearer ${await tokenOf(page)}` };
  const cart = (await (await page.request.get('/v1/cart', { headers: buyer })).json()) as {
    items: { line_total: Money; discount: Money }[];
    subtotal: Money;
    discount_total: Money;
  };
  const [line] = cart.items;
  expect(line!.discount.amount).toBe(Math.round(line!.line_total.amount * 0.2));
  expect(cart.discount_total).toEqual(line!.discount);
  const discount = `−${dollars(cart.discount_total)}`;
  const lineDiscount = page.locator('.line-discount').filter({ hasText: `Discount on ${title}` });
  expect(await lineDiscount.textContent()).toContain(discount);
  expect(await page.getByText(`Discount from Ada's Atelier`).isVisible()).toBe(true);
  expect(await page.getByTestId('cart-total').textContent()).toBe(
    dollars({ ...cart.subtotal, amount: cart.subtotal.amount - cart.discount_total.amount }),
  );

  // Checkout prices the same discount, and the total the buyer pays is lower by it.
  await page.getByRole('button', { name: 'Check out' }).click();
  await page.getByLabel('Full name').fill('Dee Discount');
  await page.getByLabel('Address line 1').fill('1 Market Street');
  await page.getByLabel('City').fill('Springfield');
  await page.getByLabel('Postal code').fill('12345');
  await page.getByLabel('Country').fill('US');
  const shownDiscount = page.getByTestId('checkout-discount');
  await shownDiscount.waitFor();
  expect(await shownDiscount.textContent()).toBe(discount);
  expect(await page.locator('.line-discount').filter({ hasText: title }).textContent()).toContain(discount);
  const quote = (await (
    await page.request.post('/v1/checkout/quote', {
      headers: buyer,
      data: {
        shipping_address: {
          name: 'D',
          line1: '1 Market Street',
          city: 'Springfield',
          postal_code: '12345',
          country: 'US',
        },
      },
    })
  ).json()) as { subtotal: Money; shipping_total: Money; tax_total: Money; total: Money };
  expect(quote.total.amount).toBe(
    quote.subtotal.amount + quote.shipping_total.amount + quote.tax_total.amount - cart.discount_total.amount,
  );
  await expect.poll(() => page.getByTestId('checkout-total').textContent()).toBe(dollars(quote.total));
  await page.getByRole('button', { name: 'Continue to payment' }).click();
  await page.getByRole('heading', { name: 'Payment' }).waitFor();
  await page.getByRole('radio', { name: /Visa/ }).check();
  await page.getByRole('button', { name: /^Pay / }).click();
  await page.getByText('Payment received').waitFor();

  // The order keeps the discount, per line and in all.
  const orders = (
    (await (await page.request.get('/v1/orders', { headers: buyer })).json()) as { data: Order[] }
  ).data;
  expect(orders).toHaveLength(1);
  const [order] = orders;
  expect(order!.discount_total).toEqual(cart.discount_total);
  expect(order!.promotions.map((promotion) => promotion.code)).toEqual([code]);
  await page.goto(`/orders/${order!.id}`);
  await page.getByTestId('order-discount').waitFor();
  expect(await page.getByTestId('order-discount').textContent()).toBe(discount);
  expect(await page.getByText(`Discounts (${code})`).isVisible()).toBe(true);
  expect(await page.locator('.line-discount').textContent()).toContain(discount);

  // The seller sees the use counted.
  await seller.reload();
  await row.waitFor();
  expect(await row.textContent()).toContain('1 of 10 uses');

  // The admin page lists the marketplace's own promotions: the demo's welcome code.
  const admin = await browse();
  await logIn(admin, 'admin@demo.bazaar', '/admin/promotions');
  await admin.getByRole('row').filter({ hasText: 'WELCOME10' }).waitFor();
});
