import type { SQL } from 'drizzle-orm';
import { type Queryable, sql, sqlArray } from '../../platform/db.js';
import {
  inStockSql,
  type ProductStatus,
  type RatingPrior,
  type SummaryRow,
  utcText,
} from './product-reads.repo.js';
import { MIN_CORRECTABLE_LENGTH, trailingPrefix } from './search-text.js';

/** The SQL of listings and search: filters, sorts, keyset pages, and typo suggestions. */

export const SORTS = ['relevance', 'newest', 'price_asc', 'price_desc', 'rating', 'best_selling'] as const;
export type Sort = (typeof SORTS)[number];

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
