import type { SQL } from 'drizzle-orm';
import { type PlannedStatement, type Queryable, sql, sqlArray } from '../../platform/db.js';
import { keysetTime } from '../../platform/pagination.js';
import type { PayoutAccountStatus } from './payments.provider.js';
import type { PaymentStatus, PayoutStatus } from './payments.state.js';

/** created_at, exactly, as a keyset position for cursors. */
const POSITION = sql`${keysetTime(sql`created_at`)} AS position`;

export interface PaymentRow {
  id: string;
  /** Null while the payment is a guest's (see orderTokenHash). */
  buyerId: string | null;
  /** The SHA-256 of the order token of a guest's checkout. */
  orderTokenHash: Uint8Array | null;
  status: PaymentStatus;
  amount: number;
  currency: string;
  provider: string;
  providerReference: string | null;
  paymentMethod: string | null;
  failureCode: string | null;
  orderIds: string[];
  attempt: number;
  withdrawnOrderIds: string[];
  withdrawnAmount: number;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = sql`id, buyer_id AS "buyerId", order_token_hash AS "orderTokenHash", status, amount, currency, provider,
  provider_reference AS "providerReference", payment_method AS "paymentMethod", failure_code AS "failureCode",
  order_ids AS "orderIds", attempt, withdrawn_order_ids AS "withdrawnOrderIds",
  withdrawn_amount AS "withdrawnAmount", created_at AS "createdAt", updated_at AS "updatedAt"`;

export interface NewPayment {
  id: string;
  buyerId: string | null;
  orderTokenHash: Buffer | null;
  amount: number;
  currency: string;
  provider: string;
  orderIds: string[];
}

/**
 * The insert of a checkout's payment, for the caller to run as a CTE of its own statement; its
 * answer reads the row back from JSON (timestamps as text, the token hash as bytea's hex).
 */
export function insertPaymentPlanned(payment: NewPayment): PlannedStatement<PaymentRow> {
  return {
    statement: sql`
      INSERT INTO payments (id, buyer_id, order_token_hash, status, amount, currency, provider, order_ids)
      VALUES (${payment.id}, ${payment.buyerId}, ${payment.orderTokenHash}, 'requires_confirmation', ${payment.amount}, ${payment.currency},
              ${payment.provider}, ${sqlArray(payment.orderIds)}::text[])
      RETURNING ${COLUMNS}`,
    answer([row]) {
      const json = row as unknown as Omit<PaymentRow, 'orderTokenHash' | 'createdAt' | 'updatedAt'> & {
        orderTokenHash: string | null;
        createdAt: string;
        updatedAt: string;
      };
      return {
        ...json,
        orderTokenHash:
          json.orderTokenHash === null ? null : Buffer.from(json.orderTokenHash.slice(2), 'hex'),
        createdAt: new Date(json.createdAt),
        updatedAt: new Date(json.updatedAt),
      };
    },
  };
}

export async function findPayment(db: Queryable, id: string, lock = false): Promise<PaymentRow | undefined> {
  const [row] = await db.query<PaymentRow>(
    lock
      ? sql`SELECT ${COLUMNS} FROM payments WHERE id = ${id} FOR UPDATE`
      : sql`SELECT ${COLUMNS} FROM payments WHERE id = ${id}`,
  );
  return row;
}

/** The payment whose current intent at the provider is `reference`, held. */
export async function findPaymentByReference(
  db: Queryable,
  provider: string,
  reference: string,
): Promise<PaymentRow | undefined> {
  const [row] = await db.query<PaymentRow>(sql`
    SELECT ${COLUMNS} FROM payments WHERE provider = ${provider} AND provider_reference = ${reference}
    FOR UPDATE`);
  return row;
}

/** Guests' payments become a user's (their orders were claimed). */
export async function assignBuyer(db: Queryable, ids: readonly string[], userId: string): Promise<void> {
  await db.execute(sql`
    UPDATE payments SET buyer_id = ${userId}, updated_at = now()
    WHERE id = ANY(${sqlArray(ids)}::text[]) AND buyer_id IS NULL`);
}

/** A new confirm attempt: the payment is processing, under the next attempt number. */
export async function startAttempt(
  db: Queryable,
  id: string,
  from: PaymentStatus,
  method: string,
): Promise<PaymentRow | undefined> {
  const [row] = await db.query<PaymentRow>(sql`
    UPDATE payments
    SET status = 'processing', attempt = attempt + 1, payment_method = ${method}, failure_code = NULL,
        provider_reference = NULL, processing_since = now(), updated_at = now()
    WHERE id = ${id} AND status = ${from}
    RETURNING ${COLUMNS}`);
  return row;
}

export async function setProviderReference(db: Queryable, id: string, attempt: number, reference: string) {
  await db.execute(sql`
    UPDATE payments SET provider_reference = ${reference}
    WHERE id = ${id} AND attempt = ${attempt} AND provider_reference IS NULL`);
}

/**
 * The attempt succeeded, if it is the payment's current one and still processing; `reference`, the
 * attempt's intent at the provider, is kept when the payment has none yet.
 */
export async function markSucceeded(
  db: Queryable,
  id: string,
  attempt: number,
  reference: string | null,
): Promise<PaymentRow | undefined> {
  const [row] = await db.query<PaymentRow>(sql`
    UPDATE payments SET status = 'succeeded', processing_since = NULL, updated_at = now(),
      provider_reference = coalesce(provider_reference, ${reference})
    WHERE id = ${id} AND attempt = ${attempt} AND status = 'processing'
    RETURNING ${COLUMNS}`);
  return row;
}

/**
 * The attempt failed, if it is the payment's current one and still processing. The orders
 * cancelled meanwhile leave the payment now; with none left it is canceled.
 */
export async function markFailed(
  db: Queryable,
  id: string,
  attempt: number,
  failure: { code: string; reference: string | null },
): Promise<PaymentRow | undefined> {
  const [row] = await db.query<PaymentRow>(sql`
    UPDATE payments
    SET provider_reference = coalesce(provider_reference, ${failure.reference}),
        status = CASE WHEN cardinality(order_ids) = cardinality(withdrawn_order_ids) THEN 'canceled' ELSE 'failed' END,
        failure_code = ${failure.code},
        amount = amount - withdrawn_amount,
        order_ids = ARRAY(SELECT o FROM unnest(order_ids) WITH ORDINALITY AS t(o, n)
                          WHERE o <> ALL(withdrawn_order_ids) ORDER BY n),
        withdrawn_order_ids = '{}', withdrawn_amount = 0, processing_since = NULL, updated_at = now()
    WHERE id = ${id} AND attempt = ${attempt} AND status = 'processing'
    RETURNING ${COLUMNS}`);
  return row;
}

/**
 * Takes a cancelled order out of a payment not being charged: the amount falls by the order's
 * total, and a payment left with no orders is canceled.
 */
export async function removeOrderFromPayment(
  db: Queryable,
  paymentId: string,
  orderId: string,
  amount: number,
): Promise<PaymentRow | undefined> {
  const [row] = await db.query<PaymentRow>(sql`
    UPDATE payments
    SET amount = amount - ${amount},
        order_ids = array_remove(order_ids, ${orderId}),
        status = CASE WHEN cardinality(array_remove(order_ids, ${orderId})) = 0 THEN 'canceled' ELSE status END,
        updated_at = now()
    WHERE id = ${paymentId} AND ${orderId} = ANY(order_ids) AND status IN ('requires_confirmation', 'failed')
    RETURNING ${COLUMNS}`);
  return row;
}

/** An order cancelled while its charge is in flight: it is refunded if the charge succeeds. */
export async function withdrawOrder(
  db: Queryable,
  paymentId: string,
  orderId: string,
  amount: number,
): Promise<PaymentRow | undefined> {
  const [row] = await db.query<PaymentRow>(sql`
    UPDATE payments
    SET withdrawn_order_ids = array_append(withdrawn_order_ids, ${orderId}),
        withdrawn_amount = withdrawn_amount + ${amount}, updated_at = now()
    WHERE id = ${paymentId} AND ${orderId} = ANY(order_ids) AND NOT ${orderId} = ANY(withdrawn_order_ids)
      AND status = 'processing'
    RETURNING ${COLUMNS}`);
  return row;
}

/** Payments processing for longer than `olderThanSeconds`, oldest first. */
export async function findStuckProcessing(
  db: Queryable,
  olderThanSeconds: number,
  limit: number,
): Promise<PaymentRow[]> {
  return db.query<PaymentRow>(sql`
    SELECT ${COLUMNS} FROM payments
    WHERE status = 'processing' AND processing_since < now() - make_interval(secs => ${olderThanSeconds})
    ORDER BY processing_since
    LIMIT ${limit}`);
}

// Refunds

export type RefundStatus = 'pending' | 'succeeded' | 'failed';

export interface RefundRow {
  id: string;
  orderId: string;
  paymentId: string;
  shopId: string;
  amount: number;
  currency: string;
  reason: string;
  status: RefundStatus;
  provider: string;
  providerReference: string | null;
  failureCode: string | null;
  createdAt: Date;
}

const REFUND_COLUMNS = sql`id, order_id AS "orderId", payment_id AS "paymentId", shop_id AS "shopId", amount,
  currency, reason, status, provider, provider_reference AS "providerReference", failure_code AS "failureCode",
  created_at AS "createdAt"`;

export async function insertRefund(
  db: Queryable,
  refund: Omit<RefundRow, 'status' | 'providerReference' | 'failureCode' | 'createdAt'>,
): Promise<RefundRow> {
  const [row] = await db.query<RefundRow>(sql`
    INSERT INTO refunds (id, order_id, payment_id, shop_id, amount, currency, reason, status, provider)
    VALUES (${refund.id}, ${refund.orderId}, ${refund.paymentId}, ${refund.shopId}, ${refund.amount},
            ${refund.currency}, ${refund.reason}, 'pending', ${refund.provider})
    RETURNING ${REFUND_COLUMNS}`);
  return row!;
}

export async function findRefund(db: Queryable, id: string): Promise<RefundRow | undefined> {
  const [row] = await db.query<RefundRow>(sql`SELECT ${REFUND_COLUMNS} FROM refunds WHERE id = ${id}`);
  return row;
}

export async function refundsOfOrders(db: Queryable, orderIds: readonly string[]): Promise<RefundRow[]> {
  if (orderIds.length === 0) return [];
  return db.query<RefundRow>(sql`
    SELECT ${REFUND_COLUMNS} FROM refunds WHERE order_id = ANY(${sqlArray(orderIds)}::text[])
    ORDER BY order_id, created_at, id`);
}

/** A pending refund's outcome; the provider's reference is kept whatever it is. */
export async function settleRefund(
  db: Queryable,
  id: string,
  outcome: { status: RefundStatus; reference: string | null; failureCode: string | null },
): Promise<RefundRow | undefined> {
  const [row] = await db.query<RefundRow>(sql`
    UPDATE refunds
    SET status = ${outcome.status}, provider_reference = coalesce(${outcome.reference}, provider_reference),
        failure_code = ${outcome.failureCode}, updated_at = now()
    WHERE id = ${id} AND status = 'pending'
    RETURNING ${REFUND_COLUMNS}`);
  return row;
}

// Payouts

export type { PayoutStatus };

export interface PayoutRow {
  id: string;
  shopId: string;
  amount: number;
  currency: string;
  status: PayoutStatus;
  provider: string;
  providerReference: string | null;
  /** The provider account paid into (null for payouts made before payout accounts). */
  destination: string | null;
  failureCode: string | null;
  createdAt: Date;
  /** created_at, exactly, for the cursor. */
  position: string;
}

const PAYOUT_COLUMNS = sql`id, shop_id AS "shopId", amount, currency, status, provider,
  provider_reference AS "providerReference", destination, failure_code AS "failureCode", created_at AS "createdAt",
  ${POSITION}`;

export async function insertPayout(
  db: Queryable,
  payout: {
    id: string;
    shopId: string;
    amount: number;
    currency: string;
    provider: string;
    destination: string;
  },
): Promise<PayoutRow> {
  const [row] = await db.query<PayoutRow>(sql`
    INSERT INTO payouts (id, shop_id, amount, currency, status, provider, destination)
    VALUES (${payout.id}, ${payout.shopId}, ${payout.amount}, ${payout.currency}, 'pending', ${payout.provider},
            ${payout.destination})
    RETURNING ${PAYOUT_COLUMNS}`);
  return row!;
}

export async function findPayout(db: Queryable, id: string): Promise<PayoutRow | undefined> {
  const [row] = await db.query<PayoutRow>(sql`SELECT ${PAYOUT_COLUMNS} FROM payouts WHERE id = ${id}`);
  return row;
}

export async function setPayoutReference(db: Queryable, id: string, reference: string): Promise<void> {
  await db.execute(
    sql`UPDATE payouts SET provider_reference = ${reference}, updated_at = now() WHERE id = ${id}`,
  );
}

/**
 * A payout's outcome, applied only from a status in `from` (payments.state.ts): answers the payout
 * when it changed, so each outcome takes effect once however often the provider tells it.
 */
export async function settlePayout(
  db: Queryable,
  id: string,
  outcome: { status: 'paid' | 'failed'; failureCode: string | null },
  from: readonly PayoutStatus[],
): Promise<PayoutRow | undefined> {
  const [row] = await db.query<PayoutRow>(sql`
    UPDATE payouts SET status = ${outcome.status}, failure_code = ${outcome.failureCode}, updated_at = now()
    WHERE id = ${id} AND status = ANY(${sqlArray(from)}::text[])
    RETURNING ${PAYOUT_COLUMNS}`);
  return row;
}

/** A shop's payouts, newest first, keyset-paginated on (created_at, id). */
export async function listPayouts(
  db: Queryable,
  shopId: string,
  page: { after?: { createdAt: string; id: string } | undefined; limit: number },
): Promise<PayoutRow[]> {
  const after = page.after
    ? sql` AND (created_at, id) < (${page.after.createdAt}::timestamptz, ${page.after.id})`
    : sql``;
  return db.query<PayoutRow>(sql`
    SELECT ${PAYOUT_COLUMNS} FROM payouts WHERE shop_id = ${shopId}${after}
    ORDER BY created_at DESC, id DESC
    LIMIT ${page.limit + 1}`);
}

// Webhook events and settings

export async function webhookEventSeen(db: Queryable, provider: string, eventId: string): Promise<boolean> {
  const rows = await db.query(
    sql`SELECT 1 FROM payment_webhook_events WHERE provider = ${provider} AND event_id = ${eventId}`,
  );
  return rows.length > 0;
}

/** Records an event as applied; false when it already was (a concurrent duplicate waits, then gets false). */
export async function recordWebhookEvent(db: Queryable, provider: string, eventId: string, type: string) {
  const inserted = await db.execute(sql`
    INSERT INTO payment_webhook_events (provider, event_id, type) VALUES (${provider}, ${eventId}, ${type})
    ON CONFLICT DO NOTHING`);
  return inserted === 1;
}

/** A setting's value, `candidate` being stored when it has none: every process gets the same value. */
export async function settingOnce(db: Queryable, name: string, candidate: string): Promise<string> {
  await db.execute(
    sql`INSERT INTO payment_settings (name, value) VALUES (${name}, ${candidate}) ON CONFLICT DO NOTHING`,
  );
  const [row] = await db.query<{ value: string }>(
    sql`SELECT value FROM payment_settings WHERE name = ${name}`,
  );
  return row!.value;
}

export async function countPaymentsByStatus(
  db: Queryable,
): Promise<{ status: PaymentStatus; count: number }[]> {
  return db.query(sql`SELECT status, count(*)::int AS count FROM payments GROUP BY status`);
}

// Payout accounts

export interface PayoutAccountRow {
  id: string;
  shopId: string;
  provider: string;
  providerAccountId: string | null;
  status: PayoutAccountStatus;
  requirements: string[];
  createdAt: Date;
}

const PAYOUT_ACCOUNT_COLUMNS = sql`id, shop_id AS "shopId", provider, provider_account_id AS "providerAccountId",
  status, requirements, created_at AS "createdAt"`;

/** Records the shop's account (status pending) unless it has one; answers the shop's account. */
export async function ensurePayoutAccount(
  db: Queryable,
  account: { id: string; shopId: string; provider: string },
): Promise<{ row: PayoutAccountRow; created: boolean }> {
  const [created] = await db.query<PayoutAccountRow>(sql`
    INSERT INTO payout_accounts (id, shop_id, provider, status)
    VALUES (${account.id}, ${account.shopId}, ${account.provider}, 'pending')
    ON CONFLICT (shop_id) DO NOTHING
    RETURNING ${PAYOUT_ACCOUNT_COLUMNS}`);
  if (created) return { row: created, created: true };
  return { row: (await findPayoutAccountOfShop(db, account.shopId))!, created: false };
}

export async function findPayoutAccountOfShop(
  db: Queryable,
  shopId: string,
  lock = false,
): Promise<PayoutAccountRow | undefined> {
  const [row] = await db.query<PayoutAccountRow>(
    sql`SELECT ${PAYOUT_ACCOUNT_COLUMNS} FROM payout_accounts WHERE shop_id = ${shopId} ${lock ? sql`FOR SHARE` : sql``}`,
  );
  return row;
}

export async function findPayoutAccountByReference(
  db: Queryable,
  provider: string,
  reference: string,
): Promise<PayoutAccountRow | undefined> {
  const [row] = await db.query<PayoutAccountRow>(sql`
    SELECT ${PAYOUT_ACCOUNT_COLUMNS} FROM payout_accounts
    WHERE provider = ${provider} AND provider_account_id = ${reference}
    FOR UPDATE`);
  return row;
}

/** What the provider says of the account now. */
export async function updatePayoutAccount(
  db: Queryable,
  id: string,
  state: { providerAccountId?: string; status: PayoutAccountStatus; requirements: string[] },
): Promise<PayoutAccountRow | undefined> {
  const [row] = await db.query<PayoutAccountRow>(sql`
    UPDATE payout_accounts
    SET provider_account_id = coalesce(${state.providerAccountId ?? null}, provider_account_id),
        status = ${state.status}, requirements = ${JSON.stringify(state.requirements)}::jsonb, updated_at = now()
    WHERE id = ${id}
    RETURNING ${PAYOUT_ACCOUNT_COLUMNS}`);
  return row;
}

// Back-office lists

/** `?status=&from=&to=` and a keyset position of an admin list, newest first. */
export interface AdminListFilter {
  status?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  after?: { createdAt: string; id: string } | undefined;
  limit: number;
}

/**
 * One page of a table's rows for an admin list (`columns` name the row's `position`): on
 * (created_at, id) and (status, created_at, id) indexes (migration 0092), so a page stays one
 * index range scan at a million rows.
 */
function adminPage<Row extends { position: string }>(
  db: Queryable,
  table: SQL,
  columns: SQL,
  filter: AdminListFilter,
) {
  const conditions: SQL[] = [sql`true`];
  if (filter.status !== undefined) conditions.push(sql`status = ${filter.status}`);
  if (filter.from !== undefined)
    conditions.push(sql`created_at >= ${filter.from.toISOString()}::timestamptz`);
  if (filter.to !== undefined) conditions.push(sql`created_at < ${filter.to.toISOString()}::timestamptz`);
  if (filter.after !== undefined)
    conditions.push(sql`(created_at, id) < (${filter.after.createdAt}::timestamptz, ${filter.after.id})`);
  return db.query<Row>(sql`
    SELECT ${columns} FROM ${table}
    WHERE ${sql.join(conditions, sql` AND `)}
    ORDER BY created_at DESC, id DESC
    LIMIT ${filter.limit + 1}`);
}

export const listAllPayments = (db: Queryable, filter: AdminListFilter) =>
  adminPage<PaymentRow & { position: string }>(db, sql`payments`, sql`${COLUMNS}, ${POSITION}`, filter);

export const listAllRefunds = (db: Queryable, filter: AdminListFilter) =>
  adminPage<RefundRow & { position: string }>(db, sql`refunds`, sql`${REFUND_COLUMNS}, ${POSITION}`, filter);

export const listAllPayouts = (db: Queryable, filter: AdminListFilter) =>
  adminPage<PayoutRow>(db, sql`payouts`, PAYOUT_COLUMNS, filter);
