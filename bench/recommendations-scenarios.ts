/**
 * The recommendation scenarios of `npm run bench`, on the generated catalog of the catalog
 * scenarios with synthetic purchase history (baskets of five, skewed towards some products)
 * refreshed into neighbour lists once: both endpoints are then lookups, compared to the raw limit
 * of their own work (the service call from loops in the bench process, no HTTP) and to the
 * product detail route they sit beside.
 */
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildServices, type Services } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import type { PurchaseLine } from '../src/modules/recommendations/index.js';
import { openDatabase } from '../src/platform/db.js';
import { seededRandom } from '../src/platform/random.js';
import { newUser, type TestUser } from '../test/factories/identity.js';
import { countingRoundTrips } from '../test/round-trips.js';
import { benchCatalog } from './catalog-scenarios.js';
import { type DrivenScenario, type GetRequest, loopFor, PACE_PER_SECOND, pacedScenario } from './driven.js';
import type { BenchContext, Scenario } from './scenarios.js';
import { serverConfig } from './without-http.js';

const BASKETS = 20_000;
const BASKET_SIZE = 5;
/** Products the item scenario rotates over, and signed-in buyers of the personal one. */
const ROTATED_PRODUCTS = 1000;
const BUYERS = 200;
/**
 * Each signed-in buyer is a regular: baskets on as many days and product pages read since, more
 * interests than the 50 latest that a personal list ranks the neighbours of.
 */
const BUYER_BASKETS = 6;
const BUYER_VIEWS = 30;
const DAY_MS = 86_400_000;
/** Loops of the raw limits: as many as the HTTP scenarios' connections. */
const RAW_LOOPS = 50;

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
    const now = Date.now();
    const skewedProduct = () => productIds[Math.floor(random() ** 3 * productIds.length)]!;
    const lines: PurchaseLine[] = [];
    for (let basket = 0; basket < BASKETS; basket++) {
      const regular = basket < BUYERS * BUYER_BASKETS;
      const userId = regular ? buyers[basket % BUYERS]!.id : `bench_shopper_${basket}`;
      const daysAgo = regular ? BUYER_BASKETS - Math.floor(basket / BUYERS) : random() * 30;
      const occurredAt = new Date(now - daysAgo * DAY_MS).toISOString();
      const items = new Set<string>();
      while (items.size < BASKET_SIZE) items.add(skewedProduct());
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
      for (const buyer of buyers) {
        for (let view = 0; view < BUYER_VIEWS; view++)
          services.productViews.recordView(buyer.id, skewedProduct());
      }
      await services.productViews.flush();
      await services.recommendations.refresh();
    } finally {
      await services.close();
    }
    return { productIds, buyers };
  });
}

/** Every `step`-th product of the catalog, `ROTATED_PRODUCTS` in all. */
function rotatedProducts(productIds: readonly string[]): string[] {
  const step = Math.floor(productIds.length / ROTATED_PRODUCTS);
  return Array.from({ length: ROTATED_PRODUCTS }, (_, i) => productIds[i * step]!);
}

/**
 * The raw limit of a recommendation route: its service call (the route's SQL and ranking) from
 * `loops` loops in the bench process, with the server's pool size, each call the next request in turn.
 */
function rawLimit(
  name: string,
  summary: string,
  calls: (seeded: SeededRecommendations) => ((services: Services) => Promise<unknown>)[],
  loops = RAW_LOOPS,
): DrivenScenario {
  return {
    name,
    summary,
    async drive(setup) {
      const inTurn = calls(await seededRecommendations(setup.context));
      const config = serverConfig(setup.databaseUrl);
      const db = await openDatabase({ databaseUrl: setup.databaseUrl, poolSize: config.dbPoolSize });
      const counting = countingRoundTrips(db);
      const services = buildServices(config, counting.db);
      // Every request once, so that the rounds find the process's caches as the server's are.
      for (let start = 0; start < inTurn.length; start += RAW_LOOPS) {
        await Promise.all(inTurn.slice(start, start + RAW_LOOPS).map((call) => call(services)));
      }
      const roundTripsBefore = counting.count();
      let next = 0;
      return {
        concurrency: loops,
        run: (seconds) =>
          loopFor(loops, seconds, async () => {
            await inTurn[next++ % inTurn.length]!(services);
            return { outcome: '200', expected: true };
          }),
        async finish() {
          await services.close();
          await db.close();
          const roundTrips = counting.count() - roundTripsBefore;
          return {
            // Warm-up round included.
            figures: { sql_round_trips_per_request: Number((roundTrips / next).toFixed(2)) },
            problems: [],
          };
        },
      };
    },
  };
}

const productRecommendationCalls = ({ productIds }: SeededRecommendations) =>
  rotatedProducts(productIds).map(
    (id) => (services: Services) => services.recommendations.forProduct(id, 10),
  );
const myRecommendationCalls = ({ buyers }: SeededRecommendations) =>
  buyers.map((buyer) => (services: Services) => services.recommendations.forUser(buyer.id, 10));

const productRecommendationRequests = async (context: BenchContext): Promise<GetRequest[]> =>
  rotatedProducts((await seededRecommendations(context)).productIds).map((id) => ({
    method: 'GET',
    path: `/v1/products/${id}/recommendations`,
  }));
const myRecommendationRequests = async (context: BenchContext): Promise<GetRequest[]> =>
  (await seededRecommendations(context)).buyers.map((buyer) => ({
    method: 'GET',
    path: '/v1/me/recommendations',
    headers: { authorization: `Bearer ${buyer.token}` },
  }));

export const RECOMMENDATION_SCENARIOS: (Scenario | DrivenScenario)[] = [
  // One request at a time: what a lookup costs a buyer (the target: p99 under 10 ms), beside the
  // same service call without HTTP; the loaded scenarios below measure throughput.
  rawLimit(
    'product-recommendations-raw-latency',
    'The raw latency of product recommendations: forProduct one call at a time, no HTTP',
    productRecommendationCalls,
    1,
  ),
  {
    name: 'product-recommendations-latency',
    summary: 'GET /v1/products/{id}/recommendations over one connection: one request at a time',
    connections: 1,
    compareTo: [{ scenario: 'product-recommendations-raw-latency' }, { scenario: 'select-one-latency' }],
    prepare: productRecommendationRequests,
    warmEachRequest: true,
  },
  rawLimit(
    'my-recommendations-raw-latency',
    'The raw latency of personal recommendations: forUser one call at a time, no HTTP',
    myRecommendationCalls,
    1,
  ),
  {
    name: 'my-recommendations-latency',
    summary: 'GET /v1/me/recommendations over one connection: one request at a time',
    connections: 1,
    compareTo: [{ scenario: 'my-recommendations-raw-latency' }, { scenario: 'me-latency' }],
    prepare: myRecommendationRequests,
    warmEachRequest: true,
  },
  // At a steady pace the server sustains: the p99 a storefront sees under load, beside one SELECT's.
  pacedScenario({
    name: 'product-recommendations-paced',
    summary: `GET /v1/products/{id}/recommendations at ${PACE_PER_SECOND} req/s`,
    ratePerSecond: PACE_PER_SECOND,
    compareTo: [{ scenario: 'select-one-paced', figure: 'p99_ms' }],
    requests: productRecommendationRequests,
  }),
  pacedScenario({
    name: 'my-recommendations-paced',
    summary: `GET /v1/me/recommendations at ${PACE_PER_SECOND} req/s`,
    ratePerSecond: PACE_PER_SECOND,
    compareTo: [{ scenario: 'select-one-paced', figure: 'p99_ms' }],
    requests: myRecommendationRequests,
  }),
  rawLimit(
    'product-recommendations-raw',
    `The raw limit of product recommendations: forProduct of ${ROTATED_PRODUCTS} products in turn, no HTTP`,
    productRecommendationCalls,
  ),
  rawLimit(
    'my-recommendations-raw',
    `The raw limit of personal recommendations: forUser of ${BUYERS} buyers in turn, no HTTP (the caller lookup left out)`,
    myRecommendationCalls,
  ),
  {
    name: 'product-recommendations',
    summary: `GET /v1/products/{id}/recommendations, ${ROTATED_PRODUCTS} products, ${BASKETS} baskets of ${BASKET_SIZE}`,
    compareTo: [
      { scenario: 'product-recommendations-raw' },
      { scenario: 'product-detail' },
      { scenario: 'select-one' },
    ],
    prepare: productRecommendationRequests,
    warmEachRequest: true,
  },
  {
    name: 'my-recommendations',
    summary: `GET /v1/me/recommendations, ${BUYERS} buyers of ${BUYER_BASKETS} baskets and ${BUYER_VIEWS} product pages in turn`,
    compareTo: [{ scenario: 'my-recommendations-raw' }, { scenario: 'me' }, { scenario: 'select-one' }],
    prepare: myRecommendationRequests,
    warmEachRequest: true,
  },
];
