import { z } from 'zod';
import { MoneySchema, money } from '../../platform/money.js';
import { CreatedPosition, PageQuery } from '../../platform/pagination.js';
import { periodQuery } from '../../platform/period.js';
import type { HistoryEntry, ReturnItemRow, ReturnRow } from './returns.repo.js';
import { RETURN_REASONS, RETURN_STATUSES } from './returns.state.js';

const Id = z.string().min(1).max(64);
const text = (max: number) => z.string().trim().min(1).max(max);

export const ReturnParams = z.strictObject({ id: Id });

export const ReturnRequestBody = z.strictObject({
  items: z
    .array(z.strictObject({ order_item_id: Id, quantity: z.number().int().min(1).max(10_000) }))
    .min(1)
    .max(100),
  reason: z.enum(RETURN_REASONS),
  note: text(2000).optional(),
});

export const NoteBody = z.strictObject({ note: text(2000).optional() }).optional();
export const RejectBody = z.strictObject({ reason: text(2000) });
export const ReceiveBody = z.strictObject({ restock: z.boolean() });
export const ResolveBody = z
  .strictObject({
    outcome: z.enum(['refund', 'deny']),
    funded_by: z.enum(['shop', 'platform']).optional(),
  })
  .superRefine((body, context) => {
    if (body.outcome === 'deny' && body.funded_by !== undefined)
      context.addIssue({ code: 'custom', path: ['funded_by'], message: 'only a refund is funded' });
  });

export const ReturnListQuery = PageQuery.extend({
  status: z.enum(RETURN_STATUSES).optional(),
  ...periodQuery,
}).strict();
export const ReturnCursor = CreatedPosition;

export const ACTORS = ['buyer', 'seller', 'admin', 'system'] as const;
export type Actor = (typeof ACTORS)[number];

export const Return = z.object({
  id: z.string(),
  order_id: z.string(),
  order_number: z.string(),
  buyer_id: z.string(),
  shop_id: z.string(),
  status: z.enum(RETURN_STATUSES),
  reason: z.enum(RETURN_REASONS),
  note: z.string().nullable(),
  /** Each item's units and their paid value (price, discount and tax). */
  items: z.array(
    z.object({
      order_item_id: z.string(),
      title: z.string(),
      quantity: z.number().int(),
      amount: MoneySchema,
    }),
  ),
  /** The order's shipping this return gives back too (zero when it does not). */
  shipping: MoneySchema,
  /** What the return refunds: the items plus the shipping. */
  amount: MoneySchema,
  /** The one Refund the return made, once refunded. */
  refund_id: z.string().nullable(),
  /** Who bore the refund: the shop, or the platform when an admin resolved it at its cost. */
  funded_by: z.enum(['shop', 'platform']).nullable(),
  /** Whether the received units went back into stock; null until received. */
  restock: z.boolean().nullable(),
  /** A request not answered by then is approved automatically. */
  respond_by: z.string(),
  /** Every status the return reached, oldest first, with who moved it and their note. */
  history: z.array(
    z.object({
      status: z.enum(RETURN_STATUSES),
      at: z.string(),
      actor: z.enum(ACTORS),
      note: z.string().nullable(),
    }),
  ),
  created_at: z.string(),
  updated_at: z.string(),
});
export type ReturnView = z.infer<typeof Return>;

export const ReturnList = z.object({ data: z.array(Return), next_cursor: z.string().nullable() });

export function presentReturn(row: ReturnRow, items: readonly ReturnItemRow[]): ReturnView {
  const amount = (minor: number) => money(minor, row.currency);
  return {
    id: row.id,
    order_id: row.orderId,
    order_number: row.orderNumber,
    buyer_id: row.buyerId,
    shop_id: row.shopId,
    status: row.status,
    reason: row.reason,
    note: row.note,
    items: items.map((item) => ({
      order_item_id: item.orderItemId,
      title: item.title,
      quantity: item.quantity,
      amount: amount(item.amount),
    })),
    shipping: amount(row.shippingAmount),
    amount: amount(row.itemsAmount + row.shippingAmount),
    refund_id: row.refundId,
    funded_by: row.fundedBy,
    restock: row.restock,
    respond_by: row.respondBy.toISOString(),
    history: row.history.map((entry: HistoryEntry) => ({ ...entry })),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}
