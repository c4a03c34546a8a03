import { expect } from 'vitest';
import { bazaarForThisFile } from './harness.js';

const { test, url } = bazaarForThisFile();

const DEMO_PASSWORD = 'bazaar-demo-2026';

test('a seller makes a products:read key, an integration reads with it and is refused a write, the seller revokes it and it stops working', async ({
  browse,
}) => {
  const page = await browse();
  await page.goto('/login');
  await page.getByLabel('Email').fill('dee@demo.bazaar');
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();

  await page.goto('/seller');
  await page
    .getByRole('navigation', { name: 'Seller center' })
    .getByRole('link', { name: 'API keys' })
    .click();
  await page.getByLabel('Name').fill('Stock sync');
  await page.getByRole('checkbox', { name: /products:read/ }).check();
  // A seller is not offered the admin scope.
  expect(await page.getByRole('checkbox', { name: /^admin/ }).count()).toBe(0);
  await page.getByRole('button', { name: 'Make the key' }).click();
  const shown = page.getByLabel('New API key');
  await shown.waitFor();
  const key = (await shown.textContent())!.trim();
  expect(key).toMatch(/^bzk_apk_/);
  const row = page.getByRole('row').filter({ hasText: 'Stock sync' });
  await row.waitFor();
  expect(await row.textContent()).toContain('products:read');

  const withKey = (path: string, init: RequestInit = {}) =>
    fetch(new URL(path, url()), {
      ...init,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...init.headers },
    });
  const products = await withKey('/v1/shop/products');
  expect(products.status).toBe(200);
  const [product] = ((await products.json()) as { data: { id: string }[] }).data;
  expect(product).toBeDefined();
  const write = await withKey(`/v1/products/${product!.id}`, {
    method: 'PATCH',
    body: JSON.stringify({ title: 'Changed by a read-only key' }),
  });
  expect(write.status).toBe(403);
  expect(((await write.json()) as { code: string }).code).toBe('forbidden');

  // The page notes the key's use.
  await page.reload();
  await expect.poll(() => row.locator('td').nth(4).textContent()).not.toBe('never');

  await page.getByRole('button', { name: 'Revoke Stock sync' }).click();
  await row.waitFor({ state: 'detached' });
  const after = await withKey('/v1/shop/products');
  expect(after.status).toBe(401);
});
