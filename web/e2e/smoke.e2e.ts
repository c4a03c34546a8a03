import { expect } from 'vitest';
import { bazaarForThisFile } from './harness.js';

const { test, url, metricsUrl } = bazaarForThisFile();

test('serves the web app at / and at a deep link, and the API beside it', async ({ browse }) => {
  const page = await browse();
  const home = await page.goto('/');
  expect(home?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
  await expect(page.title()).resolves.toBe('Bazaar');
  // isVisible() answers at once, before the app may have rendered; waitFor() waits for it.
  await page.getByRole('link', { name: 'Bazaar', exact: true }).waitFor();
  await page.goto('/no/such/page');
  await page.getByRole('heading', { name: 'Not found' }).waitFor();
  const api = await page.request.get('/v1/no-such-route');
  expect(api.status()).toBe(404);
  expect(api.headers()['content-type']).toContain('application/problem+json');
});

test('serves the API reference at /docs under the same Content Security Policy', async ({ browse }) => {
  const page = await browse();
  const docs = await page.goto('/docs');
  expect(docs?.headers()['content-security-policy']).toContain("default-src 'self'");
  // Swagger UI renders the document it fetched: the title, then one block per operation.
  await page.getByRole('heading', { name: /Bazaar API/ }).waitFor();
  const healthz = page.locator('.opblock').filter({ hasText: '/healthz' }).first();
  await healthz.locator('.opblock-summary').click();
  // Trying an operation out calls the API from the page and renders its answer.
  await healthz.getByRole('button', { name: 'Try it out' }).click();
  await healthz.getByRole('button', { name: 'Execute' }).click();
  await healthz.locator('.live-responses-table .response-col_status', { hasText: '200' }).waitFor();
});

test('serves /metrics on its own port, not on the API port', async () => {
  const metrics = await fetch(`${metricsUrl()}/metrics`);
  expect(metrics.status).toBe(200);
  expect(await metrics.text()).toContain('http_requests_total');
  expect((await fetch(`${url()}/metrics`)).status).toBe(404);
});
