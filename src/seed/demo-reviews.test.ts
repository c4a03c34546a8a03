import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../../test/app.js';
import { DEMO_PASSWORD, seedDemo } from './demo.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const get = async (url: string, token?: string) =>
  (await t.app.inject({ method: 'GET', url, headers: token ? bearer(token) : {} })).json();

describe('seedDemoReviews', () => {
  it("reviews every item of the demo buyers' delivered orders, and the products show it", async () => {
    expect(await seedDemo(t.services)).toEqual({ seeded: true });
    const login = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: 'cleo@demo.bazaar', password: DEMO_PASSWORD },
    });
    const orders = await get('/v1/orders?status=delivered', login.json().token);
    const items = orders.data.flatMap((o: { items: unknown[] }) => o.items);
    expect(items.length).toBeGreaterThan(0);
    for (const item of items as { product_id: string; review_id: string | null; reviewable: boolean }[]) {
      expect(item).toMatchObject({ review_id: expect.stringMatching(/^rev_/), reviewable: false });
      const reviews = await get(`/v1/products/${item.product_id}/reviews`);
      expect(reviews.data.map((r: { id: string }) => r.id)).toContain(item.review_id);
      expect(reviews.summary.count).toBeGreaterThan(0);
      expect(reviews.data[0].author).toEqual({ name: 'Cleo Buyer' });
    }
  }, 90_000);
});
