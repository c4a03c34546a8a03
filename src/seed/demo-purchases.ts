import type { Services } from '../app.js';
import type { PurchaseLine } from '../modules/recommendations/index.js';
import { seededRandom } from '../platform/random.js';

const SHOPPERS = 240;
const DAY_MS = 86_400_000;
const HISTORY_DAYS = 60;

/**
 * Purchase history for the recommender, so the demo shows co-purchase lists from the start:
 * synthetic shoppers (ids that are no accounts) whose baskets mix a few products of one
 * category with some of a neighbouring category, favouring each category's first products so
 * some sell better than others. Then one refresh builds every list.
 */
export async function seedDemoPurchases(services: Services): Promise<void> {
  const random = seededRandom(42);
  const texts = await services.catalog.productTexts();
  const byCategory = new Map<string, string[]>();
  for (const { id, categoryId } of [...texts].sort((a, b) => a.title.localeCompare(b.title))) {
    if (!categoryId) continue;
    const ids = byCategory.get(categoryId) ?? [];
    ids.push(id);
    byCategory.set(categoryId, ids);
  }
  const categories = [...byCategory.values()];
  if (categories.length === 0) return;
  // Squaring the uniform draw skews picks towards each category's first products.
  const pick = (ids: readonly string[]) => ids[Math.floor(random() ** 2 * ids.length)]!;
  const lines: PurchaseLine[] = [];
  const now = Date.now();
  for (let shopper = 0; shopper < SHOPPERS; shopper++) {
    const home = Math.floor(random() * categories.length);
    const neighbour = (home + 1) % categories.length;
    const basket = new Set<string>();
    const fromHome = 2 + Math.floor(random() * 3);
    for (let n = 0; n < fromHome; n++) basket.add(pick(categories[home]!));
    if (random() < 0.6) basket.add(pick(categories[neighbour]!));
    const occurredAt = new Date(now - random() * HISTORY_DAYS * DAY_MS).toISOString();
    for (const productId of basket) {
      lines.push({
        orderId: `demo_basket_${shopper}`,
        userId: `demo_shopper_${shopper}`,
        productId,
        occurredAt,
      });
    }
  }
  await services.recommendations.recordPurchases(lines);
  await services.recommendations.refresh();
}
