import { type Queryable, sql, sqlArray } from '../../platform/db.js';
import { keysetTime } from '../../platform/pagination.js';
import type { ReturnReason, ReturnStatus } from './returns.state.js';

export interface HistoryEntry {
  status: ReturnStatus;
  at: string;
  actor: 'buyer' | 'seller' | 'admin' | 'system';
  note: string | null;
}

export interface ReturnRow {
  id: string;
  orderId: string;
  orderNumber: string;
  buyerId: string;
  shopId: string;
  status: ReturnStatus;
  reason: ReturnReason;
  note: string | null;
  currency: string;
  itemsAmount: number;
  shippingAmount: number;
  refundId: string | null;
  fundedBy: 'shop' | 'platform' | null;
  restock: boolean | null;
  respondBy: Date;
  history: HistoryEntry[];
  createdAt: Date;
  updatedAt: Date;
}

export interface ReturnItemRow {
  returnId: string;
  orderItemId: string;
  title: string;
  quantity: number;
  amount: number;
}

export type NewReturn = Omit<
  ReturnRow,
  'status' | 'refundId' | 'fundedBy' | 'restock' | 'history' | 'createdAt' | 'updatedAt'
> & { history: HistoryEntry[] };

const RETURN_COLUMNS = sql`id, order_id AS "orderId", order_number AS "orderNumber", buyer_id AS "buyerId",
  shop_id AS "shopId", status, reason, note, currency, items_amount AS "itemsAmount",
  shipping_amount AS "shippingAmount", refund_id AS "refundId", funded_by AS "fundedBy", restock,
  respond_by AS "respondBy", history, created_at AS "createdAt", updated_at AS "updatedAt"`;

const ITEM_COLUMNS = sql`return_id AS "returnId", order_item_id AS "orderItemId", title, quantity, amount`;

export async function insertReturn(
  db: Queryable,
  row: NewReturn,
  items: readonly Omit<ReturnItemRow, 'returnId'>[],
): Promise<ReturnRow> {
  const [inserted] = await db.query<ReturnRow>(sql`
    INSERT INTO returns (id, order_id, order_number, buyer_id, shop_id, status, reason, note, currency,
                         items_amount, shipping_amount, respond_by, history)
    VALUES (${row.id}, ${row.orderId}, ${row.orderNumber}, ${row.buyerId}, ${row.shopId}, 'requested',
            ${row.reason}, ${row.note}, ${row.currency}, ${row.itemsAmount}, ${row.shippingAmount},
            ${row.respondBy.toISOString()}::timestamptz, ${JSON.stringify(row.history)}::jsonb)
    RETURNING ${RETURN_COLUMNS}`);
  await db.execute(sql`
    INSERT INTO return_items (return_id, order_item_id, title, quantity, amount)
    SELECT ${row.id}, i.order_item_id, i.title, i.quantity, i.amount
    FROM jsonb_to_recordset(${JSON.stringify(
      items.map((item) => ({
        order_item_id: item.orderItemId,
        title: item.title,
        quantity: item.quantity,
        amount: item.amount,
      })),
    )}::jsonb) AS i(order_item_id text, title text, quantity integer, amount bigint)`);
  return inserted!;
}

export async function findReturn(db: Queryable, id: string, lock = false): Promise<ReturnRow | undefined> {
  const [row] = await db.query<ReturnRow>(
    sql`SELECT ${RETURN_COLUMNS} FROM returns WHERE id = ${id} ${lock ? sql`FOR UPDATE` : sql``}`,
  );
  return row;
}

export async function findItems(db: Queryable, returnIds: readonly string[]): Promise<ReturnItemRow[]> {
  if (returnIds.length === 0) return [];
  return db.query<ReturnItemRow>(sql`
    SELECT ${ITEM_COLUMNS} FROM return_items
    WHERE return_id = ANY(${sqlArray(returnIds)}::text[])
    ORDER BY return_id, order_item_id`);
}

/** The order's returns, oldest first. */
export async function returnsOfOrder(db: Queryable, orderId: string): Promise<ReturnRow[]> {
  return db.query<ReturnRow>(
    sql`SELECT ${RETURN_COLUMNS} FROM returns WHERE order_id = ${orderId} ORDER BY created_at, id`,
  );
}

export interface ReturnListFilter {
  shopId?: string | undefined;
  status?: ReturnStatus | undefined;
  /** Created in [from, to). */
  from?: Date | undefined;
  to?: Date | undefined;
  after?: { createdAt: string; id: string } | undefined;
  limit: number;
}

/** Newest first, keyset-paginated on (created_at, id): a shop's, or every shop's (admins). */
export async function listReturns(
  db: Queryable,
  filter: ReturnListFilter,
): Promise<(ReturnRow & { createdKey: string })[]> {
  const conditions = [sql`true`];
  if (filter.shopId !== undefined) conditions.push(sql`shop_id = ${filter.shopId}`);
  if (filter.status !== undefined) conditions.push(sql`status = ${filter.status}`);
  if (filter.from) conditions.push(sql`created_at >= ${filter.from.toISOString()}::timestamptz`);
  if (filter.to) conditions.push(sql`created_at < ${filter.to.toISOString()}::timestamptz`);
  if (filter.after)
    conditions.push(sql`(created_at, id) < (${filter.after.createdAt}::timestamptz, ${filter.after.id})`);
  return db.query<ReturnRow & { createdKey: string }>(sql`
    SELECT ${RETURN_COLUMNS}, ${keysetTime(sql`created_at`)} AS "createdKey" FROM returns
    WHERE ${sql.join(conditions, sql` AND `)}
    ORDER BY created_at DESC, id DESC
    LIMIT ${filter.limit + 1}`);
}

/**
 * Moves a return from `from` to `to`, appending to its timeline, only while it is still `from`
 * (answers undefined otherwise): the conditional write that makes a racing action lose.
 */
export async function transitionReturn(
  db: Queryable,
  id: string,
  change: {
    from: ReturnStatus;
    to: ReturnStatus;
    entry: HistoryEntry;
    refundId?: string;
    fundedBy?: 'shop' | 'platform';
    restock?: boolean;
  },
): Promise<ReturnRow | undefined> {
  const [row] = await db.query<ReturnRow>(sql`
    UPDATE returns SET status = ${change.to},
      history = history || ${JSON.stringify([change.entry])}::jsonb,
      refund_id = COALESCE(${change.refundId ?? null}, refund_id),
      funded_by = COALESCE(${change.fundedBy ?? null}, funded_by),
      restock = COALESCE(${change.restock ?? null}::boolean, restock),
      updated_at = now()
    WHERE id = ${id} AND status = ${change.from}
    RETURNING ${RETURN_COLUMNS}`);
  return row;
}
