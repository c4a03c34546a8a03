/**
 * The recommendation refresh's time at N synthetic purchases: the first refresh of a process
 * (every list built), then an incremental one after 1% more purchases by new buyers, which must
 * recompute only their items' lists. `npm run bench` times it at 10,000, 100,000 and 1,000,000
 * purchases on PostgreSQL; alone, `npx tsx bench/recs-refresh.ts 10000,100000` (DATABASE_URL for
 * PostgreSQL, else the embedded database in memory).
 */
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildServices } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import type { PurchaseLine } from '../src/modules/recommendations/index.js';
import { openDatabase } from '../src/platform/db.js';
import { migrate } from '../src/platform/migrate.js';
import { seededRandom } from '../src/platform/random.js';

const ITEMS_PER_BASKET = 5;
const PURCHASES_PER_PRODUCT = 10;
const INSERT_BATCH = 5_000;

/** Baskets of synthetic buyers, products drawn with a skew so some sell far more than others. */
function purchases(count: number, products: number, firstBuyer: number, seed: number): PurchaseLine[] {
  const random = seededRandom(seed);
  const lines: PurchaseLine[] = [];
  const occurredAt = new Date().toISOString();
  for (let buyer = firstBuyer; lines.length < count; buyer++) {
    const basket = new Set<number>();
    while (basket.size < ITEMS_PER_BASKET) basket.add(Math.floor(random() ** 2 * products));
    for (const product of basket) {
      lines.push({
        orderId: `bench_ord_${buyer}`,
        userId: `bench_usr_${buyer}`,
        productId: `bench_prod_${product}`,
        occurredAt,
      });
    }
  }
  return lines.slice(0, count);
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const started = performance.now();
  const value = await work();
  return { value, seconds: (performance.now() - started) / 1000 };
}

export interface RefreshFigures {
  purchases: number;
  products: number;
  full_refresh_seconds: number;
  lists_recomputed_full: number;
  added_purchases: number;
  incremental_refresh_seconds: number;
  lists_recomputed_incremental: number;
}

/** Times the refreshes on an empty database (`databaseUrl`, or an embedded one in memory). */
export async function measureRefresh(
  count: number,
  databaseUrl: string | undefined,
): Promise<RefreshFigures> {
  const db = await openDatabase({ databaseUrl });
  await migrate(db);
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    BAZAAR_DATA_DIR: path.join(tmpdir(), 'bazaar-bench-recs'),
  });
  const services = buildServices(config, db);
  try {
    const products = Math.max(ITEMS_PER_BASKET * 2, Math.floor(count / PURCHASES_PER_PRODUCT));
    const initial = purchases(count, products, 0, 42);
    for (let start = 0; start < initial.length; start += INSERT_BATCH) {
      await services.recommendations.recordPurchases(initial.slice(start, start + INSERT_BATCH));
    }
    const full = await timed(() => services.recommendations.refresh());
    const added = purchases(Math.ceil(count / 100), products, count, 7);
    await services.recommendations.recordPurchases(added);
    const incremental = await timed(() => services.recommendations.refresh());
    return {
      purchases: count,
      products,
      full_refresh_seconds: Number(full.seconds.toFixed(3)),
      lists_recomputed_full: full.value.coPurchase.length,
      added_purchases: added.length,
      incremental_refresh_seconds: Number(incremental.seconds.toFixed(3)),
      lists_recomputed_incremental: incremental.value.coPurchase.length,
    };
  } finally {
    await services.close();
    await db.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const count of (process.argv[2] ?? '10000,100000').split(',').map(Number)) {
    console.log(JSON.stringify(await measureRefresh(count, process.env.DATABASE_URL)));
  }
}
