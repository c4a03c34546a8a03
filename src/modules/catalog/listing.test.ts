import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { newProduct } from '../../../test/factories/catalog.js';
import { callerOfUser, newUser, type TestUser } from '../../../test/factories/identity.js';
import { newId } from '../../platform/ids.js';
import type { Sort } from './product-listing.repo.js';
import { ratingTotals } from './product-reads.repo.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

interface Summary {
  id: string;
  title: string;
  price_from: { amount: number };
  rating: { average: number; score: number; count: number };
  in_stock: boolean;
}

/** Every page of a listing, following next_cursor; fails on a page that is not 200. */
async function allPages(query: string, limit: number, between?: () => Promise<void>): Promise<Summary[]> {
  const items: Summary[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 1000; pages++) {
    const url: string = `/v1/products?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
    const response = await t.app.inject({ method: 'GET', url });
    expect(response.statusCode, response.body).toBe(200);
    const page = response.json();
    expect(page.data.length).toBeLessThanOrEqual(limit);
    items.push(...page.data);
    cursor = page.next_cursor;
    if (!cursor) return items;
    await between?.();
  }
  throw new Error('too many pages');
}

const ids = (items: { id: string }[]) => items.map((item) => item.id);

/** A product as the oracle knows it. */
interface Known {
  id: string;
  title: string;
  description: string;
  categoryId: string | null;
  priceFromMinor: number;
  active: boolean;
  stock: number;
  sales: number;
  ratings: number[];
  /** RFC 3339 with microseconds: its text order is its time order. */
  createdAt: string;
}

const MARKER = 'zeppelin';
const WORDS = ['walnut', 'linen', 'copper', 'enamel', 'wool'];

const productArbitrary = fc.record({
  prices: fc.array(fc.constantFrom(500, 1200, 2500), { minLength: 1, maxLength: 3 }),
  word: fc.constantFrom(...WORDS),
  marker: fc.constantFrom('none', 'title', 'description', 'both'),
  category: fc.nat({ max: 3 }),
  active: fc.constantFrom(true, true, true, false),
  stock: fc.constantFrom(0, 3),
  sales: fc.constantFrom(0, 0, 2, 7),
  ratings: fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 6 }),
});

type ProductSpec = typeof productArbitrary extends fc.Arbitrary<infer Spec> ? Spec : never;

const queryArbitrary = fc.record({
  sort: fc.constantFrom<Sort | undefined>(
    undefined,
    'newest',
    'price_asc',
    'price_desc',
    'rating',
    'best_selling',
    'relevance',
  ),
  search: fc.boolean(),
  category: fc.option(fc.nat({ max: 3 }), { nil: undefined }),
  minPrice: fc.option(fc.constantFrom(0, 500, 1200, 2000), { nil: undefined }),
  maxPrice: fc.option(fc.constantFrom(500, 1200, 2500), { nil: undefined }),
  minRating: fc.option(fc.constantFrom(0, 1.67, 2.5, 3, 3.67, 4.25), { nil: undefined }),
  limit: fc.integer({ min: 1, max: 7 }),
});

/**
 * A catalog of its own shop per run: a category tree (0 ← 1 ← 2, and 3 apart) and products with
 * random prices (many ties), statuses, stock, sales and ratings.
 */
async function buildCatalog(specs: ProductSpec[]) {
  const seller = await newUser(t.db, { shop: true });
  const caller = callerOfUser(seller);
  const categories: string[] = [];
  for (const [index, parent] of [null, 0, 1, null].entries()) {
    const category = await t.services.catalog.createCategory({
      name: `C${index}`,
      slug: `c-${newId('cat').slice(4).toLowerCase()}`,
      parentId: parent === null ? null : categories[parent]!,
    });
    categories.push(category.id);
  }
  const known: Known[] = [];
  for (const [order, spec] of specs.entries()) {
    const title =
      `${spec.word} thing ${spec.marker === 'title' || spec.marker === 'both' ? MARKER : ''}`.trim();
    const description = `made of ${spec.word} ${spec.marker === 'description' || spec.marker === 'both' ? MARKER : ''}`;
    const product = await t.services.catalog.createProduct(caller, {
      title,
      description,
      categoryId: categories[spec.category]!,
      variants: spec.prices.map((amount, i) => ({
        sku: `S-${order}-${i}-${newId('var')}`,
        title: `V${i}`,
        price: { amount, currency: 'USD' },
        stock: spec.stock,
      })),
    });
    if (!spec.active) await t.services.catalog.updateProduct(caller, product.id, { status: 'archived' });
    await t.db.transaction(async (tx) => {
      await t.services.catalog.recordSales(tx, [{ productId: product.id, quantity: spec.sales }]);
      await t.services.catalog.recordRatings(
        tx,
        spec.ratings.map((rating) => ({ productId: product.id, rating, delta: 1 as const })),
      );
    });
    known.push({
      id: product.id,
      title,
      description,
      categoryId: categories[spec.category]!,
      priceFromMinor: Math.min(...spec.prices),
      active: spec.active,
      stock: spec.stock,
      sales: spec.sales,
      ratings: spec.ratings,
      createdAt: product.created_at,
    });
  }
  return { seller, categories, known };
}

/** Hundredths of the mean, half up, by exact integer comparison. */
const averageHundredths = (ratings: number[]) => {
  if (ratings.length === 0) return 0;
  const sum = ratings.reduce((a, b) => a + b, 0);
  let h = 0;
  while (2 * (h + 1) * ratings.length <= 200 * sum + ratings.length) h++;
  return h;
};

describe('filters and sorts', () => {
  it('list exactly the products a brute-force oracle selects, in its order, across pages', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(productArbitrary, { minLength: 1, maxLength: 12 }),
        fc.array(queryArbitrary, { minLength: 3, maxLength: 3 }),
        async (specs, queries) => {
          const { seller, categories, known } = await buildCatalog(specs);
          const totals = await ratingTotals(t.db);
          const prior = { weight: 10, mean: totals.count === 0 ? 0 : totals.sum / totals.count };
          const score = (p: Known) =>
            p.ratings.length === 0
              ? 0
              : (prior.weight * prior.mean + p.ratings.reduce((a, b) => a + b, 0)) /
                (prior.weight + p.ratings.length);
          const descendants = (root: string) => {
            const tree = new Set([root]);
            if (root === categories[0]) tree.add(categories[1]!).add(categories[2]!);
            if (root === categories[1]) tree.add(categories[2]!);
            return tree;
          };

          for (const query of queries) {
            const params = new URLSearchParams({ shop: seller.shopId! });
            if (query.sort) params.set('sort', query.sort);
            if (query.search) params.set('q', MARKER);
            if (query.category !== undefined) params.set('category', categories[query.category]!);
            if (query.minPrice !== undefined) params.set('min_price', String(query.minPrice));
            if (query.maxPrice !== undefined) params.set('max_price', String(query.maxPrice));
            if (query.minRating !== undefined) params.set('min_rating', String(query.minRating));
            const listed = await allPages(params.toString(), query.limit);

            const inCategory =
              query.category === undefined ? undefined : descendants(categories[query.category]!);
            const expected = known.filter(
              (p) =>
                p.active &&
                (!inCategory || inCategory.has(p.categoryId!)) &&
                (query.minPrice === undefined || p.priceFromMinor >= query.minPrice) &&
                (query.maxPrice === undefined || p.priceFromMinor <= query.maxPrice) &&
                (query.minRating === undefined || averageHundredths(p.ratings) >= query.minRating * 100) &&
                (!query.search || `${p.title} ${p.description}`.includes(MARKER)),
            );
            const sort = query.sort ?? (query.search ? 'relevance' : 'newest');
            const byId = (a: Known, b: Known) => (a.id < b.id ? -1 : 1);
            const desc = (key: (p: Known) => number) => (a: Known, b: Known) => key(b) - key(a) || byId(b, a);
            const orders: Record<Exclude<Sort, 'relevance'>, (a: Known, b: Known) => number> = {
              newest: (a, b) =>
                a.createdAt === b.createdAt ? byId(b, a) : a.createdAt < b.createdAt ? 1 : -1,
              price_asc: (a, b) => a.priceFromMinor - b.priceFromMinor || byId(a, b),
              price_desc: desc((p) => p.priceFromMinor),
              rating: desc(score),
              best_selling: desc((p) => p.sales),
            };
            const label = `${params} limit=${query.limit}`;
            // Every product exactly once, whatever the ties.
            expect(new Set(ids(listed)).size, label).toBe(listed.length);
            if (sort === 'relevance' && query.search) {
              expect(ids(listed).sort(), label).toEqual(ids(expected).sort());
              // A title match ranks above a match in the description only.
              const inTitle = listed.map((item) => item.title.includes(MARKER));
              expect(inTitle, label).toEqual([...inTitle].sort((a, b) => Number(b) - Number(a)));
            } else {
              const order = orders[sort === 'relevance' ? 'newest' : sort];
              expect(ids(listed), label).toEqual(ids([...expected].sort(order)));
            }
            for (const item of listed) {
              const product = known.find((p) => p.id === item.id)!;
              expect(item.price_from.amount).toBe(product.priceFromMinor);
              expect(item.in_stock).toBe(product.stock > 0);
              expect(item.rating.count).toBe(product.ratings.length);
              expect(item.rating.average).toBe(averageHundredths(product.ratings) / 100);
              // Shown in hundredths: at most half a hundredth from the exact score.
              expect(Math.abs(item.rating.score - score(product))).toBeLessThanOrEqual(0.005 + 1e-9);
            }
          }
        },
      ),
      { numRuns: 8 },
    );
  }, 120_000);
});

describe('min_rating', () => {
  it('filters on the average as shown, rounded half up to 2 decimals', async () => {
    const seller = await newUser(t.db, { shop: true });
    const rated = await newProduct(t.services, seller);
    await t.db.transaction((tx) =>
      t.services.catalog.recordRatings(
        tx,
        [4, 4, 3].map((rating) => ({ productId: rated.id, rating, delta: 1 as const })),
      ),
    );
    const listed = (min: number) => allPages(`shop=${seller.shopId}&min_rating=${min}`, 10);
    expect((await listed(3.67)).map((p) => p.rating)).toEqual([
      { average: 3.67, score: expect.any(Number), count: 3 },
    ]);
    expect(await listed(3.68)).toEqual([]);
  });
});

describe('keyset pagination', () => {
  it('returns every product once across pages with many ties, while others are inserted', async () => {
    const seller = await newUser(t.db, { shop: true });
    const before: string[] = [];
    for (let i = 0; i < 15; i++)
      before.push((await newProduct(t.services, seller, { priceMinor: 700 + (i % 2) })).id);
    for (const sort of ['price_asc', 'price_desc', 'newest', 'best_selling', 'rating'] as const) {
      const inserted: string[] = [];
      const listed = ids(
        await allPages(`shop=${seller.shopId}&sort=${sort}`, 4, async () => {
          for (const priceMinor of [699, 700, 701, 702]) {
            inserted.push((await newProduct(t.services, seller, { priceMinor })).id);
          }
        }),
      );
      expect(new Set(listed).size, sort).toBe(listed.length);
      expect(listed.filter((id) => before.includes(id)).sort(), sort).toEqual([...before].sort());
      expect(
        listed.filter((id) => !before.includes(id) && !inserted.includes(id)),
        sort,
      ).toEqual([]);
      before.push(...inserted);
    }
  }, 60_000);
});

describe('search', () => {
  let seller: TestUser;
  let lantern: string;
  let described: string;

  beforeAll(async () => {
    seller = await newUser(t.db, { shop: true });
    lantern = (
      await newProduct(t.services, seller, { title: 'Storm lantern', description: 'Galvanised steel.' })
    ).id;
    described = (
      await newProduct(t.services, seller, {
        title: 'Camping hook',
        description: 'Hangs a lantern from any branch.',
      })
    ).id;
    await newProduct(t.services, seller, { title: 'Enamel kettle', description: 'Whistles when it boils.' });
    const archived = await newProduct(t.services, seller, { title: 'Broken lantern', description: '' });
    await t.services.catalog.updateProduct(callerOfUser(seller), archived.id, { status: 'archived' });
  });

  const search = async (q: string, extra = '') =>
    ids(
      (
        await t.app.inject({
          method: 'GET',
          url: `/v1/products?shop=${seller.shopId}&q=${encodeURIComponent(q)}${extra}`,
        })
      ).json().data,
    );

  it('finds by exact word, ranking a title match above a description match, never archived', async () => {
    expect(await search('lantern')).toEqual([lantern, described]);
    expect(await search('LANTERNS')).toEqual([lantern, described]);
  });

  it('finds by prefix of the last word', async () => {
    expect(await search('lant')).toEqual([lantern, described]);
    expect(await search('storm lan')).toEqual([lantern]);
  });

  it('finds with one typo', async () => {
    expect(await search('latern')).toEqual([lantern, described]);
    expect(await search('storm lanturn')).toEqual([lantern]);
    expect(await search('kettel')).toHaveLength(1);
  });

  it('keeps websearch operators: phrases and exclusions', async () => {
    expect(await search('lantern -storm')).toEqual([described]);
    expect(await search('"storm lantern"')).toEqual([lantern]);
    expect(await search('"lantern storm"')).toEqual([]);
  });

  it('combines with filters and other sorts', async () => {
    expect(await search('lantern', '&sort=newest')).toEqual([described, lantern]);
    expect(await search('lantern', '&max_price=500')).toEqual([]);
    expect(await search('lantern', '&sort=price_asc&limit=1')).toHaveLength(1);
  });

  it('finds nothing for words far from any product', async () => {
    expect(await search('xylophone')).toEqual([]);
  });
});
