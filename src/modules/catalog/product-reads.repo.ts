import type { SQL } from 'drizzle-orm';
import { type Queryable, sql, sqlArray } from '../../platform/db.js';
import type { PurchasableVariant } from '../cart/index.js';
import { inventory } from '../inventory/index.js';

/**
 * The SQL of product reads: a detail's content and live head, summaries, buyer states and stock,
 * what other modules read of products, and the SQL fragments listings share with them.
 */

export type ProductStatus = 'active' | 'archived';

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
  /** Absent in content cached before variants had a weight. */
  weightGrams?: number;
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
  taxCategory: string | null;
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

/**
 * SQL, true when a variant of the product has stock buyers can get. A LIMIT subquery rather than
 * EXISTS: over a large estimate PostgreSQL would hash EXISTS over every variant in the catalog.
 */
export const inStockSql = (product: SQL) =>
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
           p.tax_category AS "taxCategory",
           CASE WHEN c.id IS NULL THEN NULL
                ELSE json_build_object('id', c.id, 'name', c.name, 'slug', c.slug, 'parentId', c.parent_id) END
             AS category,
           (SELECT coalesce(json_agg(i.url ORDER BY i.position), '[]'::json)
            FROM product_images i WHERE i.product_id = p.id) AS images,
           (SELECT coalesce(json_agg(json_build_object('id', v.id, 'sku', v.sku, 'title', v.title,
                     'options', v.options, 'priceMinor', v.price_minor, 'weightGrams', v.weight_grams, 'currency', v.currency)
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

export async function findProductShops(
  db: Queryable,
  ids: readonly string[],
): Promise<{ id: string; shopId: string }[]> {
  return db.query<{ id: string; shopId: string }>(
    sql`SELECT id, shop_id AS "shopId" FROM products WHERE id = ANY(${sqlArray(ids)}::text[])`,
  );
}

export async function latestProductChange(db: Queryable): Promise<Date | null> {
  const [row] = await db.query<{ latest: Date | null }>(sql`SELECT max(updated_at) AS latest FROM products`);
  return row?.latest ?? null;
}

/** RFC 3339 in UTC with microseconds: exact, so it also serves as a keyset position. */
export const utcText = (column: SQL) =>
  sql`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

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
  return db.query<PurchasableVariant>(variantsForSaleStatement(variantIds));
}

/** What findVariantsForSale runs (see readAtOnce). */
export function variantsForSaleStatement(variantIds: readonly string[]): SQL {
  return sql`
    SELECT v.id AS "variantId", v.product_id AS "productId", p.category_id AS "categoryId", v.shop_id AS "shopId", s.name AS "shopName",
           p.title AS "productTitle", v.title AS "variantTitle", v.sku, v.price_minor AS "priceMinor",
           v.weight_grams AS "weightGrams", p.tax_category AS "taxCategory", v.currency,
           (p.status = 'active' AND s.listed) AS purchasable,
           CASE WHEN p.status <> 'active' THEN 'product_unavailable' ELSE s.unlisted_reason END
             AS "unavailableReason"
    FROM variants v
    JOIN products p ON p.id = v.product_id
    JOIN catalog_shops s ON s.shop_id = v.shop_id
    WHERE v.id = ANY(${sqlArray([...variantIds])}::text[])`;
}

/** The shops of these variants, as a subquery for another module's statement. */
export const shopsOfVariantsSql = (variantIds: readonly string[]): SQL =>
  sql`SELECT shop_id FROM variants WHERE id = ANY(${sqlArray([...variantIds])}::text[])`;

export async function ratingTotals(db: Queryable): Promise<{ count: number; sum: number }> {
  const [row] = await db.query<{ count: number; sum: number }>(
    sql`SELECT rating_count AS count, rating_sum AS sum FROM catalog_rating_totals`,
  );
  return row!;
}
