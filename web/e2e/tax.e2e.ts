import { expect } from 'vitest';
import { bazaarForThisFile } from './harness.js';

const { test } = bazaarForThisFile();

const DEMO_PASSWORD = 'bazaar-demo-2026';
const dollars = (text: string | null) => Math.round(Number((text ?? '').replace(/[^0-9.]/g, '')) * 100);

test('a buyer in Washington pays sales tax on items and shipping; the admin finds it in the tax report', async ({
  browse,
}) => {
  const page = await browse();
  await page.goto('/signup');
  await page.getByLabel('Name').fill('Tia Taxpayer');
  await page.getByLabel('Email').fill(`taxpayer-${Date.now()}@example.com`);
  await page.getByLabel('Password').fill('cedar-harbour-6620');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.getByRole('link', { name: 'Orders' }).waitFor();

  await page.goto('/account/addresses');
  await page.getByRole('button', { name: 'Add an address' }).click();
  await page.getByLabel('Full name').fill('Tia Taxpayer');
  await page.getByLabel('Address line 1').fill('400 Broad Street');
  await page.getByLabel('City').fill('Seattle');
  await page.getByLabel(/Region or state code/).fill('WA');
  await page.getByLabel('Postal code').fill('98109');
  await page.getByLabel('Country').fill('US');
  await page.getByRole('button', { name: 'Add the address' }).click();
  await page.getByText(/400 Broad Street.*Default/).waitFor();

  await page.getByLabel('Search products').fill('lamp');
  await page.getByLabel('Search products').press('Enter');
  const card = page
    .getByRole('list', { name: 'Search results' })
    .getByRole('listitem')
    .filter({ hasNotText: 'Out of stock' })
    .first();
  await card.getByRole('link').click();
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page.getByText('Added to your cart.').waitFor();

  await page.getByRole('link', { name: 'Cart', exact: true }).click();
  await page.getByText('Delivery and tax are added at checkout').waitFor();
  await page.getByRole('button', { name: 'Check out' }).click();
  const summary = page.locator('aside').filter({ has: page.getByTestId('checkout-total') });
  const line = (label: string) => summary.locator('.summary-line').filter({ hasText: label }).locator('.num');
  // Washington: 6.5% on the items and on the shipping.
  await expect
    .poll(async () => dollars(await line('Tax').textContent()), { timeout: 10_000 })
    .toBeGreaterThan(0);
  const items = dollars(await line('Items').textContent());
  const delivery = dollars(await line('Delivery').textContent());
  const tax = dollars(await line('Tax').textContent());
  expect(Math.abs(tax - Math.round(((items + delivery) * 650) / 10_000))).toBeLessThanOrEqual(1);
  expect(dollars(await page.getByTestId('checkout-total').textContent())).toBe(items + delivery + tax);

  await page.getByRole('button', { name: 'Continue to payment' }).click();
  await page.getByRole('heading', { name: 'Payment' }).waitFor();
  await page.getByRole('radio', { name: /Visa/ }).check();
  await page.getByRole('button', { name: /^Pay / }).click();
  await page.getByText('Payment received').waitFor();

  // The admin sees the tax in the report, by place.
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.goto('/login');
  await page.getByLabel('Email').fill('admin@demo.bazaar');
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
  await page.goto('/admin/tax-report');
  const washington = page.getByRole('row').filter({ hasText: 'WA' });
  await washington.waitFor();
  expect(dollars(await washington.locator('td').nth(3).textContent())).toBeGreaterThanOrEqual(tax);

  // And adds a rate.
  await page.getByRole('link', { name: 'Tax rates' }).first().click();
  await page.getByLabel('Name').fill('Oregon');
  await page.getByLabel('Country').fill('US');
  await page.getByLabel('Region (optional)').fill('OR');
  await page.getByLabel('Rate (%)').fill('1.5');
  await page.getByRole('button', { name: 'Add the rate' }).click();
  await page.getByRole('row').filter({ hasText: 'Oregon' }).waitFor();
});
