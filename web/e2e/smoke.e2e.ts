import { expect } from 'vitest';
import { bazaarForThisFile } from './harness.js';

const { test } = bazaarForThisFile();

test('serves the web app at / and at a deep link, and the API beside it', async ({ browse }) => {
  const page = await browse();
  await page.goto('/');
  await expect(page.title()).resolves.toBe('Bazaar');
  // isVisible() answers at once, before the app may have rendered; waitFor() waits for it.
  await page.getByRole('link', { name: 'Bazaar', exact: true }).waitFor();
  await page.goto('/no/such/page');
  await page.getByRole('heading', { name: 'Not found' }).waitFor();
  const api = await page.request.get('/v1/no-such-route');
  expect(api.status()).toBe(404);
  expect(api.headers()['content-type']).toContain('application/problem+json');
});
