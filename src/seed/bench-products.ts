import type { CatalogService, ImportedProduct } from '../modules/catalog/index.js';
import { newId } from '../platform/ids.js';
import { seededRandom } from '../platform/random.js';

/**
 * Generated catalogs for benchmarks: many products at once, written through the catalog's bulk
 * import (a few multi-row statements per batch) instead of one use case per product. Titles and
 * descriptions are drawn from a fixed vocabulary, so two-word searches match a realistic share of
 * the catalog.
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
export async function bulkLoadProducts(catalog: CatalogService, options: BulkLoadOptions): Promise<string[]> {
  const random = seededRandom(options.seed ?? 1);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const batchSize = options.batchSize ?? 5000;
  const now = Date.now();
  const yearMs = 365 * 24 * 3600 * 1000;
  const ids: string[] = [];
  for (let start = 0; start < options.products; start += batchSize) {
    const size = Math.min(batchSize, options.products - start);
    const batch: ImportedProduct[] = [];
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
      const categoryId = pick(options.categoryIds);
      const description = `A ${material} ${noun}, ${pick(PHRASES)}. ${pick(STYLES)} and ${pick(MATERIALS)} details; ${pick(PHRASES)}.`;
      const salesCount = Math.floor(random() * random() * 500);
      const stars = Array.from({ length: 5 }, () => (reviewed ? Math.floor(random() * 6) : 0));
      const imageUrl = pick(options.imageUrls);
      const variants = Array.from({ length: variantCount }, (_, position) => ({
        id: newId('var', createdMs),
        sku: `B-${id.slice(5)}-${position}`,
        title: OPTION_VALUES[position]!,
        options: { size: OPTION_VALUES[position]! },
        priceMinor: basePrice + position * 500,
        stock: random() < 0.1 ? 0 : Math.floor(random() * 100),
      }));
      batch.push({
        id,
        shop,
        categoryId,
        title,
        description,
        createdAt: new Date(createdMs).toISOString(),
        salesCount,
        stars: stars as ImportedProduct['stars'],
        imageUrls: [imageUrl],
        variants,
      });
    }
    await catalog.importProducts(batch);
    ids.push(...batch.map((product) => product.id));
    options.onBatch?.(start + size);
  }
  await catalog.afterImports();
  return ids;
}
