import type { SQL } from 'drizzle-orm';
import { type Queryable, sql, sqlArray } from '../../platform/db.js';
import { keysetTime } from '../../platform/pagination.js';

export const REVIEW_SORTS = ['newest', 'rating_desc', 'rating_asc'] as const;
export type ReviewSort = (typeof REVIEW_SORTS)[number];

export interface ReviewRow {
  id: string;
  orderItemId: string;
  productId: string;
  shopId: string;
  authorId: string;
  rating: number;
  title: string | null;
  body: string;
  hidden: boolean;
  createdAt: Date;
  updatedAt: Date;
  /** created_at to the microsecond, the keyset position. */
  createdKey: string;
  replyBody: string | null;
  replyCreatedAt: Date | null;
}

export interface NewReview {
  id: string;
  orderItemId: string;
  productId: string;
  shopId: string;
  authorId: string;
  rating: number;
  title: string | null;
  body: string;
}

/** A position in a list of a product's reviews: (rating, created_at, id). */
export interface ReviewPosition {
  rating: number;
  createdAt: string;
  id: string;
}

const REVIEW_COLUMNS = sql`r.id, r.order_item_id AS "orderItemId", r.product_id AS "productId", r.shop_id AS "shopId",
  r.author_id AS "authorId", r.rating, r.title, r.body, r.hidden, r.created_at AS "createdAt",
  r.updated_at AS "updatedAt", ${keysetTime(sql`r.created_at`)} AS "createdKey",
  p.body AS "replyBody", p.created_at AS "replyCreatedAt"`;

const FROM_REVIEWS = sql`reviews r LEFT JOIN review_replies p ON p.review_id = r.id`;

/** Inserts the review unless its order item already has one (then answers undefined). */
export async function insertReview(db: Queryable, review: NewReview): Promise<ReviewRow | undefined> {
  const inserted = await db.execute(sql`
    INSERT INTO reviews (id, order_item_id, product_id, shop_id, author_id, rating, title, body)
    VALUES (${review.id}, ${review.orderItemId}, ${review.productId}, ${review.shopId}, ${review.authorId},
            ${review.rating}, ${review.title}, ${review.body})
    ON CONFLICT (order_item_id) DO NOTHING`);
  return inserted === 1 ? findReview(db, review.id) : undefined;
}

/** A review with its reply; `lock` holds the review row until the transaction ends. */
export async function findReview(db: Queryable, id: string, lock = false): Promise<ReviewRow | undefined> {
  const [row] = await db.query<ReviewRow>(
    sql`SELECT ${REVIEW_COLUMNS} FROM ${FROM_REVIEWS} WHERE r.id = ${id}${lock ? sql` FOR UPDATE OF r` : sql``}`,
  );
  return row;
}

export async function updateReview(
  db: Queryable,
  id: string,
  changes: { rating: number; title: string | null; body: string },
): Promise<void> {
  await db.execute(sql`
    UPDATE reviews SET rating = ${changes.rating}, title = ${changes.title}, body = ${changes.body}, updated_at = now()
    WHERE id = ${id}`);
}

export async function setHidden(db: Queryable, id: string, hidden: boolean): Promise<void> {
  await db.execute(sql`UPDATE reviews SET hidden = ${hidden} WHERE id = ${id}`);
}

/** Answers false when the review already has a reply. */
export async function insertReply(
  db: Queryable,
  reply: { reviewId: string; authorId: string; body: string },
): Promise<boolean> {
  const inserted = await db.execute(sql`
    INSERT INTO review_replies (review_id, author_id, body) VALUES (${reply.reviewId}, ${reply.authorId}, ${reply.body})
    ON CONFLICT (review_id) DO NOTHING`);
  return inserted === 1;
}

export interface ReviewListQuery {
  productId: string;
  sort: ReviewSort;
  rating?: number | undefined;
  after?: ReviewPosition | undefined;
  limit: number;
}

/** Rows after `after` in newest-first order. */
const olderThan = (after: Omit<ReviewPosition, 'rating'>) =>
  sql`(r.created_at, r.id) < (${after.createdAt}::timestamptz, ${after.id})`;

/** Visible reviews of a product, keyset-paginated; fetches limit + 1 rows. */
export async function listReviews(db: Queryable, query: ReviewListQuery): Promise<ReviewRow[]> {
  const conditions = [sql`r.product_id = ${query.productId}`, sql`NOT r.hidden`];
  if (query.rating !== undefined) conditions.push(sql`r.rating = ${query.rating}`);
  const after = query.after;
  if (after) {
    const older = olderThan(after);
    if (query.sort === 'newest') conditions.push(older);
    else {
      const beyond = query.sort === 'rating_desc' ? sql`<` : sql`>`;
      conditions.push(sql`(r.rating ${beyond} ${after.rating} OR (r.rating = ${after.rating} AND ${older}))`);
    }
  }
  const order =
    query.sort === 'newest'
      ? sql`r.created_at DESC, r.id DESC`
      : sql`r.rating ${query.sort === 'rating_desc' ? sql`DESC` : sql`ASC`}, r.created_at DESC, r.id DESC`;
  return db.query<ReviewRow>(sql`
    SELECT ${REVIEW_COLUMNS} FROM ${FROM_REVIEWS}
    WHERE ${sql.join(conditions, sql` AND `)}
    ORDER BY ${order}
    LIMIT ${query.limit + 1}`);
}

export interface NewestReviewsQuery {
  /** Only reviews of this shop's products. */
  shopId?: string | undefined;
  hidden?: boolean | undefined;
  /** Only reviews with (true) or without (false) a seller's reply. */
  replied?: boolean | undefined;
  after?: Omit<ReviewPosition, 'rating'> | undefined;
  limit: number;
}

/** Reviews across products, newest first, keyset-paginated; fetches limit + 1 rows. */
export async function listNewestReviews(db: Queryable, query: NewestReviewsQuery): Promise<ReviewRow[]> {
  const conditions: SQL[] = [];
  if (query.shopId !== undefined) conditions.push(sql`r.shop_id = ${query.shopId}`);
  if (query.hidden !== undefined) conditions.push(query.hidden ? sql`r.hidden` : sql`NOT r.hidden`);
  if (query.replied !== undefined) {
    conditions.push(query.replied ? sql`p.review_id IS NOT NULL` : sql`p.review_id IS NULL`);
  }
  if (query.after) conditions.push(olderThan(query.after));
  return db.query<ReviewRow>(sql`
    SELECT ${REVIEW_COLUMNS} FROM ${FROM_REVIEWS}
    ${conditions.length > 0 ? sql`WHERE ${sql.join(conditions, sql` AND `)}` : sql``}
    ORDER BY r.created_at DESC, r.id DESC
    LIMIT ${query.limit + 1}`);
}

export async function findReviewIdsOfItems(
  db: Queryable,
  orderItemIds: readonly string[],
): Promise<{ orderItemId: string; id: string }[]> {
  return db.query<{ orderItemId: string; id: string }>(sql`
    SELECT order_item_id AS "orderItemId", id FROM reviews WHERE order_item_id = ANY(${sqlArray(orderItemIds)}::text[])`);
}
