import { type Queryable, sql } from '../../platform/db.js';

/** The sandbox provider's own records: what a payment service provider keeps on its side. */

export type SandboxIntentStatus =
  | 'requires_confirmation'
  | 'processing'
  | 'succeeded'
  | 'failed'
  | 'canceled';

export interface SandboxIntentRow {
  id: string;
  paymentId: string;
  attempt: number;
  amount: number;
  currency: string;
  status: SandboxIntentStatus;
  paymentMethod: string | null;
  failureCode: string | null;
}

const INTENT_COLUMNS = sql`id, payment_id AS "paymentId", attempt, amount, currency, status,
  payment_method AS "paymentMethod", failure_code AS "failureCode"`;

export async function findIntent(
  db: Queryable,
  id: string,
  lock = false,
): Promise<SandboxIntentRow | undefined> {
  const [row] = await db.query<SandboxIntentRow>(
    lock
      ? sql`SELECT ${INTENT_COLUMNS} FROM sandbox_intents WHERE id = ${id} FOR UPDATE`
      : sql`SELECT ${INTENT_COLUMNS} FROM sandbox_intents WHERE id = ${id}`,
  );
  return row;
}

/** The intent of an idempotency key, created on first request. */
export async function intentFor(
  db: Queryable,
  intent: {
    id: string;
    idempotencyKey: string;
    paymentId: string;
    attempt: number;
    amount: number;
    currency: string;
  },
): Promise<SandboxIntentRow> {
  const [created] = await db.query<SandboxIntentRow>(sql`
    INSERT INTO sandbox_intents (id, idempotency_key, payment_id, attempt, amount, currency, status)
    VALUES (${intent.id}, ${intent.idempotencyKey}, ${intent.paymentId}, ${intent.attempt}, ${intent.amount},
            ${intent.currency}, 'requires_confirmation')
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING ${INTENT_COLUMNS}`);
  if (created) return created;
  const [existing] = await db.query<SandboxIntentRow>(
    sql`SELECT ${INTENT_COLUMNS} FROM sandbox_intents WHERE idempotency_key = ${intent.idempotencyKey}`,
  );
  return existing!;
}

/** Charges an intent awaiting confirmation: its one charge, and the intent's new status. */
export async function chargeIntent(
  db: Queryable,
  charge: {
    id: string;
    intentId: string;
    method: string;
    status: SandboxIntentStatus;
    failureCode: string | null;
  },
): Promise<SandboxIntentRow | undefined> {
  const [row] = await db.query<SandboxIntentRow>(sql`
    WITH charged AS (
      UPDATE sandbox_intents SET status = ${charge.status}, payment_method = ${charge.method},
        failure_code = ${charge.failureCode}, updated_at = now()
      WHERE id = ${charge.intentId} AND status = 'requires_confirmation'
      RETURNING ${INTENT_COLUMNS}
    ), recorded AS (
      INSERT INTO sandbox_charges (id, intent_id, amount, payment_method, outcome)
      SELECT ${charge.id}, id, amount, ${charge.method}, ${charge.status} FROM charged
    )
    SELECT * FROM charged`);
  return row;
}

/** A processing charge settles as succeeded. */
export async function settleIntent(db: Queryable, intentId: string): Promise<SandboxIntentRow | undefined> {
  const [row] = await db.query<SandboxIntentRow>(sql`
    WITH settled AS (
      UPDATE sandbox_intents SET status = 'succeeded', updated_at = now()
      WHERE id = ${intentId} AND status = 'processing'
      RETURNING ${INTENT_COLUMNS}
    ), charge AS (
      UPDATE sandbox_charges SET outcome = 'succeeded' WHERE intent_id IN (SELECT id FROM settled)
    )
    SELECT * FROM settled`);
  return row;
}

export async function cancelIntent(db: Queryable, intentId: string): Promise<void> {
  await db.execute(sql`
    UPDATE sandbox_intents SET status = 'canceled', updated_at = now()
    WHERE id = ${intentId} AND status IN ('requires_confirmation', 'failed')`);
}

export async function findRefund(db: Queryable, idempotencyKey: string): Promise<{ id: string } | undefined> {
  const [row] = await db.query<{ id: string }>(
    sql`SELECT id FROM sandbox_refunds WHERE idempotency_key = ${idempotencyKey}`,
  );
  return row;
}

/** Refunds part of a succeeded charge, never more than it captured. Answers false when it cannot. */
export async function insertRefund(
  db: Queryable,
  refund: { id: string; idempotencyKey: string; intentId: string; amount: number },
): Promise<boolean> {
  const inserted = await db.execute(sql`
    WITH taken AS (
      UPDATE sandbox_intents SET refunded_amount = refunded_amount + ${refund.amount}, updated_at = now()
      WHERE id = ${refund.intentId} AND status = 'succeeded' AND refunded_amount + ${refund.amount} <= amount
      RETURNING id
    )
    INSERT INTO sandbox_refunds (id, idempotency_key, intent_id, amount)
    SELECT ${refund.id}, ${refund.idempotencyKey}, id, ${refund.amount} FROM taken`);
  return inserted === 1;
}

export interface SandboxPayoutRow {
  id: string;
  status: 'pending' | 'paid';
}

/** The payout of an idempotency key, created on first request. */
export async function payoutFor(
  db: Queryable,
  payout: { id: string; idempotencyKey: string; amount: number; currency: string },
): Promise<SandboxPayoutRow> {
  const [created] = await db.query<SandboxPayoutRow>(sql`
    INSERT INTO sandbox_payouts (id, idempotency_key, amount, currency, status)
    VALUES (${payout.id}, ${payout.idempotencyKey}, ${payout.amount}, ${payout.currency}, 'pending')
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id, status`);
  if (created) return created;
  const [existing] = await db.query<SandboxPayoutRow>(
    sql`SELECT id, status FROM sandbox_payouts WHERE idempotency_key = ${payout.idempotencyKey}`,
  );
  return existing!;
}

export async function markPayoutPaid(
  db: Queryable,
  id: string,
): Promise<{ idempotencyKey: string; amount: number } | undefined> {
  const [row] = await db.query<{ idempotencyKey: string; amount: number }>(sql`
    UPDATE sandbox_payouts SET status = 'paid' WHERE id = ${id} AND status = 'pending'
    RETURNING idempotency_key AS "idempotencyKey", amount`);
  return row;
}

export async function insertEvent(
  db: Queryable,
  event: { id: string; type: string; body: string },
): Promise<void> {
  await db.execute(
    sql`INSERT INTO sandbox_events (id, type, body) VALUES (${event.id}, ${event.type}, ${event.body})`,
  );
}

export async function findEventBody(db: Queryable, id: string): Promise<string | undefined> {
  const [row] = await db.query<{ body: string }>(sql`SELECT body FROM sandbox_events WHERE id = ${id}`);
  return row?.body;
}

export async function markEventDelivered(db: Queryable, id: string): Promise<void> {
  await db.execute(
    sql`UPDATE sandbox_events SET delivered_at = coalesce(delivered_at, now()) WHERE id = ${id}`,
  );
}

export interface SandboxAccountRow {
  id: string;
  status: 'pending' | 'enabled';
}

/** The sandbox account opened under `idempotencyKey`, opened now if there is none. */
export async function accountFor(
  db: Queryable,
  account: { id: string; idempotencyKey: string },
): Promise<SandboxAccountRow> {
  const [created] = await db.query<SandboxAccountRow>(sql`
    INSERT INTO sandbox_accounts (id, idempotency_key, status)
    VALUES (${account.id}, ${account.idempotencyKey}, 'pending')
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id, status`);
  if (created) return created;
  const [existing] = await db.query<SandboxAccountRow>(
    sql`SELECT id, status FROM sandbox_accounts WHERE idempotency_key = ${account.idempotencyKey}`,
  );
  return existing!;
}

export async function findAccount(db: Queryable, id: string): Promise<SandboxAccountRow | undefined> {
  const [row] = await db.query<SandboxAccountRow>(
    sql`SELECT id, status FROM sandbox_accounts WHERE id = ${id}`,
  );
  return row;
}

/** Enables a pending account; answers whether it changed. */
export async function enableAccount(db: Queryable, id: string): Promise<boolean> {
  return (
    (await db.execute(
      sql`UPDATE sandbox_accounts SET status = 'enabled' WHERE id = ${id} AND status = 'pending'`,
    )) > 0
  );
}

export interface SandboxDisputeRow {
  id: string;
  paymentId: string;
  amount: number;
  currency: string;
  reason: string;
  status: 'open' | 'won' | 'lost';
  evidenceDueBy: Date;
}

const DISPUTE_COLUMNS = sql`d.id, i.payment_id AS "paymentId", d.amount, i.currency, d.reason, d.status,
  d.evidence_due_by AS "evidenceDueBy"`;

/**
 * The buyer's bank disputes what a succeeded charge kept (its amount less its refunds): the charge's
 * one dispute, answered only when it is opened now.
 */
export async function openDispute(
  db: Queryable,
  dispute: { id: string; intentId: string; reason: string; evidenceDueBy: Date },
): Promise<SandboxDisputeRow | undefined> {
  const [row] = await db.query<SandboxDisputeRow>(sql`
    WITH opened AS (
      INSERT INTO sandbox_disputes (id, intent_id, amount, reason, status, evidence_due_by)
      SELECT ${dispute.id}, id, amount - refunded_amount, ${dispute.reason}, 'open',
             ${dispute.evidenceDueBy.toISOString()}::timestamptz
      FROM sandbox_intents WHERE id = ${dispute.intentId} AND status = 'succeeded' AND refunded_amount < amount
      ON CONFLICT (intent_id) DO NOTHING
      RETURNING *
    )
    SELECT ${DISPUTE_COLUMNS} FROM opened d JOIN sandbox_intents i ON i.id = d.intent_id`);
  return row;
}

/** Keeps the evidence of an open dispute; answers the dispute, or nothing when it is not open. */
export async function recordDisputeEvidence(
  db: Queryable,
  id: string,
  evidence: string,
): Promise<SandboxDisputeRow | undefined> {
  const [row] = await db.query<SandboxDisputeRow>(sql`
    WITH kept AS (
      UPDATE sandbox_disputes SET evidence = ${evidence} WHERE id = ${id} AND status = 'open' RETURNING *
    )
    SELECT ${DISPUTE_COLUMNS} FROM kept d JOIN sandbox_intents i ON i.id = d.intent_id`);
  return row;
}

/** Decides an open dispute; answers it when it changed. */
export async function closeDispute(
  db: Queryable,
  id: string,
  status: 'won' | 'lost',
): Promise<SandboxDisputeRow | undefined> {
  const [row] = await db.query<SandboxDisputeRow>(sql`
    WITH closed AS (
      UPDATE sandbox_disputes SET status = ${status} WHERE id = ${id} AND status = 'open' RETURNING *
    )
    SELECT ${DISPUTE_COLUMNS} FROM closed d JOIN sandbox_intents i ON i.id = d.intent_id`);
  return row;
}

export async function findDisputeEvidence(db: Queryable, id: string): Promise<string | null | undefined> {
  const [row] = await db.query<{ evidence: string | null }>(
    sql`SELECT evidence FROM sandbox_disputes WHERE id = ${id}`,
  );
  return row?.evidence;
}
