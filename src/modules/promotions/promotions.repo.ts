import type { SQL } from 'drizzle-orm';
import { type PlannedStatement, type Queryable, sql, sqlArray } from '../../platform/db.js';
import { keysetTime } from '../../platform/pagination.js';

export type PromotionType = 'percentage' | 'fixed' | 'free_shipping';
export type FundedBy = 'platform' | 'shop';

/** What an owner sets on a promotion. */
export interface PromotionFields {
  code: string | null;
  automatic: boolean;
  type: PromotionType;
  percentBps: number | null;
  amountMinor: number | null;
  shopId: string | null;
  categoryIds: string[];
  productIds: string[];
  minSubtotalMinor: number | null;
  startsAt: Date;
  endsAt: Date | null;
  usageLimit: number | null;
  perCustomerLimit: number | null;
  fundedBy: FundedBy;
  status: 'active' | 'inactive';
}

export interface PromotionRow extends PromotionFields {
  id: string;
  usedCount: number;
}

const RULE_COLUMNS = sql`id, code, automatic, type, percent_bps AS "percentBps", amount AS "amountMinor",
  shop_id AS "shopId", category_ids AS "categoryIds", product_ids AS "productIds",
  min_subtotal AS "minSubtotalMinor", starts_at AS "startsAt", ends_at AS "endsAt",
  usage_limit AS "usageLimit", per_customer_limit AS "perCustomerLimit", funded_by AS "fundedBy", status`;

/** Every use: those counted on the row, and the live uses of it while it had no total limit. */
const COLUMNS = sql`${RULE_COLUMNS}, used_count + (
  SELECT count(*)::int FROM checkout_promotion_uses u
  WHERE u.promotion_id = promotions.id AND NOT u.counted AND u.released_at IS NULL) AS "usedCount"`;

export interface PromotionListFilter {
  status?: 'active' | 'inactive' | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  after?: { createdAt: string; id: string } | undefined;
  limit: number;
}

/**
 * One page of the promotions one owner sees (the platform's, or one shop's), newest first, on the
 * owner's (…, created_at, id) index (migration 0093); `position` is the row's cursor time.
 */
export async function listPromotions(
  db: Queryable,
  owner: FundedBy,
  shopId: string | null,
  filter: PromotionListFilter,
): Promise<(PromotionRow & { position: string })[]> {
  const conditions: SQL[] = [sql`funded_by = ${owner}`];
  if (shopId !== null) conditions.push(sql`shop_id = ${shopId}`);
  if (filter.status !== undefined) conditions.push(sql`status = ${filter.status}`);
  if (filter.from !== undefined)
    conditions.push(sql`created_at >= ${filter.from.toISOString()}::timestamptz`);
  if (filter.to !== undefined) conditions.push(sql`created_at < ${filter.to.toISOString()}::timestamptz`);
  if (filter.after !== undefined)
    conditions.push(sql`(created_at, id) < (${filter.after.createdAt}::timestamptz, ${filter.after.id})`);
  return db.query<PromotionRow & { position: string }>(sql`
    SELECT ${COLUMNS}, ${keysetTime(sql`created_at`)} AS position FROM promotions
    WHERE ${sql.join(conditions, sql` AND `)}
    ORDER BY created_at DESC, id DESC
    LIMIT ${filter.limit + 1}`);
}

export async function findPromotion(
  db: Queryable,
  id: string,
  owner: FundedBy,
  shopId: string | null,
): Promise<PromotionRow | undefined> {
  const [row] = await db.query<PromotionRow>(sql`
    SELECT ${COLUMNS} FROM promotions
    WHERE id = ${id} AND funded_by = ${owner} AND (${shopId}::text IS NULL OR shop_id = ${shopId})
    FOR UPDATE`);
  return row;
}

export async function insertPromotion(db: Queryable, id: string, p: PromotionFields): Promise<PromotionRow> {
  const [row] = await db.query<PromotionRow>(sql`
    INSERT INTO promotions (id, code, automatic, type, percent_bps, amount, shop_id, category_ids, product_ids,
      min_subtotal, starts_at, ends_at, usage_limit, per_customer_limit, funded_by, status)
    VALUES (${id}, ${p.code}, ${p.automatic}, ${p.type}, ${p.percentBps}, ${p.amountMinor}, ${p.shopId},
      ${sqlArray(p.categoryIds)}::text[], ${sqlArray(p.productIds)}::text[], ${p.minSubtotalMinor}, ${p.startsAt}, ${p.endsAt},
      ${p.usageLimit}, ${p.perCustomerLimit}, ${p.fundedBy}, ${p.status})
    RETURNING ${COLUMNS}`);
  return row!;
}

/** Writes every field an owner may change (the caller merged the changes into the current row). */
export async function updatePromotion(db: Queryable, p: PromotionRow): Promise<PromotionRow> {
  const [row] = await db.query<PromotionRow>(sql`
    UPDATE promotions SET
      code = ${p.code}, percent_bps = ${p.percentBps}, amount = ${p.amountMinor}, shop_id = ${p.shopId},
      category_ids = ${sqlArray(p.categoryIds)}::text[], product_ids = ${sqlArray(p.productIds)}::text[],
      min_subtotal = ${p.minSubtotalMinor}, starts_at = ${p.startsAt}, ends_at = ${p.endsAt},
      usage_limit = ${p.usageLimit}, per_customer_limit = ${p.perCustomerLimit}, status = ${p.status},
      updated_at = now()
    WHERE id = ${p.id}
    RETURNING ${COLUMNS}`);
  return row!;
}

/**
 * The active automatic promotions, and the promotions with this code (any status), for a cart.
 * Their usedCount is the uses counted on the row, which is every use of a promotion with a total
 * limit (the only ones whose count matters here): summing an unlimited automatic promotion's uses
 * in every checkout would cost more the more it is used.
 */
export async function findCandidates(db: Queryable, code: string | null): Promise<PromotionRow[]> {
  return db.query<PromotionRow>(candidatesStatement(code));
}

const candidatesStatement = (code: string | null): SQL => sql`
    SELECT ${RULE_COLUMNS}, used_count AS "usedCount" FROM promotions
    WHERE (status = 'active' AND automatic)
       OR (${code}::text IS NOT NULL AND lower(code) = lower(${code}::text))
    ORDER BY id`;

/** findCandidates' read, for reading at once with others. */
export function candidatesRead(code: string | null): PlannedStatement<PromotionRow[]> {
  return {
    statement: candidatesStatement(code),
    answer: (rows) =>
      rows.map((row) => ({
        ...(row as unknown as PromotionRow),
        startsAt: new Date(row.startsAt as string),
        endsAt: row.endsAt === null ? null : new Date(row.endsAt as string),
      })),
  };
}

/**
 * Counts one use of each promotion for a checkout if its limits allow, and records it against the
 * checkout, in one statement: the check and the count are one step for the total limit and for
 * the customer's. Answers whether every promotion took its use (when not, the caller's transaction
 * rolls back what this statement counted).
 *
 * Only a promotion with a total limit has its row updated (the conditional update that keeps the
 * limit exact; ids in index order, so two checkouts lock them in the same order). One without is
 * not written: its use is recorded uncounted under a KEY SHARE lock, which concurrent checkouts
 * share, so they no longer queue on the row. The lock still conflicts with the FOR UPDATE an
 * owner's change takes, so a limit set meanwhile is either seen here (the row is re-read after the
 * change commits, and this statement neither counts nor records the use: the checkout answers
 * promotion_exhausted) or folds this use in once it commits (see countUncountedUses).
 */
export async function takeUses(
  db: Queryable,
  ids: readonly string[],
  checkoutId: string,
  customer: string,
): Promise<boolean> {
  const [row] = await db.query<{ taken: number; customerLimited: number; customerTaken: number }>(
    sql`
    WITH limited AS (
      UPDATE promotions SET used_count = used_count + 1
      WHERE id = ANY(${sqlArray(ids)}::text[]) AND usage_limit IS NOT NULL AND used_count < usage_limit
      RETURNING id, per_customer_limit, true AS counted
    ), unlimited AS (
      SELECT id, per_customer_limit, false AS counted FROM promotions
      WHERE id = ANY(${sqlArray(ids)}::text[]) AND usage_limit IS NULL
      FOR KEY SHARE
    ), taken AS (
      SELECT * FROM limited UNION ALL SELECT * FROM unlimited
    ), recorded AS (
      INSERT INTO checkout_promotion_uses (checkout_id, promotion_id, customer, counted)
      SELECT ${checkoutId}, id, ${customer}, counted FROM taken
    ), customer AS (
      INSERT INTO promotion_customer_uses AS u (promotion_id, customer, used_count)
      SELECT id, ${customer}, 1 FROM taken WHERE per_customer_limit IS NOT NULL
      ON CONFLICT (promotion_id, customer) DO UPDATE SET used_count = u.used_count + 1
        WHERE u.used_count < (SELECT p.per_customer_limit FROM promotions p WHERE p.id = u.promotion_id)
      RETURNING promotion_id
    )
    SELECT (SELECT count(*) FROM taken)::int AS taken,
           (SELECT count(*) FROM taken WHERE per_customer_limit IS NOT NULL)::int AS "customerLimited",
           (SELECT count(*) FROM customer)::int AS "customerTaken"`,
    { prepareAs: 'promotions_take_uses' },
  );
  return row!.taken === ids.length && row!.customerTaken === row!.customerLimited;
}

/**
 * Counts a promotion's live uncounted uses on its row, in the transaction that gives it a total
 * limit (holding the row's FOR UPDATE lock, so no checkout is recording one meanwhile).
 */
export async function countUncountedUses(db: Queryable, id: string): Promise<void> {
  await db.execute(sql`
    WITH folded AS (
      UPDATE checkout_promotion_uses SET counted = true
      WHERE promotion_id = ${id} AND NOT counted AND released_at IS NULL
      RETURNING 1
    )
    UPDATE promotions SET used_count = used_count + (SELECT count(*) FROM folded)::int WHERE id = ${id}`);
}

export interface CheckoutUse {
  promotionId: string;
  customer: string;
  /** Whether the use is counted on the promotion's row (see takeUse). */
  counted: boolean;
}

/** Marks a checkout's uses given back, once: answers those this call released. */
export async function releaseCheckoutUses(db: Queryable, checkoutId: string): Promise<CheckoutUse[]> {
  return db.query<CheckoutUse>(sql`
    UPDATE checkout_promotion_uses SET released_at = now()
    WHERE checkout_id = ${checkoutId} AND released_at IS NULL
    RETURNING promotion_id AS "promotionId", customer, counted`);
}

/** A released use no longer counts: on the row if it was counted there, and for its customer. */
export async function giveUseBack(db: Queryable, use: CheckoutUse): Promise<void> {
  const { promotionId: id, customer } = use;
  if (use.counted)
    await db.execute(
      sql`UPDATE promotions SET used_count = used_count - 1 WHERE id = ${id} AND used_count > 0`,
    );
  await db.execute(sql`
    UPDATE promotion_customer_uses SET used_count = used_count - 1
    WHERE promotion_id = ${id} AND customer = ${customer} AND used_count > 0`);
}
