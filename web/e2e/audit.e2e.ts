import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { bazaarForThisFile } from './harness.js';

const { test } = bazaarForThisFile();

const DEMO_PASSWORD = 'bazaar-demo-2026';

test('a seller changes a shop setting and finds it in the shop’s audit log; the admin finds it by action, suspends a buyer and finds that too, exports paid orders', async ({
  browse,
}) => {
  const page = await browse();
  const logIn = async (email: string) => {
    await page.goto('/login');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Log out' }).waitFor();
  };

  await logIn('dee@demo.bazaar');
  await page.goto('/seller/shop');
  const handling = page.getByLabel('Handling time (days to ship)');
  await handling.fill('6');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();

  await page
    .getByRole('navigation', { name: 'Seller center' })
    .getByRole('link', { name: 'Audit log' })
    .click();
  const sellerRow = page.getByRole('row').filter({ hasText: 'shop.updated' }).first();
  await sellerRow.waitFor();
  expect(await sellerRow.textContent()).toMatch(/handling days: \d+ → 6/);
  // The seller's trail has no actor filter: it is their shop's trail only.
  expect(await page.getByLabel('Actor (user id)').count()).toBe(0);

  await page.getByRole('button', { name: 'Log out' }).click();
  await logIn('admin@demo.bazaar');
  await page.goto('/admin/audit');
  await page.getByLabel('Action (e.g. shop.updated)').fill('shop.updated');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect.poll(() => page.url()).toContain('action=shop.updated');
  const adminRow = page.getByRole('row').filter({ hasText: 'handling days' }).first();
  await adminRow.waitFor();
  expect(await adminRow.textContent()).toMatch(/shop\.updated/);
  // Every row shown is of the filtered action.
  const actions = await page.locator('tbody tr td:nth-child(3)').allTextContents();
  expect(actions.length).toBeGreaterThan(0);
  expect(new Set(actions)).toEqual(new Set(['shop.updated']));

  // The admin suspends a buyer from the users list; the trail has it.
  await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Users' }).click();
  await page.getByLabel('Name, email or user id').fill('cleo@demo.bazaar');
  await page.getByLabel('Name, email or user id').press('Enter');
  await page.getByRole('button', { name: /^Suspend / }).click();
  await page.getByRole('row').filter({ hasText: 'cleo@demo.bazaar' }).getByText('suspended').waitFor();
  await page.goto('/admin/audit?action=user.suspended');
  await page.getByRole('row').filter({ hasText: 'user.suspended' }).first().waitFor();

  // The admin lists the marketplace's paid orders and exports them as CSV.
  await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Orders' }).click();
  await page.getByLabel('Status').selectOption('paid');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect.poll(() => page.url()).toContain('status=paid');
  await page.getByRole('row').filter({ hasText: 'To ship' }).first().waitFor();
  const shown = await page.locator('tbody tr').count();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export these orders (CSV)' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('orders.csv');
  const csv = readFileSync((await download.path())!, 'utf8')
    .trim()
    .split('\n');
  expect(csv[0]).toMatch(/^order_id,number,created_at,status,/);
  expect(csv.length - 1).toBeGreaterThanOrEqual(shown);
  expect(csv.slice(1).every((line) => line.split(',')[3] === 'paid')).toBe(true);

  // The admin's own sign-in is in the trail too.
  await page.goto('/admin/audit');
  await page.getByLabel('Action (e.g. shop.updated)').fill('user.logged_in');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.getByRole('row').filter({ hasText: 'user.logged_in' }).first().waitFor();
});
