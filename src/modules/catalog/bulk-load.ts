import type { Database } from '../../platform/db.js';
import { newId } from '../../platform/ids.js';
import { seededRandom } from '../../platform/random.js';
import { inventory } from '../inventory/index.js';
import * as repo from './product-writes.repo.js';

/**
 * Generated catalogs for benchmarks: many products at once, written with a few multi-row
 * statements per batch instead of one use case per product. Titles and descriptions are drawn
 * from a fixed vocabulary, so two-word searches match a realistic share of the catalog.
 */

const STYLES = [
  'rustic',
  'modern',
  'vintage',
  'nordic',
  'classic',
  'compact',
  'deluxe',
  'handmade',
  'minimal',
  'bold',
  'coastal',
  'alpine',
  'urban',
  'heritage',
  'studio',
  'travel',
  'everyday',
  'premium',
  'organic',
  'rugged',
];
const MATERIALS = [
  'walnut',
  'oak',
  'brass',
  'copper',
  'linen',
  'wool',
  'cotton',
  'leather',
  'ceramic',
  'stoneware',
  'enamel',
  'steel',
  'bamboo',
  'glass',
  'marble',
  'canvas',
  'cork',
  'felt',
  'silk',
  'velvet',
];
const NOUNS = [
  'lamp',
  'lantern',
  'vase',
  'bowl',
  'mug',
  'teapot',
  'kettle',
  'knife',
  'board',
  'tray',
  'blanket',
  'cushion',
  'towel',
  'rug',
  'basket',
  'mirror',
  'clock',
  'shelf',
  'stool',
  'chair',
  'jacket',
  'sweater',
  'shirt',
  'scarf',
  'beanie',
  'belt',
  'wallet',
  'backpack',
  'tote',
  'boots',
  'sneakers',
  'slippers',
  'tent',
  'stove',
  'bottle',
  'notebook',
  'pen',
  'pencil',
  'print',
  'poster',
  'headphones',
  'speaker',
  'keyboard',
  'stand',
  'candle',
  'planter',
  'apron',
  'napkins',
  'journal',
  'satchel',
];
const PHRASES = [
  'made by hand in a small workshop',
  'built to last for years of daily use',
  'a gift that is used every day',
  'finished with natural oils',
  'designed for small apartments',
  'easy to clean and quick to dry',
  'sourced from family farms',
  'packed without plastic',
  'light enough to carry anywhere',
  'tested through a northern winter',
];

const OPTION_VALUES = ['Small', 'Medium', 'Large'];

export interface BulkLoadOptions {
  products: number;
  shops: readonly { id: string; name: string }[];
  categoryIds: readonly string[];
  /** Picture URLs the products take in turn. */
  imageUrls: readonly string[];
  currency: string;
  seed?: number;
  batchSize?: number;
  onBatch?: (loaded: number) => void;
}

/** Two words that occur together in a generated catalog, for search benchmarks. */
export function sampleSearchPhrases(count: number, seed = 7): string[] {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  return Array.from({ length: count }, () => `${pick(MATERIALS)} ${pick(NOUNS)}`);
}

/** Loads `products` generated products (1–3 variants each, with stock) in batches; answers their ids. */
export async function bulkLoadProducts(db: Database, options: BulkLoadOptions): Promise<string[]> {
  const random = seededRandom(options.seed ?? 1);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const batchSize = options.batchSize ?? 5000;
  const now = Date.now();
  const yearMs = 365 * 24 * 3600 * 1000;
  const ids: string[] = [];
  await db.transaction(async (tx) => {
    for (const shop of options.shops) await repo.ensureShop(tx, shop);
  });
  for (let start = 0; start < options.products; start += batchSize) {
    const size = Math.min(batchSize, options.products - start);
    const batch: repo.BulkProducts = {
      ids: [],
      shopIds: [],
      categoryIds: [],
      titles: [],
      descriptions: [],
      priceFromMinor: [],
      variantCounts: [],
      salesCounts: [],
      stars: [[], [], [], [], []],
      createdAt: [],
    };
    const variants: repo.NewVariant[] = [];
    const stock: { variantId: string; quantity: number }[] = [];
    const images: { productId: string; url: string }[] = [];
    for (let i = 0; i < size; i++) {
      const createdMs = now - Math.floor(random() * yearMs);
      const id = newId('prod', createdMs);
      const shop = pick(options.shops);
      const material = pick(MATERIALS);
      const noun = pick(NOUNS);
      const title = `${pick(STYLES)} ${material} ${noun}`.replace(/^\w/, (c) => c.toUpperCase());
      const basePrice = 500 + Math.floor(random() * 400) * 50 - 1;
      const variantCount = 1 + Math.floor(random() * 3);
      const reviewed = random() < 0.6;
      batch.ids.push(id);
      batch.shopIds.push(shop.id);
      batch.categoryIds.push(pick(options.categoryIds));
      batch.titles.push(title);
      batch.descriptions.push(
        `A ${material} ${noun}, ${pick(PHRASES)}. ${pick(STYLES)} and ${pick(MATERIALS)} details; ${pick(PHRASES)}.`,
      );
      batch.priceFromMinor.push(basePrice);
      batch.variantCounts.push(variantCount);
      batch.salesCounts.push(Math.floor(random() * random() * 500));
      for (const stars of batch.stars) stars.push(reviewed ? Math.floor(random() * 6) : 0);
      batch.createdAt.push(new Date(createdMs).toISOString());
      images.push({ productId: id, url: pick(options.imageUrls) });
      for (let position = 0; position < variantCount; position++) {
        const variantId = newId('var', createdMs);
        variants.push({
          id: variantId,
          productId: id,
          shopId: shop.id,
          sku: `B-${id.slice(5)}-${position}`,
          title: OPTION_VALUES[position]!,
          options: { size: OPTION_VALUES[position]! },
          priceMinor: basePrice + position * 500,
          currency: options.currency,
          position,
        });
        stock.push({ variantId, quantity: random() < 0.1 ? 0 : Math.floor(random() * 100) });
      }
    }
    await db.transaction(async (tx) => {
      await repo.insertProductsBulk(tx, batch, options.currency);
      await repo.insertVariants(tx, variants);
      await repo.insertImages(tx, images);
      await inventory.createStocks(tx, stock, 'bulk load');
    });
    ids.push(...batch.ids);
    options.onBatch?.(start + size);
  }
  await db.transaction(async (tx) => {
    await repo.addWordsOfAllProducts(tx);
    await repo.recomputeRatingTotals(tx);
  });
  await repo.vacuumAfterBulkLoad(db);
  await inventory.vacuumAfterBulkLoad(db);
  return ids;
}
