import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { bazaarForThisFile } from './harness.js';

const { test } = bazaarForThisFile();

const DEMO_PASSWORD = 'bazaar-demo-2026';

interface Order {
  id: string;
  number: string;
  shop: { name: string };
  refunded: { amount: number };
}

const tokenOf = (page: Page) => page.evaluate<string>("localStorage.getItem('bazaar.token')");

test('a buyer returns a damaged item; the seller approves and receives it; the buyer sees the refund', async ({
  browse,
}) => {
  const page = await browse();
  await page.goto('/signup');
  await page.getByLabel('Name').fill('Rita Returner');
  await page.getByLabel('Email').fill(`returner-${Date.now()}@example.com`);
  await page.getByLabel('Password').fill('plum-orchard-4815');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.getByRole('link', { name: 'Orders' }).waitFor();

  // One unit of an in-stock walnut piece from Ada's Atelier, paid by card.
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
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page.getByText('Added to your cart.').waitFor();
  await page.getByRole('link', { name: 'Cart', exact: true }).click();
  await page.getByRole('button', { name: 'Check out' }).click();
  await page.getByLabel('Full name').fill('Rita Returner');
  await page.getByLabel('Address line 1').fill('12 Elm Street');
  await page.getByLabel('City').fill('Portland');
  await page.getByLabel('Postal code').fill('97204');
  await page.getByLabel('Country').fill('US');
  await page.getByRole('button', { name: 'Continue to payment' }).click();
  await page.getByRole('heading', { name: 'Payment' }).waitFor();
  await page.getByRole('radio', { name: /Visa/ }).check();
  await page.getByRole('button', { name: /^Pay / }).click();
  await page.getByText('Payment received').waitFor();
  const buyer = { authorization: `Bearer ${await tokenOf(page)}` };
  const [order] = (
    (await (await page.request.get('/v1/orders', { headers: buyer })).json()) as { data: Order[] }
  ).data;

  // Ada ships it (through the API: the seller's shipping pages have their own browser test).
  const seller = await browse();
  await seller.goto('/login?next=%2Fseller%2Freturns');
  await seller.getByLabel('Email').fill('ada@demo.bazaar');
  await seller.getByLabel('Password').fill(DEMO_PASSWORD);
  await seller.getByRole('button', { name: 'Log in' }).click();
  await seller.waitForURL((url) => url.pathname === '/seller/returns');
  const ada = { authorization: `Bearer ${await tokenOf(seller)}` };
  const shipped = await seller.request.post(`/v1/orders/${order!.id}/ship`, {
    headers: ada,
    data: { carrier: 'UPS', tracking_number: '1Z-RETURN' },
  });
  expect(shipped.status()).toBe(200);

  // The buyer asks to return it from the order page: it arrived damaged.
  await page.goto(`/orders/${order!.id}`);
  await page.getByRole('button', { name: 'Return items' }).click();
  const form = page.getByRole('form', { name: 'Return items' });
  await form.getByLabel(title).fill('1');
  await form.getByLabel('Reason').selectOption({ label: 'Arrived damaged' });
  await form.getByLabel(/Note for the seller/).fill('The lid is cracked.');
  await form.getByRole('button', { name: 'Ask for the return' }).click();
  await page.getByRole('heading', { name: `Return for order ${order!.number}` }).waitFor();
  await page.getByRole('list', { name: 'Return progress' }).getByText('Requested').waitFor();

  // Ada's returns queue: approve, then receive it back into stock, which refunds it.
  await seller.reload();
  const queued = seller.getByRole('listitem', { name: `Return for order ${order!.number}` });
  await queued.getByText('The lid is cracked.').waitFor();
  await queued.getByRole('button', { name: /^Approve/ }).click();
  await queued.getByRole('checkbox', { name: 'Put the items back into stock' }).waitFor();
  await queued.getByRole('button', { name: /^Items received: refund/ }).click();
  await queued.getByText('Refunded', { exact: true }).first().waitFor();

  // The buyer sees the refund on the return and on the order.
  await page.reload();
  await page.getByText('Refunded to your payment method.').waitFor();
  const timeline = page.getByRole('list', { name: 'Return progress' });
  for (const step of ['Requested', 'Approved', 'Received', 'Refunded'])
    await timeline.getByText(step, { exact: false }).first().waitFor();
  await page.getByRole('link', { name: 'See the order' }).click();
  await page.getByRole('heading', { name: `Order ${order!.number}` }).waitFor();
  const refundedLine = page.locator('.summary-line', { hasText: 'Refunded' });
  await refundedLine.waitFor();
  const refunded = (
    (await (await page.request.get(`/v1/orders/${order!.id}`, { headers: buyer })).json()) as Order
  ).refunded.amount;
  expect(refunded).toBeGreaterThan(0);
  expect(await refundedLine.textContent()).toContain(`$${(refunded / 100).toFixed(2)}`);
});
