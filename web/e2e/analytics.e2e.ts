import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { bazaarForThisFile } from './harness.js';
import { addFromSearch } from './steps.js';

const { test } = bazaarForThisFile();

const DEMO_PASSWORD = 'bazaar-demo-2026';
const usd = (amount: number) =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(amount / 100);

interface Totals {
  gmv: { amount: number };
  orders: number;
  new_buyers: number;
}

/** Today's totals as the API answers the admin (read beside the page, not on it). */
async function todaysTotals(page: Page, today: string): Promise<Totals> {
  const login = await page.request.post('/v1/auth/login', {
    data: { email: 'admin@demo.bazaar', password: DEMO_PASSWORD },
  });
  const { token } = (await login.json()) as { token: string };
  const answer = await page.request.get(`/v1/admin/analytics?interval=day&from=${today}&to=${today}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return ((await answer.json()) as { totals: Totals }).totals;
}

test('a new buyer’s paid order shows on the admin dashboard: GMV, orders and new buyers of the day', async ({
  browse,
}) => {
  const page = await browse();
  const today = new Date().toISOString().slice(0, 10);
  const before = await todaysTotals(page, today);

  await page.goto('/signup');
  await page.getByLabel('Name').fill('Dana Dashboard');
  await page.getByLabel('Email').fill(`dashboard-${Date.now()}@example.com`);
  await page.getByLabel('Password').fill('plum-orchard-4815');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.getByRole('link', { name: 'Orders' }).waitFor();
  await addFromSearch(page, 'walnut', "Ada's Atelier", 1);
  await page.getByRole('link', { name: 'Cart', exact: true }).click();
  await page.getByRole('button', { name: 'Check out' }).click();
  await page.getByLabel('Full name').fill('Dana Dashboard');
  await page.getByLabel('Address line 1').fill('1 Market Street');
  await page.getByLabel('City').fill('Springfield');
  await page.getByLabel('Postal code').fill('12345');
  await page.getByLabel('Country').fill('US');
  await page.getByRole('button', { name: 'Continue to payment' }).click();
  await page.getByRole('radio', { name: /Visa/ }).check();
  await page.getByRole('button', { name: /^Pay / }).click();
  await page.getByText('Payment received').waitFor();
  const after = await todaysTotals(page, today);
  expect(after.orders).toBe(before.orders + 1);
  expect(after.new_buyers).toBe(before.new_buyers + 1);
  const paid = after.gmv.amount - before.gmv.amount;
  expect(paid).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'Log out' }).click();

  await page.goto('/login');
  await page.getByLabel('Email').fill('admin@demo.bazaar');
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
  await page.goto('/admin');
  await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Dashboard' }).click();
  await page.getByLabel('Per', { exact: true }).selectOption('day');
  await page.getByLabel('From', { exact: true }).fill(today);
  await page.getByLabel('To', { exact: true }).fill(today);
  await page.getByRole('button', { name: 'Show' }).click();
  await expect.poll(() => page.url()).toContain(`from=${today}`);

  const totals = page.getByLabel('Totals').getByRole('definition');
  const card = (label: string) =>
    page
      .getByLabel('Totals')
      .locator('div')
      .filter({ has: page.getByText(label, { exact: true }) });
  await card('GMV').getByText(usd(after.gmv.amount)).waitFor();
  expect(await card('Orders').locator('dd').textContent()).toBe(after.orders.toLocaleString('en-US'));
  expect(await card('New buyers').locator('dd').textContent()).toBe(after.new_buyers.toLocaleString('en-US'));
  expect(await totals.count()).toBe(9);

  // Each chart has its figures in a table for screen readers: today's GMV is there.
  const gmvChart = page.getByRole('region', { name: 'GMV' });
  expect(await gmvChart.getByRole('img').getAttribute('aria-label')).toMatch(/^GMV per day/);
  const row = gmvChart.getByRole('table', { name: 'GMV per day' }).getByRole('row').nth(1);
  expect(await row.textContent()).toContain(usd(after.gmv.amount));
  for (const chart of ['Orders', 'Net revenue', 'Refund rate', 'New buyers', 'Active sellers']) {
    await page.getByRole('region', { name: chart }).getByRole('img').waitFor();
  }
});
