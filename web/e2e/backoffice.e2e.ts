import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { bazaarForThisFile } from './harness.js';

const { test } = bazaarForThisFile();

const DEMO_PASSWORD = 'bazaar-demo-2026';

async function signInAsAdmin(page: Page): Promise<Page> {
  await page.goto('/login');
  await page.getByLabel('Email').fill('admin@demo.bazaar');
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
  return page;
}

test('an admin takes a product down and finds it in its audit trail with before/after, suspends and reinstates a shop, and reads the payments list', async ({
  browse,
}) => {
  const page = await signInAsAdmin(await browse());

  // Take down the first desk lamp found.
  await page.goto('/admin');
  await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Products' }).click();
  await page.getByLabel('Product title or words').fill('desk lamp');
  await page.getByLabel('Product title or words').press('Enter');
  const takeDown = page.getByRole('button', { name: /^Take down / }).first();
  await takeDown.waitFor();
  const title = (await takeDown.getAttribute('aria-label'))!.replace(/^Take down /, '');
  await takeDown.click();
  await page
    .getByRole('status')
    .filter({ hasText: `“${title}” was taken down.` })
    .waitFor();
  await page.getByRole('link', { name: 'See its audit trail' }).click();
  await expect.poll(() => page.url()).toContain('target=prod_');
  const event = page.getByRole('row').filter({ hasText: 'product.taken_down' });
  await event.waitFor();
  expect(await event.textContent()).toMatch(/status: active → archived/);
  expect(await event.textContent()).toContain('Avery Admin');

  // Suspend a shop, then reinstate it: both in the shop's trail.
  await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Shops' }).click();
  const shop = page.getByRole('row').filter({ hasText: 'bo@demo.bazaar' });
  await shop.getByRole('button', { name: 'Suspend' }).click();
  await shop.getByText('suspended', { exact: true }).waitFor();
  await shop.getByRole('button', { name: 'Reinstate' }).click();
  await shop.getByText('active', { exact: true }).waitFor();
  await page.goto('/admin/audit?action=shop.reinstated');
  await page
    .getByRole('row')
    .filter({ hasText: 'shop.reinstated' })
    .filter({ hasText: 'status: suspended → active' })
    .first()
    .waitFor();

  // The demo's paid orders have succeeded payments, each linked to its trail.
  await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Payments' }).click();
  await page.getByLabel('Show').selectOption('succeeded');
  await expect.poll(() => page.url()).toContain('status=succeeded');
  await page.getByRole('row').filter({ hasText: 'succeeded' }).first().waitFor();
  const statuses = await page.locator('tbody tr td:nth-child(5)').allTextContents();
  expect(statuses.length).toBeGreaterThan(0);
  expect(new Set(statuses)).toEqual(new Set(['succeeded']));
});

test("an admin opens an order's page from the orders list and a buyer's page from the users list, and suspends the buyer there", async ({
  browse,
}) => {
  const page = await signInAsAdmin(await browse());

  await page.goto('/admin/orders');
  const row = page
    .getByRole('row')
    .filter({ has: page.getByRole('link', { name: /^Order / }) })
    .first();
  const total = (await row.locator('td.num').textContent())!;
  const number = (await row.getByRole('link', { name: /^Order / }).textContent())!;
  await row.getByRole('link', { name: /^Order / }).click();
  await page.getByRole('heading', { name: number, level: 1 }).waitFor();
  expect(page.url()).toMatch(/\/admin\/orders\/ord_/);
  const totalRow = page
    .getByRole('row')
    .filter({ has: page.getByRole('rowheader', { name: 'Total', exact: true }) });
  expect(await totalRow.locator('td.num').textContent()).toBe(total);
  await page.getByRole('list', { name: 'Order progress' }).waitFor();

  await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Users' }).click();
  await page.getByLabel('Name, email or user id').fill('dev@demo.bazaar');
  await page.getByLabel('Name, email or user id').press('Enter');
  await page.getByRole('link', { name: 'Dev Shopper' }).click();
  await page.getByRole('heading', { name: 'Dev Shopper', level: 1 }).waitFor();
  await page
    .getByRole('link', { name: /^Order / })
    .first()
    .waitFor();
  expect(await page.getByRole('link', { name: /^Order / }).count()).toBe(3);
  await page.getByRole('button', { name: 'Suspend Dev Shopper' }).click();
  await page.getByRole('button', { name: 'Reinstate Dev Shopper' }).waitFor();
  await page.getByRole('row').filter({ hasText: 'user.suspended' }).first().waitFor();
});
