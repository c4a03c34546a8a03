/**
 * The recommendation scenarios of `npm run bench`, on the generated catalog of the catalog
 * scenarios with synthetic purchase history (baskets of five, skewed towards some products)
 * refreshed into neighbour lists once: both endpoints are then lookups, compared to the product
 * detail route they sit beside.
 */
import { tmpdir } from 'node:os';
import path from 'node:path';
import type autocannon from 'autocannon';
import { buildServices } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import type { PurchaseLine } from '../src/modules/recommendations/index.js';
import { seededRandom } from '../src/platform/random.js';
import { newUser, type TestUser } from '../test/factories/identity.js';
import { benchCatalog } from './catalog-scenarios.js';
import type { BenchContext, Scenario } from './scenarios.js';

const BASKETS = 20_000;
const BASKET_SIZE = 5;
/** Products the item scenario rotates over, and signed-in buyers of the personal one. */
const ROTATED_PRODUCTS = 1000;
const BUYERS = 200;

interface SeededRecommendations {
  productIds: string[];
  buyers: TestUser[];
}

function seededRecommendations(context: BenchContext): Promise<SeededRecommendations> {
  return context.shared('recommendations', async () => {
    const { productIds } = await benchCatalog(context);
    const buyers: TestUser[] = [];
    for (let n = 0; n < BUYERS; n++) buyers.push(await newUser(context.db));
    const random = seededRandom(42);
    const occurredAt = new Date().toISOString();
    const lines: PurchaseLine[] = [];
    for (let basket = 0; basket < BASKETS; basket++) {
      const userId = basket < BUYERS ? buyers[basket]!.id : `bench_shopper_${basket}`;
      const items = new Set<string>();
      while (items.size < BASKET_SIZE) items.add(productIds[Math.floor(random() ** 3 * productIds.length)]!);
      for (const productId of items)
        lines.push({ orderId: `bench_basket_${basket}`, userId, productId, occurredAt });
    }
    const config = loadConfig({
      LOG_LEVEL: 'silent',
      BAZAAR_DATA_DIR: path.join(tmpdir(), 'bazaar-bench-recs'),
    });
    const services = buildServices(config, context.db);
    try {
      await services.recommendations.recordPurchases(lines);
      await services.recommendations.refresh();
    } finally {
      await services.close();
    }
    return { productIds, buyers };
  });
}

export const RECOMMENDATION_SCENARIOS: Scenario[] = [
  {
    name: 'product-recommendations',
    summary: `GET /v1/products/{id}/recommendations, ${ROTATED_PRODUCTS} products, ${BASKETS} baskets of ${BASKET_SIZE}`,
    compareTo: [{ scenario: 'product-detail' }, { scenario: 'select-one' }],
    prepare: async (context) => {
      const { productIds } = await seededRecommendations(context);
      const step = Math.floor(productIds.length / ROTATED_PRODUCTS);
      return Array.from(
        { length: ROTATED_PRODUCTS },
        (_, i): autocannon.Request => ({
          method: 'GET',
          path: `/v1/products/${productIds[i * step]}/recommendations`,
        }),
      );
    },
  },
  {
    name: 'my-recommendations',
    summary: `GET /v1/me/recommendations, ${BUYERS} buyers with history in turn`,
    compareTo: [{ scenario: 'me' }, { scenario: 'select-one' }],
    prepare: async (context) =>
      (await seededRecommendations(context)).buyers.map((buyer) => ({
        method: 'GET',
        path: '/v1/me/recommendations',
        headers: { authorization: `Bearer ${buyer.token}` },
      })),
  },
];
