import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { sql } from '../platform/db.js';
import { DEMO_ACCOUNTS, seedDemo } from './demo.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('seedDemo', () => {
  it('loads a browsable marketplace once: about 200 products with variants, stock and pictures', async () => {
    expect(await seedDemo(t.services)).toEqual({ seeded: true });
    expect(await seedDemo(t.services)).toEqual({ seeded: false });

    const [counts] = await t.db.query<{
      products: number;
      shops: number;
      categories: number;
      leaves: number;
    }>(sql`
      SELECT (SELECT count(*)::int FROM products) AS products,
             (SELECT count(DISTINCT shop_id)::int FROM products) AS shops,
             (SELECT count(*)::int FROM categories) AS categories,
             (SELECT count(DISTINCT category_id)::int FROM products) AS leaves`);
    expect(counts!.products).toBeGreaterThanOrEqual(180);
    expect(counts!.shops).toBe(DEMO_ACCOUNTS.filter((a) => a.shop).length);
    expect(counts!.categories).toBeGreaterThan(counts!.leaves);

    const page = (await t.app.inject({ method: 'GET', url: '/v1/products?limit=100' })).json();
    expect(page.data).toHaveLength(100);
    expect(page.data.some((p: { in_stock: boolean }) => p.in_stock)).toBe(true);
    const first = page.data[0];
    const picture = await t.app.inject({ method: 'GET', url: first.image });
    expect(picture.statusCode).toBe(200);
    expect(picture.headers['content-type']).toBe('image/png');

    const detail = (await t.app.inject({ method: 'GET', url: `/v1/products/${first.id}` })).json();
    expect(detail.category).not.toBeNull();
    expect(detail.variants.length).toBeGreaterThanOrEqual(2);
    const lamps = (await t.app.inject({ method: 'GET', url: '/v1/products?q=lamp' })).json();
    expect(lamps.data.length).toBeGreaterThan(0);

    // Every shop charges for delivery; one ships within its country only.
    const options = await t.db.query<{ shopId: string; countries: string[] }>(
      sql`SELECT shop_id AS "shopId", countries FROM shipping_options WHERE active`,
    );
    expect(new Set(options.map((o) => o.shopId)).size).toBe(counts!.shops);
    const domestic = new Set(options.filter((o) => !o.countries.includes('*')).map((o) => o.shopId));
    const abroad = new Set(options.filter((o) => o.countries.includes('*')).map((o) => o.shopId));
    expect([...domestic].filter((shop) => !abroad.has(shop))).toHaveLength(1);

    // A welcome code for the marketplace and one shop's automatic sale.
    const promotions = await t.db.query<{ code: string | null; automatic: boolean; fundedBy: string }>(
      sql`SELECT code, automatic, funded_by AS "fundedBy" FROM promotions WHERE status = 'active' ORDER BY automatic`,
    );
    expect(promotions).toEqual([
      { code: 'WELCOME10', automatic: false, fundedBy: 'platform' },
      { code: null, automatic: true, fundedBy: 'shop' },
    ]);
  }, 60_000);
});
