import { type Queryable, sql, sqlArray } from '../../platform/db.js';
import { newId } from '../../platform/ids.js';
import { keysetTime } from '../../platform/pagination.js';
import type { AccountName, EntryDraft, EntryKind } from './ledger.policy.js';

/**
 * Posts entries in one statement: their accounts are created on first use, and an entry whose
 * cause (kind, reference, order) was already posted is skipped with its postings. Answers the
 * entries posted. The database checks at commit that each entry balances.
 */
export async function postEntries(db: Queryable, drafts: readonly EntryDraft[]): Promise<EntryDraft[]> {
  const entries = drafts
    .filter((draft) => draft.postings.length > 0)
    .map((draft) => ({ ...draft, id: newId('je') }));
  if (entries.length === 0) return [];
  const accounts = new Map(
    entries.flatMap((e) => e.postings.map(({ account }) => [account.id, account] as const)),
  );
  const rows = await db.query<{ id: string }>(sql`
    WITH accounts AS (
      INSERT INTO ledger_accounts (id, shop_id, name, currency)
      SELECT a.id, a.shop_id, a.name, a.currency
      FROM jsonb_to_recordset(${JSON.stringify(
        [...accounts.values()].map((a) => ({
          id: a.id,
          shop_id: a.shopId,
          name: a.name,
          currency: a.currency,
        })),
      )}::jsonb) AS a(id text, shop_id text, name text, currency text)
      ON CONFLICT (id) DO NOTHING
    ), entries AS (
      INSERT INTO ledger_entries (id, kind, reference, shop_id, order_id)
      SELECT e.id, e.kind, e.reference, e.shop_id, e.order_id
      FROM jsonb_to_recordset(${JSON.stringify(
        entries.map((e) => ({
          id: e.id,
          kind: e.kind,
          reference: e.reference,
          shop_id: e.shopId,
          order_id: e.orderId,
        })),
      )}::jsonb) AS e(id text, kind text, reference text, shop_id text, order_id text)
      ON CONFLICT DO NOTHING
      RETURNING id
    ), postings AS (
      INSERT INTO ledger_postings (id, entry_id, account_id, currency, amount)
      SELECT p.id, p.entry_id, p.account_id, p.currency, p.amount
      FROM jsonb_to_recordset(${JSON.stringify(
        entries.flatMap((e) =>
          e.postings.map((p) => ({
            id: newId('led'),
            entry_id: e.id,
            account_id: p.account.id,
            currency: p.account.currency,
            amount: p.amount,
          })),
        ),
      )}::jsonb) AS p(id text, entry_id text, account_id text, currency text, amount bigint)
      WHERE p.entry_id IN (SELECT id FROM entries)
    )
    SELECT id FROM entries`);
  const posted = new Set(rows.map((row) => row.id));
  return entries.filter((entry) => posted.has(entry.id));
}

export interface OrderMoneyRow {
  /** The order's total as the payment entry booked it (0 before a payment). */
  captured: number;
  /** The commission the payment entry booked for the order. */
  commission: number;
  /** The tax the payment entry booked for the order (tax_payable). */
  tax: number;
  /** What platform-funded promotions paid for the order (promotions_expense). */
  expense: number;
  /** What is still pending for the order, as a credit to the seller. */
  pending: number;
  /** What refunds and lost disputes took back of the order so far (out of provider_clearing). */
  takenBack: number;
  /** Whether the order was delivered (its pending money became available). */
  delivered: boolean;
}

/** An order's booked money, read from its entries. */
export async function orderMoney(
  db: Queryable,
  orderId: string,
  accounts: { clearing: string; commission: string; tax: string; expense: string; pending: string },
): Promise<OrderMoneyRow> {
  const [row] = await db.query<OrderMoneyRow>(sql`
    SELECT
      coalesce(sum(p.amount) FILTER (WHERE e.kind = 'payment' AND p.account_id = ${accounts.clearing}), 0)::bigint AS captured,
      coalesce(-sum(p.amount) FILTER (WHERE e.kind = 'payment' AND p.account_id = ${accounts.commission}), 0)::bigint AS commission,
      coalesce(-sum(p.amount) FILTER (WHERE e.kind = 'payment' AND p.account_id = ${accounts.tax}), 0)::bigint AS tax,
      coalesce(sum(p.amount) FILTER (WHERE e.kind = 'payment' AND p.account_id = ${accounts.expense}), 0)::bigint AS expense,
      coalesce(-sum(p.amount) FILTER (WHERE p.account_id = ${accounts.pending}), 0)::bigint AS pending,
      coalesce(-sum(p.amount) FILTER (WHERE e.kind IN ('refund', 'dispute_loss') AND p.account_id = ${accounts.clearing}), 0)::bigint AS "takenBack",
      bool_or(e.kind = 'delivery') IS TRUE AS delivered
    FROM ledger_entries e JOIN ledger_postings p ON p.entry_id = e.id
    WHERE e.order_id = ${orderId}`);
  return row!;
}

/** What a dispute's hold entry holds of the order in `holdAccount` (0 when it holds nothing). */
export async function disputeHeld(
  db: Queryable,
  dispute: { disputeId: string; orderId: string },
  holdAccount: string,
): Promise<number> {
  const [row] = await db.query<{ held: number }>(sql`
    SELECT coalesce(-sum(p.amount), 0)::bigint AS held
    FROM ledger_entries e JOIN ledger_postings p ON p.entry_id = e.id
    WHERE e.kind = 'dispute_hold' AND e.reference = ${dispute.disputeId} AND e.order_id = ${dispute.orderId}
      AND p.account_id = ${holdAccount}`);
  return row!.held;
}

/** Holds the account until the transaction ends: concurrent payouts of one shop queue here. */
export async function lockAccount(db: Queryable, accountId: string): Promise<void> {
  await db.execute(sql`SELECT id FROM ledger_accounts WHERE id = ${accountId} FOR UPDATE`);
}

/** Balances as credits to their owner (what the platform owes a seller is positive). */
export async function creditBalances(
  db: Queryable,
  accountIds: readonly string[],
): Promise<Map<string, number>> {
  const rows = await db.query<{ accountId: string; balance: number }>(sql`
    SELECT account_id AS "accountId", -sum(amount)::bigint AS balance
    FROM ledger_postings WHERE account_id = ANY(${sqlArray(accountIds)}::text[])
    GROUP BY account_id`);
  return new Map(rows.map((row) => [row.accountId, row.balance]));
}

export interface LedgerLineRow {
  id: string;
  entryId: string;
  account: AccountName;
  /** Positive = a credit to the account's owner. */
  amount: number;
  currency: string;
  kind: EntryKind;
  reference: string;
  orderId: string | null;
  createdAt: Date;
  /** created_at, exactly, for the cursor. */
  position: string;
}

/** Postings of the accounts, newest first, keyset-paginated on (created_at, id). */
export async function listLines(
  db: Queryable,
  accountIds: readonly string[],
  page: { after?: { createdAt: string; id: string } | undefined; limit: number },
): Promise<LedgerLineRow[]> {
  const after = page.after
    ? sql` AND (p.created_at, p.id) < (${page.after.createdAt}::timestamptz, ${page.after.id})`
    : sql``;
  return db.query<LedgerLineRow>(sql`
    SELECT p.id, p.entry_id AS "entryId", a.name AS account, -p.amount AS amount, p.currency, e.kind, e.reference,
           e.order_id AS "orderId", p.created_at AS "createdAt", ${keysetTime(sql`p.created_at`)} AS position
    FROM ledger_postings p
    JOIN ledger_accounts a ON a.id = p.account_id
    JOIN ledger_entries e ON e.id = p.entry_id
    WHERE p.account_id = ANY(${sqlArray(accountIds)}::text[])${after}
    ORDER BY p.created_at DESC, p.id DESC
    LIMIT ${page.limit + 1}`);
}

export interface SalesDayRow {
  date: string;
  orders: number;
  gross: number;
  net: number;
}

/**
 * One row per UTC day of the last `days`, oldest first: orders paid, their totals, and what the
 * shop's pending and available accounts gained from sales and lost to refunds that day.
 */
export async function salesByDay(
  db: Queryable,
  shopId: string,
  days: number,
  accounts: { clearing: string; pending: string; available: string },
): Promise<SalesDayRow[]> {
  const today = sql`(now() AT TIME ZONE 'UTC')::date`;
  return db.query<SalesDayRow>(sql`
    WITH window_days AS (
      SELECT generate_series((${today} - ${days - 1}::int)::timestamp, ${today}::timestamp, interval '1 day')::date AS day
    ), activity AS (
      SELECT (e.created_at AT TIME ZONE 'UTC')::date AS day,
        count(DISTINCT e.id) FILTER (WHERE e.kind = 'payment')::int AS orders,
        coalesce(sum(p.amount) FILTER (WHERE e.kind = 'payment' AND p.account_id = ${accounts.clearing}), 0)::bigint AS gross,
        coalesce(-sum(p.amount) FILTER (WHERE e.kind IN ('payment', 'refund')
          AND p.account_id IN (${accounts.pending}, ${accounts.available})), 0)::bigint AS net
      FROM ledger_entries e JOIN ledger_postings p ON p.entry_id = e.id
      WHERE e.shop_id = ${shopId} AND e.created_at >= (${today} - ${days - 1}::int)::timestamp AT TIME ZONE 'UTC'
      GROUP BY 1
    )
    SELECT to_char(w.day, 'YYYY-MM-DD') AS date, coalesce(a.orders, 0) AS orders,
           coalesce(a.gross, 0)::bigint AS gross, coalesce(a.net, 0)::bigint AS net
    FROM window_days w LEFT JOIN activity a ON a.day = w.day
    ORDER BY w.day`);
}

export interface TrialBalanceRow {
  account: AccountName;
  currency: string;
  debits: number;
  credits: number;
}

/** Debits and credits of every account, summed by account name (all shops' together). */
export async function trialBalance(db: Queryable): Promise<TrialBalanceRow[]> {
  return db.query<TrialBalanceRow>(sql`
    SELECT a.name AS account, a.currency,
      coalesce(sum(p.amount) FILTER (WHERE p.amount > 0), 0)::bigint AS debits,
      coalesce(-sum(p.amount) FILTER (WHERE p.amount < 0), 0)::bigint AS credits
    FROM ledger_accounts a LEFT JOIN ledger_postings p ON p.account_id = a.id
    GROUP BY a.name, a.currency
    ORDER BY a.name, a.currency`);
}

/**
 * An account's movements in a period, by order, as credits (tax collected is positive, tax given
 * back negative): what the tax report reconciles with.
 */
export async function accountMovements(
  db: Queryable,
  accountId: string,
  period: { from: Date; to: Date },
): Promise<{ orderId: string; kind: string; credit: number }[]> {
  return db.query<{ orderId: string; kind: string; credit: number }>(sql`
    SELECT e.order_id AS "orderId", e.kind, -sum(p.amount)::bigint AS credit
    FROM ledger_postings p JOIN ledger_entries e ON e.id = p.entry_id
    WHERE p.account_id = ${accountId}
      AND p.created_at >= ${period.from.toISOString()}::timestamptz
      AND p.created_at < ${period.to.toISOString()}::timestamptz
    GROUP BY e.order_id, e.kind`);
}
