import { type Queryable, sql, sqlArray } from '../../platform/db.js';
import type { ProductStatus } from './product-reads.repo.js';

/**
 * The SQL of product writes: products, variants and images, the shop projection, the search
 * vocabulary, units sold and ratings, and bulk loads.
 */

/** A product row locked for a change, with what authorisation needs. */
export interface ProductLockRow {
  id: string;
  shopId: string;
  status: ProductStatus;
  takenDown: boolean;
  listed: boolean;
  variantCount: number;
}

// ---------------------------------------------------------------------------------------------
// Shops (the catalog's projection of identity's)

/** A shop as identity tells the catalog of it: listed (its products sell), or why not. */
export interface ListedShop {
  id: string;
  name: string;
  listed: boolean;
  unlistedReason: string | null;
}

export async function upsertShop(db: Queryable, shop: ListedShop): Promise<void> {
  await db.execute(sql`
    INSERT INTO catalog_shops (shop_id, name, listed, unlisted_reason)
    VALUES (${shop.id}, ${shop.name}, ${shop.listed}, ${shop.unlistedReason})
    ON CONFLICT (shop_id) DO UPDATE
    SET name = excluded.name, listed = excluded.listed, unlisted_reason = excluded.unlisted_reason,
        version = catalog_shops.version + 1
    WHERE (catalog_shops.name, catalog_shops.listed, catalog_shops.unlisted_reason)
      IS DISTINCT FROM (excluded.name, excluded.listed, excluded.unlisted_reason)`);
}

/** Makes sure the shop is projected, without changing a projection that exists. */
export async function ensureShop(db: Queryable, shop: { id: string; name: string }): Promise<void> {
  await db.execute(sql`
    INSERT INTO catalog_shops (shop_id, name) VALUES (${shop.id}, ${shop.name})
    ON CONFLICT (shop_id) DO NOTHING`);
}

// ---------------------------------------------------------------------------------------------
// Products and variants: writes

export interface NewProduct {
  id: string;
  shopId: string;
  categoryId: string | null;
  taxCategory: string | null;
  title: string;
  description: string;
  currency: string;
  priceFromMinor: number;
  variantCount: number;
}

export interface NewVariant {
  id: string;
  productId: string;
  shopId: string;
  sku: string;
  title: string;
  options: Record<string, string>;
  priceMinor: number;
  weightGrams: number;
  currency: string;
  position: number;
}

export async function insertProduct(db: Queryable, product: NewProduct): Promise<void> {
  await db.execute(sql`
    INSERT INTO products (id, shop_id, category_id, tax_category, title, description, currency, price_from_minor,
                          variant_count)
    VALUES (${product.id}, ${product.shopId}, ${product.categoryId}, ${product.taxCategory}, ${product.title},
            ${product.description}, ${product.currency}, ${product.priceFromMinor}, ${product.variantCount})`);
}

export async function insertVariants(db: Queryable, variants: readonly NewVariant[]): Promise<void> {
  const column = <K extends keyof NewVariant>(key: K) => variants.map((variant) => variant[key]);
  await db.execute(sql`
    INSERT INTO variants (id, product_id, shop_id, sku, title, options, price_minor, weight_grams, currency, position)
    SELECT id, product_id, shop_id, sku, title, options::jsonb, price_minor, weight_grams, currency, position
    FROM unnest(${sqlArray(column('id'))}::text[], ${sqlArray(column('productId'))}::text[], ${sqlArray(column('shopId'))}::text[],
                ${sqlArray(column('sku'))}::text[], ${sqlArray(column('title'))}::text[],
                ${sqlArray(variants.map((v) => JSON.stringify(v.options)))}::text[], ${sqlArray(column('priceMinor'))}::bigint[],
                ${sqlArray(column('weightGrams'))}::int[], ${sqlArray(column('currency'))}::text[],
                ${sqlArray(column('position'))}::int[])
      AS v(id, product_id, shop_id, sku, title, options, price_minor, weight_grams, currency, position)`);
}

export async function replaceImages(
  db: Queryable,
  productId: string,
  urls: readonly string[],
): Promise<void> {
  await db.execute(sql`DELETE FROM product_images WHERE product_id = ${productId}`);
  await insertImages(
    db,
    urls.map((url) => ({ productId, url })),
  );
}

/** Images in the order given; positions count per product from 0. */
export async function insertImages(db: Queryable, images: readonly { productId: string; url: string }[]) {
  if (images.length === 0) return;
  await db.execute(sql`
    INSERT INTO product_images (product_id, position, url)
    SELECT product_id, row_number() OVER (PARTITION BY product_id ORDER BY ord) - 1, url
    FROM unnest(${sqlArray(images.map((i) => i.productId))}::text[], ${sqlArray(images.map((i) => i.url))}::text[])
      WITH ORDINALITY AS i(product_id, url, ord)`);
}

export async function lockProduct(db: Queryable, id: string): Promise<ProductLockRow | undefined> {
  const [row] = await db.query<ProductLockRow>(sql`
    SELECT p.id, p.shop_id AS "shopId", p.status, p.taken_down AS "takenDown", s.listed,
           p.variant_count AS "variantCount"
    FROM products p JOIN catalog_shops s ON s.shop_id = p.shop_id
    WHERE p.id = ${id}
    FOR UPDATE OF p`);
  return row;
}

export async function productIdOfVariant(db: Queryable, variantId: string): Promise<string | undefined> {
  const [row] = await db.query<{ productId: string }>(
    sql`SELECT product_id AS "productId" FROM variants WHERE id = ${variantId}`,
  );
  return row?.productId;
}

/** Applies content changes and bumps the version, so cached content of the product is replaced. */
export async function updateProduct(
  db: Queryable,
  id: string,
  changes: {
    title?: string | undefined;
    description?: string | undefined;
    categoryId?: string | null | undefined;
    taxCategory?: string | null | undefined;
    status?: ProductStatus | undefined;
    takenDown?: boolean | undefined;
    variantCountDelta?: number | undefined;
  },
): Promise<void> {
  await db.execute(sql`
    UPDATE products
    SET title = coalesce(${changes.title ?? null}, title),
        description = coalesce(${changes.description ?? null}, description),
        category_id = CASE WHEN ${changes.categoryId !== undefined} THEN ${changes.categoryId ?? null}
                      ELSE category_id END,
        tax_category = CASE WHEN ${changes.taxCategory !== undefined} THEN ${changes.taxCategory ?? null}
                       ELSE tax_category END,
        status = coalesce(${changes.status ?? null}, status),
        taken_down = coalesce(${changes.takenDown ?? null}, taken_down),
        variant_count = variant_count + ${changes.variantCountDelta ?? 0}::int,
        price_from_minor = (SELECT min(price_minor) FROM variants WHERE product_id = ${id}),
        version = version + 1,
        updated_at = now()
    WHERE id = ${id}`);
}

export async function updateVariant(
  db: Queryable,
  id: string,
  changes: { title?: string | undefined; priceMinor?: number | undefined; weightGrams?: number | undefined },
): Promise<void> {
  await db.execute(sql`
    UPDATE variants
    SET title = coalesce(${changes.title ?? null}, title),
        price_minor = coalesce(${changes.priceMinor ?? null}::bigint, price_minor),
        weight_grams = coalesce(${changes.weightGrams ?? null}::int, weight_grams),
        updated_at = now()
    WHERE id = ${id}`);
}

/** Adds the words of these texts to the vocabulary that typo correction draws on. */
export async function addWords(db: Queryable, texts: readonly string[]): Promise<void> {
  // Sorted, so concurrent inserts of overlapping words take their locks in one order.
  await db.execute(sql`
    INSERT INTO catalog_words (word)
    SELECT DISTINCT word FROM unnest(tsvector_to_array(to_tsvector('simple', ${texts.join(' ')}))) AS word
    ORDER BY word
    ON CONFLICT DO NOTHING`);
}

/** Adds every word of every product to the vocabulary (after bulk loads). */
export async function addWordsOfAllProducts(db: Queryable): Promise<void> {
  await db.execute(sql`
    INSERT INTO catalog_words (word)
    SELECT DISTINCT word
    FROM products, unnest(tsvector_to_array(to_tsvector('simple', title || ' ' || description))) AS word
    ORDER BY word
    ON CONFLICT DO NOTHING`);
}

export async function addSales(db: Queryable, lines: readonly { productId: string; quantity: number }[]) {
  await db.execute(sql`
    UPDATE products p SET sales_count = p.sales_count + line.quantity
    FROM (
      SELECT product_id, sum(quantity) AS quantity
      FROM unnest(${sqlArray(lines.map((l) => l.productId))}::text[], ${sqlArray(lines.map((l) => l.quantity))}::bigint[])
        AS l(product_id, quantity)
      GROUP BY product_id
    ) line
    WHERE p.id = line.product_id`);
}

/**
 * Adds (delta 1) or removes (delta -1) visible ratings of products, and the marketplace totals
 * with them. Answers how many products were touched.
 */
export async function addRatings(
  db: Queryable,
  changes: readonly { productId: string; rating: number; delta: number }[],
): Promise<number> {
  const table = sql`unnest(${sqlArray(changes.map((c) => c.productId))}::text[], ${sqlArray(changes.map((c) => c.rating))}::int[],
    ${sqlArray(changes.map((c) => c.delta))}::int[]) AS c(product_id, rating, delta)`;
  const star = (n: number) => sql.raw(`rating_${n}`);
  const starSums = [1, 2, 3, 4, 5].map((n) => sql`${star(n)} = p.${star(n)} + c.d${sql.raw(String(n))}`);
  const touched = await db.execute(sql`
    UPDATE products p
    SET rating_count = p.rating_count + c.count, rating_sum = p.rating_sum + c.sum,
        ${sql.join(starSums, sql`, `)}, version = p.version + 1, updated_at = now()
    FROM (
      SELECT product_id, sum(delta) AS count, sum(delta * rating) AS sum,
             ${sql.join(
               [1, 2, 3, 4, 5].map(
                 (n) => sql`coalesce(sum(delta) FILTER (WHERE rating = ${n}), 0) AS ${sql.raw(`d${n}`)}`,
               ),
               sql`, `,
             )}
      FROM ${table} GROUP BY product_id
    ) c
    WHERE p.id = c.product_id`);
  await db.execute(sql`
    UPDATE catalog_rating_totals
    SET rating_count = rating_count + (SELECT coalesce(sum(delta), 0) FROM ${table}),
        rating_sum = rating_sum + (SELECT coalesce(sum(delta * rating), 0) FROM ${table})`);
  return touched;
}

// ---------------------------------------------------------------------------------------------
// Bulk imports (bench data)

export interface BulkProducts {
  ids: string[];
  shopIds: string[];
  categoryIds: string[];
  titles: string[];
  descriptions: string[];
  priceFromMinor: number[];
  variantCounts: number[];
  salesCounts: number[];
  /** Visible ratings with 1…5 stars, per product. */
  stars: [number[], number[], number[], number[], number[]];
  createdAt: string[];
}

export async function insertProductsBulk(db: Queryable, products: BulkProducts, currency: string) {
  const [s1, s2, s3, s4, s5] = products.stars;
  await db.execute(sql`
    INSERT INTO products (id, shop_id, category_id, title, description, currency, price_from_minor, variant_count,
                          sales_count, rating_1, rating_2, rating_3, rating_4, rating_5, rating_count, rating_sum,
                          created_at, updated_at)
    SELECT id, shop_id, category_id, title, description, ${currency}, price, variants, sales, r1, r2, r3, r4, r5,
           r1 + r2 + r3 + r4 + r5, r1 + 2 * r2 + 3 * r3 + 4 * r4 + 5 * r5, created, created
    FROM unnest(${sqlArray(products.ids)}::text[], ${sqlArray(products.shopIds)}::text[], ${sqlArray(products.categoryIds)}::text[],
                ${sqlArray(products.titles)}::text[], ${sqlArray(products.descriptions)}::text[], ${sqlArray(products.priceFromMinor)}::bigint[],
                ${sqlArray(products.variantCounts)}::int[], ${sqlArray(products.salesCounts)}::bigint[], ${sqlArray(s1)}::int[], ${sqlArray(s2)}::int[],
                ${sqlArray(s3)}::int[], ${sqlArray(s4)}::int[], ${sqlArray(s5)}::int[], ${sqlArray(products.createdAt)}::timestamptz[])
      AS p(id, shop_id, category_id, title, description, price, variants, sales, r1, r2, r3, r4, r5, created)`);
}

/**
 * After bulk loads, outside any transaction: vacuumed (the GIN indexes merge their pending
 * entries, which every search would otherwise scan) and analysed (the planner learns the new
 * sizes), so autovacuum has nothing left to do under the load that follows.
 */
export async function vacuumAfterBulkLoad(db: Queryable): Promise<void> {
  await db.execute(sql`VACUUM (ANALYZE) categories, catalog_shops, catalog_rating_totals, products, variants,
    product_images, catalog_words`);
}

/** Sets the marketplace rating totals from the products' (after bulk loads). */
export async function recomputeRatingTotals(db: Queryable): Promise<void> {
  await db.execute(sql`
    UPDATE catalog_rating_totals
    SET rating_count = (SELECT coalesce(sum(rating_count), 0) FROM products),
        rating_sum = (SELECT coalesce(sum(rating_sum), 0) FROM products)`);
}
