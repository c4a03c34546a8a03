import { type Queryable, sql, sqlArray } from '../../platform/db.js';

export type NeighbourStrategy = 'co_purchase' | 'content';

export interface PurchaseLine {
  orderId: string;
  userId: string;
  productId: string;
  occurredAt: string;
}

export interface ViewRow {
  userId: string;
  productId: string;
  occurredAt: Date;
}

/** A user's strongest interest in a product that still counts, and when it began. */
export interface InterestRow {
  userId: string;
  productId: string;
  weight: number;
  firstAt: Date;
}

/** One product's neighbours by one signal, best first. */
export interface NeighbourListRow {
  productId: string;
  neighbourIds: string[];
  scores: number[];
}

/** A stored list, as read back. */
export interface StoredListRow extends NeighbourListRow {
  strategy: NeighbourStrategy;
}

export interface RefreshWatermark {
  interactionSeq: number;
  contentChangedAt: Date | null;
}

const PURCHASE_KEY = sql`(order_id, product_id) WHERE kind = 'purchase'`;

const purchaseRows = (lines: readonly PurchaseLine[]) => sql`
  unnest(${sqlArray(lines.map((l) => l.userId))}::text[], ${sqlArray(lines.map((l) => l.productId))}::text[],
         ${sqlArray(lines.map((l) => l.orderId))}::text[], ${sqlArray(lines.map((l) => l.occurredAt))}::timestamptz[])
    AS l(user_id, product_id, order_id, occurred_at)`;

export async function insertPurchases(db: Queryable, lines: readonly PurchaseLine[]): Promise<void> {
  if (lines.length === 0) return;
  await db.execute(sql`
    INSERT INTO recommendation_interactions (user_id, product_id, kind, order_id, weight, occurred_at)
    SELECT l.user_id, l.product_id, 'purchase', l.order_id, 1, l.occurred_at
    FROM ${purchaseRows(lines)}
    ON CONFLICT ${PURCHASE_KEY} DO NOTHING`);
}

/**
 * Stops purchases counting; inserts them already revoked when the order's paid event has not
 * arrived yet, so a late one changes nothing.
 */
export async function revokePurchases(db: Queryable, lines: readonly PurchaseLine[]): Promise<void> {
  if (lines.length === 0) return;
  await db.execute(sql`
    INSERT INTO recommendation_interactions (user_id, product_id, kind, order_id, weight, occurred_at, revoked)
    SELECT l.user_id, l.product_id, 'purchase', l.order_id, 1, l.occurred_at, true
    FROM ${purchaseRows(lines)}
    ON CONFLICT ${PURCHASE_KEY}
    DO UPDATE SET revoked = true, change_seq = nextval('recommendation_change_seq')
    WHERE NOT recommendation_interactions.revoked`);
}

/** Records first views; a product viewed again by the same user adds nothing. */
export async function insertViews(db: Queryable, views: readonly ViewRow[], weight: number): Promise<void> {
  if (views.length === 0) return;
  await db.execute(sql`
    INSERT INTO recommendation_interactions (user_id, product_id, kind, weight, occurred_at)
    SELECT v.user_id, v.product_id, 'view', ${weight}, v.occurred_at
    FROM unnest(${sqlArray(views.map((v) => v.userId))}::text[], ${sqlArray(views.map((v) => v.productId))}::text[],
                ${sqlArray(views.map((v) => v.occurredAt.toISOString()))}::timestamptz[])
      AS v(user_id, product_id, occurred_at)
    ON CONFLICT (user_id, product_id) WHERE kind = 'view' DO NOTHING`);
}

const INTEREST_COLUMNS = sql`user_id AS "userId", product_id AS "productId", max(weight) AS weight,
  min(occurred_at) AS "firstAt"`;

/** Every interest that counts, one row per (user, product). */
export async function allInterests(db: Queryable): Promise<InterestRow[]> {
  return db.query<InterestRow>(sql`
    SELECT ${INTEREST_COLUMNS} FROM recommendation_interactions WHERE NOT revoked
    GROUP BY user_id, product_id`);
}

export async function interestsOfUsers(db: Queryable, userIds: readonly string[]): Promise<InterestRow[]> {
  return db.query<InterestRow>(sql`
    SELECT ${INTEREST_COLUMNS} FROM recommendation_interactions
    WHERE NOT revoked AND user_id = ANY(${sqlArray(userIds)}::text[])
    GROUP BY user_id, product_id`);
}

/** An interest of the user, and whether it includes a purchase that counts. */
export interface UserInterestRow {
  productId: string;
  weight: number;
  /** When the interest began, in Unix seconds: a number, which costs no date parsing per row. */
  firstAtSeconds: number;
  bought: boolean;
}

/**
 * The user's latest `limit` interests, newest first, then any product they bought before those:
 * the history a personal list is built from and what it must leave out, in one read.
 */
export async function historyOf(db: Queryable, userId: string, limit: number): Promise<UserInterestRow[]> {
  return db.query<UserInterestRow>(
    sql`
    SELECT "productId", weight, extract(epoch FROM "firstAt")::float8 AS "firstAtSeconds", bought FROM (
      SELECT ${INTEREST_COLUMNS}, bool_or(kind = 'purchase') AS bought,
             row_number() OVER (ORDER BY min(occurred_at) DESC, product_id) AS position
      FROM recommendation_interactions
      WHERE NOT revoked AND user_id = ${userId}
      GROUP BY user_id, product_id
    ) AS interest
    WHERE position <= ${limit} OR bought
    ORDER BY position`,
    { prepareAs: 'recommendations_history_of' },
  );
}

export interface Changes {
  /** Users with interactions added or revoked since the watermark. */
  userIds: string[];
  /** The highest change number seen (the watermark when none). */
  latestSeq: number;
  anyRevoked: boolean;
}

export async function changesSince(db: Queryable, seq: number): Promise<Changes> {
  const rows = await db.query<{ userId: string; latestSeq: string; anyRevoked: boolean }>(sql`
    SELECT user_id AS "userId", max(change_seq)::text AS "latestSeq", bool_or(revoked) AS "anyRevoked"
    FROM recommendation_interactions WHERE change_seq > ${seq}
    GROUP BY user_id`);
  return {
    userIds: rows.map((row) => row.userId),
    latestSeq: rows.reduce((latest, row) => Math.max(latest, Number(row.latestSeq)), seq),
    anyRevoked: rows.some((row) => row.anyRevoked),
  };
}

/** Every product the users ever showed interest in, revoked purchases too. */
export async function productsOfUsers(db: Queryable, userIds: readonly string[]): Promise<string[]> {
  if (userIds.length === 0) return [];
  const rows = await db.query<{ productId: string }>(sql`
    SELECT DISTINCT product_id AS "productId" FROM recommendation_interactions
    WHERE user_id = ANY(${sqlArray(userIds)}::text[])`);
  return rows.map((row) => row.productId);
}

/** Lists written by one statement: a full refresh writes one per product of the catalogue. */
const LISTS_PER_INSERT = 1000;

/** Replaces the given products' lists of one strategy; a product without a list has none after. */
export async function replaceLists(
  db: Queryable,
  strategy: NeighbourStrategy,
  productIds: readonly string[],
  lists: readonly NeighbourListRow[],
): Promise<void> {
  if (productIds.length === 0) return;
  await db.execute(sql`
    DELETE FROM recommendation_lists
    WHERE strategy = ${strategy} AND product_id = ANY(${sqlArray(productIds)}::text[])`);
  for (let start = 0; start < lists.length; start += LISTS_PER_INSERT) {
    const json = JSON.stringify(
      lists.slice(start, start + LISTS_PER_INSERT).map((list) => ({
        product_id: list.productId,
        neighbour_ids: list.neighbourIds,
        scores: list.scores,
      })),
    );
    await db.execute(sql`
      INSERT INTO recommendation_lists (product_id, strategy, neighbour_ids, scores)
      SELECT l.product_id, ${strategy},
             ARRAY(SELECT id FROM jsonb_array_elements_text(l.neighbour_ids) WITH ORDINALITY AS n(id, at) ORDER BY at),
             ARRAY(SELECT score::float8 FROM jsonb_array_elements_text(l.scores) WITH ORDINALITY AS s(score, at) ORDER BY at)
      FROM jsonb_to_recordset(${json}::jsonb) AS l(product_id text, neighbour_ids jsonb, scores jsonb)`);
  }
}

/** The lists of these products, one row per product and strategy. */
export async function listsOf(db: Queryable, productIds: readonly string[]): Promise<StoredListRow[]> {
  if (productIds.length === 0) return [];
  return db.query<StoredListRow>(
    sql`
    SELECT product_id AS "productId", strategy,
           -- As JSON: parsed natively, where the driver parses an array's text a character at a time.
           array_to_json(neighbour_ids) AS "neighbourIds", array_to_json(scores) AS scores
    FROM recommendation_lists WHERE product_id = ANY(${sqlArray(productIds)}::text[])`,
    { prepareAs: 'recommendations_lists_of' },
  );
}

/** Recomputes the popularity of these products from the interests that count. */
export async function refreshPopularity(db: Queryable, productIds: readonly string[]): Promise<void> {
  if (productIds.length === 0) return;
  const ids = sqlArray(productIds);
  await db.execute(sql`DELETE FROM recommendation_popularity WHERE product_id = ANY(${ids}::text[])`);
  await db.execute(sql`
    INSERT INTO recommendation_popularity (product_id, score)
    SELECT product_id, sum(weight) FROM (
      SELECT user_id, product_id, max(weight) AS weight FROM recommendation_interactions
      WHERE NOT revoked AND product_id = ANY(${ids}::text[])
      GROUP BY user_id, product_id
    ) AS interest
    GROUP BY product_id`);
}

/** The popularity of every product anyone showed interest in, best first (equal scores by id). */
export async function allPopularity(db: Queryable): Promise<{ productId: string; score: number }[]> {
  return db.query<{ productId: string; score: number }>(sql`
    SELECT product_id AS "productId", score FROM recommendation_popularity ORDER BY score DESC, product_id`);
}

export async function readWatermark(db: Queryable): Promise<RefreshWatermark> {
  const [row] = await db.query<{ interactionSeq: string; contentChangedAt: Date | null }>(sql`
    SELECT interaction_seq::text AS "interactionSeq", content_changed_at AS "contentChangedAt"
    FROM recommendation_refresh`);
  if (!row) throw new Error('recommendation_refresh has no row');
  return { interactionSeq: Number(row.interactionSeq), contentChangedAt: row.contentChangedAt };
}

export async function writeWatermark(db: Queryable, watermark: RefreshWatermark): Promise<void> {
  await db.execute(sql`
    UPDATE recommendation_refresh
    SET interaction_seq = ${watermark.interactionSeq},
        content_changed_at = ${watermark.contentChangedAt?.toISOString() ?? null}::timestamptz,
        refreshed_at = now()`);
}
