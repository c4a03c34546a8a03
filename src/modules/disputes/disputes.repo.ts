import { type Queryable, sql, sqlArray } from '../../platform/db.js';
import { keysetTime } from '../../platform/pagination.js';
import type { DisputeStatus } from './disputes.state.js';

export interface DisputeRow {
  id: string;
  paymentId: string;
  buyerId: string | null;
  provider: string;
  providerReference: string;
  amount: number;
  heldAmount: number;
  currency: string;
  reason: string;
  status: DisputeStatus;
  evidenceDueBy: Date | null;
  closedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** created_at, exactly, for the cursor. */
  position: string;
}

const COLUMNS = sql`d.id, d.payment_id AS "paymentId", d.buyer_id AS "buyerId", d.provider,
  d.provider_reference AS "providerReference", d.amount, d.held_amount AS "heldAmount", d.currency, d.reason,
  d.status, d.evidence_due_by AS "evidenceDueBy", d.closed_at AS "closedAt", d.created_at AS "createdAt",
  d.updated_at AS "updatedAt", ${keysetTime(sql`d.created_at`)} AS position`;

/** What a dispute holds of one order. */
export interface DisputeOrderRow {
  disputeId: string;
  orderId: string;
  shopId: string;
  amount: number;
}

export interface EvidenceRow {
  id: string;
  disputeId: string;
  shopId: string;
  text: string;
  mediaIds: string[];
  createdAt: Date;
}

export async function insertDispute(
  db: Queryable,
  dispute: Omit<DisputeRow, 'status' | 'closedAt' | 'createdAt' | 'updatedAt' | 'position'>,
  parts: readonly Omit<DisputeOrderRow, 'disputeId'>[],
): Promise<DisputeRow> {
  const [row] = await db.query<DisputeRow>(sql`
    WITH d AS (
      INSERT INTO disputes (id, payment_id, buyer_id, provider, provider_reference, amount, held_amount, currency,
                            reason, status, evidence_due_by)
      VALUES (${dispute.id}, ${dispute.paymentId}, ${dispute.buyerId}, ${dispute.provider},
              ${dispute.providerReference}, ${dispute.amount}, ${dispute.heldAmount}, ${dispute.currency},
              ${dispute.reason}, 'open', ${dispute.evidenceDueBy?.toISOString() ?? null}::timestamptz)
      RETURNING *
    ), parts AS (
      INSERT INTO dispute_orders (dispute_id, order_id, shop_id, amount)
      SELECT ${dispute.id}, p.order_id, p.shop_id, p.amount
      FROM jsonb_to_recordset(${JSON.stringify(
        parts.map((part) => ({ order_id: part.orderId, shop_id: part.shopId, amount: part.amount })),
      )}::jsonb) AS p(order_id text, shop_id text, amount bigint)
    )
    SELECT ${COLUMNS} FROM d`);
  return row!;
}

/** The dispute the provider knows as `reference`, held for the transaction. */
export async function findByReference(
  db: Queryable,
  provider: string,
  reference: string,
): Promise<DisputeRow | undefined> {
  const [row] = await db.query<DisputeRow>(sql`
    SELECT ${COLUMNS} FROM disputes d WHERE d.provider = ${provider} AND d.provider_reference = ${reference}
    FOR UPDATE`);
  return row;
}

export async function findDispute(db: Queryable, id: string): Promise<DisputeRow | undefined> {
  const [row] = await db.query<DisputeRow>(sql`SELECT ${COLUMNS} FROM disputes d WHERE d.id = ${id}`);
  return row;
}

export async function findOpenOfPayment(db: Queryable, paymentId: string): Promise<DisputeRow | undefined> {
  const [row] = await db.query<DisputeRow>(
    sql`SELECT ${COLUMNS} FROM disputes d WHERE d.payment_id = ${paymentId} AND d.status = 'open'`,
  );
  return row;
}

export async function setEvidenceDueBy(db: Queryable, id: string, dueBy: Date | null): Promise<void> {
  await db.execute(sql`
    UPDATE disputes SET evidence_due_by = ${dueBy?.toISOString() ?? null}::timestamptz, updated_at = now()
    WHERE id = ${id} AND evidence_due_by IS DISTINCT FROM ${dueBy?.toISOString() ?? null}::timestamptz`);
}

/** Decides an open dispute; answers it when it changed. */
export async function closeDispute(
  db: Queryable,
  id: string,
  status: Exclude<DisputeStatus, 'open'>,
): Promise<DisputeRow | undefined> {
  const [row] = await db.query<DisputeRow>(sql`
    WITH d AS (
      UPDATE disputes SET status = ${status}, closed_at = now(), updated_at = now()
      WHERE id = ${id} AND status = 'open'
      RETURNING *
    )
    SELECT ${COLUMNS} FROM d`);
  return row;
}

export async function touchUpdated(db: Queryable, id: string): Promise<void> {
  await db.execute(sql`UPDATE disputes SET updated_at = now() WHERE id = ${id}`);
}

/** Disputes, newest first, keyset-paginated on (created_at, id); only those touching `shopId` when given. */
export async function listDisputes(
  db: Queryable,
  filter: {
    shopId?: string | undefined;
    status?: DisputeStatus | undefined;
    /** Opened in [from, to). */
    from?: Date | undefined;
    to?: Date | undefined;
    after?: { createdAt: string; id: string } | undefined;
    limit: number;
  },
): Promise<DisputeRow[]> {
  const conditions = [sql`true`];
  if (filter.shopId)
    conditions.push(
      sql`EXISTS (SELECT 1 FROM dispute_orders o WHERE o.dispute_id = d.id AND o.shop_id = ${filter.shopId})`,
    );
  if (filter.status) conditions.push(sql`d.status = ${filter.status}`);
  if (filter.from) conditions.push(sql`d.created_at >= ${filter.from.toISOString()}::timestamptz`);
  if (filter.to) conditions.push(sql`d.created_at < ${filter.to.toISOString()}::timestamptz`);
  if (filter.after)
    conditions.push(sql`(d.created_at, d.id) < (${filter.after.createdAt}::timestamptz, ${filter.after.id})`);
  return db.query<DisputeRow>(sql`
    SELECT ${COLUMNS} FROM disputes d WHERE ${sql.join(conditions, sql` AND `)}
    ORDER BY d.created_at DESC, d.id DESC
    LIMIT ${filter.limit + 1}`);
}

/** What the disputes hold of each of their orders, in order id order. */
export async function partsOf(db: Queryable, disputeIds: readonly string[]): Promise<DisputeOrderRow[]> {
  if (disputeIds.length === 0) return [];
  return db.query<DisputeOrderRow>(sql`
    SELECT dispute_id AS "disputeId", order_id AS "orderId", shop_id AS "shopId", amount
    FROM dispute_orders WHERE dispute_id = ANY(${sqlArray(disputeIds)}::text[])
    ORDER BY dispute_id, order_id`);
}

export async function insertEvidence(db: Queryable, evidence: Omit<EvidenceRow, 'createdAt'>): Promise<void> {
  await db.execute(sql`
    INSERT INTO dispute_evidence (id, dispute_id, shop_id, text, media_ids)
    VALUES (${evidence.id}, ${evidence.disputeId}, ${evidence.shopId}, ${evidence.text},
            ${sqlArray(evidence.mediaIds)}::text[])`);
}

/** The evidence sent for the disputes, oldest first. */
export async function evidenceOf(db: Queryable, disputeIds: readonly string[]): Promise<EvidenceRow[]> {
  if (disputeIds.length === 0) return [];
  return db.query<EvidenceRow>(sql`
    SELECT id, dispute_id AS "disputeId", shop_id AS "shopId", text, media_ids AS "mediaIds",
           created_at AS "createdAt"
    FROM dispute_evidence WHERE dispute_id = ANY(${sqlArray(disputeIds)}::text[])
    ORDER BY created_at, id`);
}
