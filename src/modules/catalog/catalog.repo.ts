import type { SQL } from 'drizzle-orm';
import { type Queryable, sql, sqlArray } from '../../platform/db.js';
import type { PurchasableVariant } from '../cart/index.js';
import { inventory } from '../inventory/index.js';
import { MIN_CORRECTABLE_LENGTH, trailingPrefix } from './search-text.js';

export type ProductStatus = 'active' | 'archived';
export const SORTS = ['relevance', 'newest', 'price_asc', 'price_desc', 'rating', 'best_selling'] as const;
export type Sort = (typeof SORTS)[number];

export interface CategoryRow {
  id: string;
  name: string;
  slug: string;
  parentId: string | null;
}

export interface VariantContent {
  id: string;
  sku: string;
  title: string;
  options: Record<string, string>;
  priceMinor: number;
  currency: string;
}

/** Everything of a product but its stock: what may be cached, keyed by the versions it carries. */
export interface ProductContentRow {
  id: string;
  version: number;
  shopVersion: number;
  categoryVersion: number;
  shopId: string;
  shopName: string;
  title: string;
  description: string;
  status: ProductStatus;
  category: CategoryRow | null;
  images: string[];
  variants: VariantContent[];
  ratingCount: number;
  ratingSum: number;
  /** Visible ratings with 1, 2, …, 5 stars. */
  histogram: [number, number, number, number, number];
  createdAt: string;
  updatedAt: string;
}

/** What a product detail must read on every request: versions of its content, and its live stock. */
export interface ProductHeadRow {
  id: string;
  version: number;
  shopVersion: number;
  categoryVersion: number;
  status: ProductStatus;
  shopId: string;
  listed: boolean;
  /** [variant id, [on hand, reserved] or null without a stock row] of each variant. */
  stock: [string, [number, number] | null][];
  totalRatingCount: number;
  totalRatingSum: number;
}

/** A product row locked for a change, with what authorisation needs. */
export interface ProductLockRow {
  id: string;
  shopId: string;
  status: ProductStatus;
  takenDown: boolean;
  listed: boolean;
  variantCount: number;
}

export interface SummaryRow {
  id: string;
  title: string;
  status: ProductStatus;
  image: string | null;
  priceFromMinor: number;
  currency: string;
  ratingCount: number;
  ratingSum: number;
  shopId: string;
  shopName: string;
  inStock: boolean;
  /** The row's position in its sort, for the next page's cursor. */
  sortKey: string | number;
}

export interface RatingPrior {
  weight: number;
  mean: number;
}

export interface SearchTerms {
  text: string;
  /** The text with misspelt words replaced, matched as well as the text. */
  corrected: string | undefined;
}

export interface ListingQuery {
  /** Only active products of listed shops (what buyers see). */
  publicOnly: boolean;
  shopId?: string | undefined;
  /** Only these products. */
  ids?: readonly string[] | undefined;
  status?: ProductStatus | undefined;
  categoryId?: string | undefined;
  minPriceMinor?: number | undefined;
  maxPriceMinor?: number | undefined;
  /** Least `rating.average`, in hundredths. */
  minRatingCents?: number | undefined;
  search?: SearchTerms | undefined;
  sort: Sort;
  prior: RatingPrior;
  after?: { key: string | number; id: string } | undefined;
  limit: number;
}

// ---------------------------------------------------------------------------------------------
// Categories

const CATEGORY_COLUMNS = sql`id, name, slug, parent_id AS "parentId"`;

export async function listCategories(db: Queryable): Promise<CategoryRow[]> {
  return db.query<CategoryRow>(sql`SELECT ${CATEGORY_COLUMNS} FROM categories ORDER BY name, id`);
}

export async function findCategory(db: Queryable, id: string): Promise<CategoryRow | undefined> {
  const [row] = await db.query<CategoryRow>(sql`SELECT ${CATEGORY_COLUMNS} FROM categories WHERE id = ${id}`);
  return row;
}

export async function insertCategory(db: Queryable, category: CategoryRow): Promise<CategoryRow> {
  const [row] = await db.query<CategoryRow>(sql`
    INSERT INTO categories (id, name, slug, parent_id)
    VALUES (${category.id}, ${category.name}, ${category.slug}, ${category.parentId})
    RETURNING ${CATEGORY_COLUMNS}`);
  return row!;
}

export async function updateCategory(
  db: Queryable,
  id: string,
  changes: { name?: string | undefined; slug?: string | undefined; parentId?: string | null | undefined },
): Promise<CategoryRow | undefined> {
  const [row] = await db.query<CategoryRow>(sql`
    UPDATE categories
    SET name = coalesce(${changes.name ?? null}, name),
        slug = coalesce(${changes.slug ?? null}, slug),
        parent_id = CASE WHEN ${changes.parentId !== undefined} THEN ${changes.parentId ?? null} ELSE parent_id END,
        version = version + 1,
        updated_at = now()
    WHERE id = ${id}
    RETURNING ${CATEGORY_COLUMNS}`);
  return row;
}

/** Serialises changes to the category tree, so two moves can never make a cycle together. */
export async function lockCategoryTree(db: Queryable): Promise<void> {
  await db.execute(sql`SELECT pg_advisory_xact_lock(7245003)`);
}

/** The category and its ancestors, nearest first. */
export async function ancestorIds(db: Queryable, id: string): Promise<string[]> {
  const rows = await db.query<{ id: string }>(sql`
    WITH RECURSIVE up AS (
      SELECT id, parent_id, 0 AS depth FROM categories WHERE id = ${id}
      UNION ALL
      SELECT c.id, c.parent_id, up.depth + 1 FROM categories c JOIN up ON c.id = up.parent_id
    )
    SELECT id FROM up ORDER BY depth`);
  return rows.map((row) => row.id);
}

// ---------------------------------------------------------------------------------------------
// Shops (the catalog's projection of identity's)

export async function upsertShop(
  db: Queryable,
  shop: { id: string; name: string; listed: boolean },
): Promise<void> {
  await db.execute(sql`
    INSERT INTO catalog_shops (shop_id, name, listed) VALUES (${shop.id}, ${shop.name}, ${shop.listed})
    ON CONFLICT (shop_id) DO UPDATE
    SET name = excluded.name, listed = excluded.listed, version = catalog_shops.version + 1
    WHERE (catalog_shops.name, catalog_shops.listed) IS DISTINCT FROM (excluded.name, excluded.listed)`);
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
  currency: string;
  position: number;
}

export async function insertProduct(db: Queryable, product: NewProduct): Promise<void> {
  await db.execute(sql`
    INSERT INTO products (id, shop_id, category_id, title, description, currency, price_from_minor, variant_count)
    VALUES (${product.id}, ${product.shopId}, ${product.categoryId}, ${product.title}, ${product.description},
            ${product.currency}, ${product.priceFromMinor}, ${product.variantCount})`);
}

export async function insertVariants(db: Queryable, variants: readonly NewVariant[]): Promise<void> {
  const column = <K extends keyof NewVariant>(key: K) => variants.map((variant) => variant[key]);
  await db.execute(sql`
    INSERT INTO variants (id, product_id, shop_id, sku, title, options, price_minor, currency, position)
    SELECT id, product_id, shop_id, sku, title, options::jsonb, price_minor, currency, position
    FROM unnest(${sqlArray(column('id'))}::text[], ${sqlArray(column('productId'))}::text[], ${sqlArray(column('shopId'))}::text[],
                ${sqlArray(column('sku'))}::text[], ${sqlArray(column('title'))}::text[],
                ${sqlArray(variants.map((v) => JSON.stringify(v.options)))}::text[], ${sqlArray(column('priceMinor'))}::bigint[],
                ${sqlArray(column('currency'))}::text[], ${sqlArray(column('position'))}::int[])
      AS v(id, product_id, shop_id, sku, title, options, price_minor, currency, position)`);
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
  changes: { title?: string | undefined; priceMinor?: number | undefined },
): Promise<void> {
  await db.execute(sql`
    UPDATE variants
    SET title = coalesce(${changes.title ?? null}, title),
        price_minor = coalesce(${changes.priceMinor ?? null}::bigint, price_minor),
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

export async function ratingTotals(db: Queryable): Promise<{ count: number; sum: number }> {
  const [row] = await db.query<{ count: number; sum: number }>(
    sql`SELECT rating_count AS count, rating_sum AS sum FROM catalog_rating_totals`,
  );
  return row!;
}

// ---------------------------------------------------------------------------------------------
// Products: reads

/**
 * SQL, true when a variant of the product has stock buyers can get. A LIMIT subquery rather than
 * EXISTS: over a large estimate PostgreSQL would hash EXISTS over every variant in the catalog.
 */
const inStockSql = (product: SQL) =>
  sql`coalesce((SELECT true FROM variants v
    WHERE v.product_id = ${product} AND ${inventory.availableSql(sql`v.id`)} > 0 LIMIT 1), false)`;

/**
 * Prepared: read on every product request, and PostgreSQL plans it for longer than it runs it.
 * The totals are scalar subqueries, not a join: a join multiplies the estimate of a table never
 * analysed yet, and an estimate past jit_above_cost makes every run pay for compiling it.
 */
export async function findProductHeads(db: Queryable, ids: readonly string[]): Promise<ProductHeadRow[]> {
  return db.query<ProductHeadRow>(
    sql`
    SELECT p.id, p.version, s.version AS "shopVersion", coalesce(c.version, 0) AS "categoryVersion", p.status,
           p.shop_id AS "shopId", s.listed,
           (SELECT coalesce(json_agg(json_build_array(v.id, ${inventory.levelJsonSql(sql`v.id`)})), '[]'::json)
            FROM variants v WHERE v.product_id = p.id) AS stock,
           (SELECT rating_count FROM catalog_rating_totals) AS "totalRatingCount",
           (SELECT rating_sum FROM catalog_rating_totals) AS "totalRatingSum"
    FROM products p
    JOIN catalog_shops s ON s.shop_id = p.shop_id
    LEFT JOIN categories c ON c.id = p.category_id
    WHERE p.id = ANY(${sqlArray(ids)}::text[])`,
    { prepareAs: 'catalog_find_product_heads' },
  );
}

export async function findProductContent(db: Queryable, id: string): Promise<ProductContentRow | undefined> {
  const [row] = await db.query<ProductContentRow & { histogram: number[] }>(sql`
    SELECT p.id, p.version, s.version AS "shopVersion", coalesce(c.version, 0) AS "categoryVersion",
           p.shop_id AS "shopId", s.name AS "shopName", p.title, p.description, p.status,
           CASE WHEN c.id IS NULL THEN NULL
                ELSE json_build_object('id', c.id, 'name', c.name, 'slug', c.slug, 'parentId', c.parent_id) END
             AS category,
           (SELECT coalesce(json_agg(i.url ORDER BY i.position), '[]'::json)
            FROM product_images i WHERE i.product_id = p.id) AS images,
           (SELECT coalesce(json_agg(json_build_object('id', v.id, 'sku', v.sku, 'title', v.title,
                     'options', v.options, 'priceMinor', v.price_minor, 'currency', v.currency)
                     ORDER BY v.position), '[]'::json)
            FROM variants v WHERE v.product_id = p.id) AS variants,
           p.rating_count AS "ratingCount", p.rating_sum AS "ratingSum",
           json_build_array(p.rating_1, p.rating_2, p.rating_3, p.rating_4, p.rating_5) AS histogram,
           ${utcText(sql`p.created_at`)} AS "createdAt", ${utcText(sql`p.updated_at`)} AS "updatedAt"
    FROM products p
    JOIN catalog_shops s ON s.shop_id = p.shop_id
    LEFT JOIN categories c ON c.id = p.category_id
    WHERE p.id = ${id}`);
  return row as ProductContentRow | undefined;
}

export interface ProductTextRow {
  id: string;
  title: string;
  categoryId: string | null;
  updatedAt: Date;
}

/** Title and category of every active product: the corpus of content similarity. */
export async function activeProductTexts(db: Queryable): Promise<ProductTextRow[]> {
  return db.query<ProductTextRow>(sql`
    SELECT id, title, category_id AS "categoryId", updated_at AS "updatedAt"
    FROM products WHERE status = 'active'`);
}

/** Titles of these products, whatever their status. */
export async function findProductTitles(
  db: Queryable,
  ids: readonly string[],
): Promise<{ id: string; title: string }[]> {
  return db.query<{ id: string; title: string }>(
    sql`SELECT id, title FROM products WHERE id = ANY(${sqlArray(ids)}::text[])`,
  );
}

export async function latestProductChange(db: Queryable): Promise<Date | null> {
  const [row] = await db.query<{ latest: Date | null }>(sql`SELECT max(updated_at) AS latest FROM products`);
  return row?.latest ?? null;
}

/** RFC 3339 in UTC with microseconds: exact, so it also serves as a keyset position. */
const utcText = (column: SQL) => sql`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Of these products, those with a variant in stock. Prepared: read on every listing request. */
export async function productsInStock(db: Queryable, productIds: readonly string[]): Promise<Set<string>> {
  if (productIds.length === 0) return new Set();
  const rows = await db.query<{ id: string }>(
    sql`SELECT p.id FROM unnest(${sqlArray([...productIds])}::text[]) AS p(id) WHERE ${inStockSql(sql`p.id`)}`,
    { prepareAs: 'catalog_products_in_stock' },
  );
  return new Set(rows.map((row) => row.id));
}

/** A product as its summary shows it, with the catalog's rating totals its score needs. */
export interface SummaryContentRow extends Omit<SummaryRow, 'sortKey' | 'inStock'> {
  totalRatingCount: number;
  totalRatingSum: number;
}

export async function findSummaryContents(
  db: Queryable,
  productIds: readonly string[],
): Promise<SummaryContentRow[]> {
  return db.query<SummaryContentRow>(
    sql`
    SELECT p.id, p.title, p.status, p.price_from_minor AS "priceFromMinor", p.currency,
           p.rating_count AS "ratingCount", p.rating_sum AS "ratingSum",
           p.shop_id AS "shopId", s.name AS "shopName",
           (SELECT i.url FROM product_images i WHERE i.product_id = p.id ORDER BY i.position LIMIT 1) AS image,
           (SELECT rating_count FROM catalog_rating_totals) AS "totalRatingCount",
           (SELECT rating_sum FROM catalog_rating_totals) AS "totalRatingSum"
    FROM products p
    JOIN catalog_shops s ON s.shop_id = p.shop_id
    WHERE p.id = ANY(${sqlArray([...productIds])}::text[])`,
    { prepareAs: 'catalog_find_summary_contents' },
  );
}

export interface BuyerStateRow {
  id: string;
  /** Active, of a listed shop. */
  visible: boolean;
  inStock: boolean;
}

/** Whether buyers may see each product, and whether it is in stock. Prepared: read for every list item. */
export async function findBuyerStates(
  db: Queryable,
  productIds: readonly string[],
): Promise<BuyerStateRow[]> {
  return db.query<BuyerStateRow>(
    sql`
    SELECT p.id, (p.status = 'active' AND s.listed) AS visible, ${inStockSql(sql`p.id`)} AS "inStock"
    FROM products p
    JOIN catalog_shops s ON s.shop_id = p.shop_id
    WHERE p.id = ANY(${sqlArray([...productIds])}::text[])`,
    { prepareAs: 'catalog_find_buyer_states' },
  );
}

export async function findVariantsForSale(
  db: Queryable,
  variantIds: readonly string[],
): Promise<PurchasableVariant[]> {
  if (variantIds.length === 0) return [];
  return db.query<PurchasableVariant>(sql`
    SELECT v.id AS "variantId", v.product_id AS "productId", v.shop_id AS "shopId", s.name AS "shopName",
           p.title AS "productTitle", v.title AS "variantTitle", v.sku, v.price_minor AS "priceMinor",
           v.currency, (p.status = 'active' AND s.listed) AS purchasable
    FROM variants v
    JOIN products p ON p.id = v.product_id
    JOIN catalog_shops s ON s.shop_id = v.shop_id
    WHERE v.id = ANY(${sqlArray([...variantIds])}::text[])`);
}

// ---------------------------------------------------------------------------------------------
// Listing and search

/** websearch_to_tsquery of the text, or'ed with the text's last bare word as a prefix. */
function tsqueryOf(text: string): SQL {
  const exact = sql`websearch_to_tsquery('english', ${text})`;
  const trailing = trailingPrefix(text);
  if (!trailing) return exact;
  return sql`(${exact} || (websearch_to_tsquery('english', ${trailing.head}) && to_tsquery('english', ${`${trailing.prefix}:*`})))`;
}

const searchQueryOf = (search: SearchTerms) =>
  search.corrected === undefined
    ? tsqueryOf(search.text)
    : sql`(${tsqueryOf(search.text)} || ${tsqueryOf(search.corrected)})`;

/** Hundredths of the plain mean rating, rounded half up; 0 without ratings. */
const averageCents = sql`CASE WHEN p.rating_count = 0 THEN 0
  ELSE (200 * p.rating_sum + p.rating_count) / (2 * p.rating_count) END`;

/** The Bayesian score (C·m + sum) / (C + count); 0 without ratings. */
const scoreOf = (prior: RatingPrior) => sql`CASE WHEN p.rating_count = 0 THEN 0::float8
  ELSE (${prior.weight}::float8 * ${prior.mean}::float8 + p.rating_sum) / (${prior.weight}::float8 + p.rating_count) END`;

interface SortPlan {
  key: SQL;
  /** How the key is handed out (and read back from) a cursor. */
  keyOut: SQL;
  keyIn: (value: string | number) => SQL;
  descending: boolean;
}

function sortPlan(query: ListingQuery): SortPlan {
  const number = (type: string) => (value: string | number) => sql`${value}::${sql.raw(type)}`;
  switch (query.sort) {
    case 'newest':
      return {
        key: sql`p.created_at`,
        keyOut: utcText(sql`p.created_at`),
        keyIn: (value) => sql`${value}::timestamptz`,
        descending: true,
      };
    case 'price_asc':
    case 'price_desc':
      return {
        key: sql`p.price_from_minor`,
        keyOut: sql`p.price_from_minor`,
        keyIn: number('bigint'),
        descending: query.sort === 'price_desc',
      };
    case 'best_selling':
      return {
        key: sql`p.sales_count`,
        keyOut: sql`p.sales_count`,
        keyIn: number('bigint'),
        descending: true,
      };
    case 'rating': {
      const score = scoreOf(query.prior);
      return { key: score, keyOut: score, keyIn: number('float8'), descending: true };
    }
    case 'relevance': {
      if (!query.search) throw new Error('relevance needs a search');
      const rank = sql`ts_rank(p.search_vector, ${searchQueryOf(query.search)})`;
      return { key: rank, keyOut: rank, keyIn: number('real'), descending: true };
    }
  }
}

function listingConditions(query: ListingQuery): SQL[] {
  const conditions: SQL[] = [];
  if (query.publicOnly) conditions.push(sql`p.status = 'active'`, sql`s.listed`);
  if (query.status) conditions.push(sql`p.status = ${query.status}`);
  if (query.shopId) conditions.push(sql`p.shop_id = ${query.shopId}`);
  if (query.ids) conditions.push(sql`p.id = ANY(${sqlArray(query.ids)}::text[])`);
  if (query.categoryId) {
    conditions.push(sql`p.category_id IN (
      WITH RECURSIVE tree AS (
        SELECT id FROM categories WHERE id = ${query.categoryId}
        UNION ALL
        SELECT c.id FROM categories c JOIN tree ON c.parent_id = tree.id
      )
      SELECT id FROM tree)`);
  }
  if (query.minPriceMinor !== undefined) conditions.push(sql`p.price_from_minor >= ${query.minPriceMinor}`);
  if (query.maxPriceMinor !== undefined) conditions.push(sql`p.price_from_minor <= ${query.maxPriceMinor}`);
  if (query.minRatingCents !== undefined) conditions.push(sql`${averageCents} >= ${query.minRatingCents}`);
  if (query.search) conditions.push(sql`p.search_vector @@ ${searchQueryOf(query.search)}`);
  return conditions;
}

/** One page in keyset order: `limit` rows after the position `after`, ties broken by id. */
export async function listProducts(db: Queryable, query: ListingQuery): Promise<SummaryRow[]> {
  const plan = sortPlan(query);
  const conditions = listingConditions(query);
  if (query.after) {
    const position = sql`(${plan.key}, p.id) ${sql.raw(plan.descending ? '<' : '>')} (${plan.keyIn(query.after.key)}, ${query.after.id})`;
    conditions.push(position);
  }
  const direction = sql.raw(plan.descending ? 'DESC' : 'ASC');
  return db.query<SummaryRow>(sql`
    SELECT p.id, p.title, p.status, p.price_from_minor AS "priceFromMinor", p.currency,
           p.rating_count AS "ratingCount", p.rating_sum AS "ratingSum",
           p.shop_id AS "shopId", s.name AS "shopName",
           (SELECT i.url FROM product_images i WHERE i.product_id = p.id ORDER BY i.position LIMIT 1) AS image,
           ${inStockSql(sql`p.id`)} AS "inStock",
           ${plan.keyOut} AS "sortKey"
    FROM products p
    JOIN catalog_shops s ON s.shop_id = p.shop_id
    WHERE ${conditions.length > 0 ? sql.join(conditions, sql` AND `) : sql`true`}
    ORDER BY ${plan.key} ${direction}, p.id ${direction}
    LIMIT ${query.limit}`);
}

/**
 * For each query word full-text search does not know (no vocabulary word starts with it), the
 * most similar known word by trigram similarity, when one is similar enough.
 */
export async function suggestWords(db: Queryable, words: readonly string[]): Promise<Map<string, string>> {
  const candidates = words.filter((word) => word.length >= MIN_CORRECTABLE_LENGTH);
  if (candidates.length === 0) return new Map();
  const rows = await db.query<{ word: string; suggestion: string }>(sql`
    SELECT q.word, s.word AS suggestion
    FROM unnest(${sqlArray(candidates)}::text[]) AS q(word)
    CROSS JOIN LATERAL (
      SELECT w.word FROM catalog_words w
      WHERE w.word % q.word
      ORDER BY similarity(w.word, q.word) DESC, w.word
      LIMIT 1
    ) s
    WHERE NOT EXISTS (
      SELECT 1 FROM catalog_words k WHERE k.word >= q.word AND k.word < q.word || chr(1114111)
    )`);
  return new Map(rows.map((row) => [row.word, row.suggestion]));
}

// ---------------------------------------------------------------------------------------------
// Bulk loads (bench data)

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
