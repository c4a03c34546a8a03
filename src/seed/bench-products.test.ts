import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { inventory } from '../modules/inventory/index.js';
import { sql } from '../platform/db.js';
import { prepareBenchCatalog } from './bench-catalog.js';
import { bulkLoadProducts, sampleSearchPhrases } from './bench-products.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('bulk loads', () => {
  it('load products in batches that obey the same constraints, browsable and searchable at once', async () => {
    const catalog = await prepareBenchCatalog(t.services);
    const loaded: number[] = [];
    const ids = await bulkLoadProducts(t.services.catalog, {
      ...catalog,
      products: 1200,
      batchSize: 500,
      onBatch: (count) => loaded.push(count),
    });
    expect(loaded).toEqual([500, 1000, 1200]);
    expect(new Set(ids).size).toBe(1200);

    const [counts] = await t.db.query<{ products: number; variants: number; mismatched: number }>(sql`
      SELECT (SELECT count(*)::int FROM products) AS products,
             (SELECT count(*)::int FROM variants) AS variants,
             (SELECT count(*)::int FROM products p
              WHERE p.variant_count <> (SELECT count(*) FROM variants v WHERE v.product_id = p.id)
                 OR p.price_from_minor <> (SELECT min(price_minor) FROM variants v WHERE v.product_id = p.id))
               AS mismatched`);
    expect(counts).toMatchObject({ products: 1200, mismatched: 0 });
    const variantIds = (await t.db.query<{ id: string }>(sql`SELECT id FROM variants`)).map((row) => row.id);
    expect((await inventory.levels(t.db, variantIds)).size).toBe(counts!.variants);

    const [totals] = await t.db.query<{ consistent: boolean }>(sql`
      SELECT t.rating_count = (SELECT sum(rating_count) FROM products)
         AND t.rating_sum = (SELECT sum(rating_sum) FROM products) AS consistent
      FROM catalog_rating_totals t`);
    expect(totals!.consistent).toBe(true);

    const listing = (
      await t.app.inject({
        method: 'GET',
        url: `/v1/products?category=${catalog.rootCategoryIds[0]}&limit=5`,
      })
    ).json();
    expect(listing.data).toHaveLength(5);
    const detail = await t.app.inject({ method: 'GET', url: `/v1/products/${ids[0]}` });
    expect(detail.statusCode).toBe(200);
    const hits = await Promise.all(
      sampleSearchPhrases(5).map(
        async (q) =>
          (await t.app.inject({ method: 'GET', url: `/v1/products?q=${encodeURIComponent(q)}` })).json().data
            .length,
      ),
    );
    expect(hits.some((count) => count > 0)).toBe(true);
  }, 60_000);
});
