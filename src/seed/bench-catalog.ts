import { randomBytes } from 'node:crypto';
import type { Services } from '../app.js';
import { type BulkLoadOptions, bulkLoadProducts } from './bench-products.js';
import { renderDemoImage } from './demo-image.js';

const SELLERS = 8;
const ROOT_CATEGORIES = ['Home', 'Clothing', 'Outdoors', 'Studio'];
const LEAVES_PER_ROOT = 4;
const PICTURES = 12;

/** Where generated products go: shops, leaf categories and pictures, made once per catalog. */
export type BenchCatalog = Pick<BulkLoadOptions, 'shops' | 'categoryIds' | 'imageUrls'> & {
  rootCategoryIds: string[];
};

/** Sellers with shops, a two-level category tree and a few pictures, through the use cases. */
export async function prepareBenchCatalog(services: Services): Promise<BenchCatalog> {
  const { identity, catalog, media } = services;
  const run = randomBytes(3).toString('hex');
  const shops = [];
  for (let i = 0; i < SELLERS; i++) {
    const { caller } = await identity.register({
      email: `bench-${run}-${i}@bench.bazaar`,
      password: `bench seller ${run} passphrase`,
      name: `Bench Seller ${i + 1}`,
    });
    const shop = await identity.openShop(caller, { name: `Bench Shop ${i + 1} (${run})` });
    shops.push({ id: shop.id, name: shop.name });
  }
  const rootCategoryIds: string[] = [];
  const categoryIds: string[] = [];
  for (const [r, name] of ROOT_CATEGORIES.entries()) {
    const root = await catalog.createCategory({ name, slug: `bench-${run}-${r}` });
    rootCategoryIds.push(root.id);
    for (let l = 0; l < LEAVES_PER_ROOT; l++) {
      const leaf = await catalog.createCategory({
        name: `${name} ${l + 1}`,
        slug: `bench-${run}-${r}-${l}`,
        parentId: root.id,
      });
      categoryIds.push(leaf.id);
    }
  }
  const imageUrls = [];
  for (let i = 0; i < PICTURES; i++) {
    const picture = await media.store(
      renderDemoImage({ seed: i + 1, label: `Bench ${i + 1}`, width: 400, height: 300 }),
    );
    imageUrls.push(picture.url);
  }
  return { shops, categoryIds, rootCategoryIds, imageUrls };
}

/** `bazaar seed --bench --products N`: a fresh bench catalog of N generated products. */
export async function seedBenchCatalog(services: Services, products: number): Promise<BenchCatalog> {
  const catalog = await prepareBenchCatalog(services);
  await bulkLoadProducts(services.catalog, {
    ...catalog,
    products,
    onBatch: (loaded) => process.stderr.write(`\r${loaded} / ${products} products`),
  });
  process.stderr.write('\n');
  return catalog;
}
