/**
 * The catalog scenarios of `npm run bench`, on a generated catalog of BENCH_CATALOG_PRODUCTS
 * products (default 100,000; run again with 10000 to compare search latency at both sizes):
 * product detail against the bare route, category listing and search against the one-SELECT
 * route. Requests are anonymous, as a storefront's are.
 */
import { tmpdir } from 'node:os';
import path from 'node:path';
import type autocannon from 'autocannon';
import { buildServices } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { type BenchCatalog, prepareBenchCatalog } from '../src/seed/bench-catalog.js';
import { bulkLoadProducts, sampleSearchPhrases } from '../src/seed/bench-products.js';
import type { BenchContext, Scenario } from './scenarios.js';

const CATALOG_PRODUCTS = Number(process.env.BENCH_CATALOG_PRODUCTS ?? 100_000);
/** Products the detail scenario rotates over: a storefront's hot set, spread over the catalog. */
const DETAIL_PRODUCTS = 1000;
/** Distinct two-word searches of the cached scenario… */
const SEARCHES = 50;
/** …and of the uncached one: more distinct pages than a one-second page TTL ever sees twice. */
const UNCACHED_SEARCHES = 5000;

interface LoadedCatalog extends BenchCatalog {
  productIds: string[];
}

export function benchCatalog(context: BenchContext): Promise<LoadedCatalog> {
  return context.shared('catalog', async () => {
    if (!Number.isInteger(CATALOG_PRODUCTS) || CATALOG_PRODUCTS < DETAIL_PRODUCTS) {
      throw new Error(`BENCH_CATALOG_PRODUCTS must be an integer of at least ${DETAIL_PRODUCTS}`);
    }
    // The pictures go to a directory of their own: the bench never asks for them.
    const config = loadConfig({
      LOG_LEVEL: 'silent',
      BAZAAR_DATA_DIR: path.join(tmpdir(), 'bazaar-bench-catalog'),
    });
    const services = buildServices(config, context.db);
    try {
      const catalog = await prepareBenchCatalog(services);
      const productIds = await bulkLoadProducts(services.catalog, { ...catalog, products: CATALOG_PRODUCTS });
      return { ...catalog, productIds };
    } finally {
      await services.close();
    }
  });
}

const get = (requestPath: string): autocannon.Request => ({ method: 'GET', path: requestPath });

export const CATALOG_SCENARIOS: Scenario[] = [
  {
    name: 'product-detail',
    summary: `GET /v1/products/{id}: content from cache, stock read live; ${DETAIL_PRODUCTS} products of ${CATALOG_PRODUCTS}`,
    compareTo: [{ scenario: 'bare', atLeast: 0.6 }, { scenario: 'select-one' }],
    prepare: async (context) => {
      const { productIds } = await benchCatalog(context);
      const step = Math.floor(productIds.length / DETAIL_PRODUCTS);
      return Array.from({ length: DETAIL_PRODUCTS }, (_, i) => get(`/v1/products/${productIds[i * step]}`));
    },
  },
  {
    name: 'category-listing',
    summary: `GET /v1/products?category= (a category with its descendants), three sorts; ${CATALOG_PRODUCTS} products`,
    compareTo: [{ scenario: 'select-one', atLeast: 0.5 }, { scenario: 'bare' }],
    prepare: async (context) => {
      const { categoryIds, rootCategoryIds } = await benchCatalog(context);
      return [...rootCategoryIds, ...categoryIds].flatMap((id) =>
        ['newest', 'price_asc', 'best_selling'].map((sort) =>
          get(`/v1/products?category=${id}&sort=${sort}`),
        ),
      );
    },
  },
  {
    name: 'search',
    summary: `GET /v1/products?q=<two words>, ${SEARCHES} searches in turn; ${CATALOG_PRODUCTS} products`,
    compareTo: [{ scenario: 'select-one', atLeast: 0.5 }, { scenario: 'bare' }],
    prepare: async (context) => {
      await benchCatalog(context);
      return sampleSearchPhrases(SEARCHES).map((q) => get(`/v1/products?q=${encodeURIComponent(q)}`));
    },
  },
  {
    name: 'search-uncached',
    summary: `GET /v1/products?q=<two words>, ${UNCACHED_SEARCHES} distinct pages: the database path; ${CATALOG_PRODUCTS} products`,
    compareTo: [{ scenario: 'select-one' }, { scenario: 'search' }],
    prepare: async (context) => {
      await benchCatalog(context);
      return sampleSearchPhrases(UNCACHED_SEARCHES, 11).map((q, i) =>
        get(`/v1/products?q=${encodeURIComponent(q)}&limit=${10 + (i % 40)}`),
      );
    },
  },
];
