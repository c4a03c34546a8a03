import { z } from 'zod';
import { MoneySchema, money } from '../../platform/money.js';
import { CreatedPosition, PageQuery } from '../../platform/pagination.js';
import { periodQuery } from '../../platform/period.js';
import type { DisputeOrderRow, DisputeRow, EvidenceRow } from './disputes.repo.js';
import { DISPUTE_STATUSES } from './disputes.state.js';

export const DisputeEvidence = z.object({
  id: z.string(),
  shop_id: z.string(),
  text: z.string(),
  media_ids: z.array(z.string()),
  submitted_at: z.string(),
});

/** A dispute as the API shows it: to an admin whole, to a seller only their shop's part of it. */
export const Dispute = z.object({
  id: z.string(),
  payment_id: z.string(),
  order_ids: z.array(z.string()).describe("the disputed payment's orders (a seller sees only their shop's)"),
  amount: MoneySchema.describe(
    "what is disputed: to an admin the provider's amount, to a seller what the dispute holds of their shop's orders",
  ),
  reason: z.string(),
  status: z.enum(DISPUTE_STATUSES),
  evidence_due_by: z.string().nullable(),
  evidence: z.array(DisputeEvidence).describe('the evidence sent to the provider (a seller sees their own)'),
  created_at: z.string(),
  updated_at: z.string(),
  closed_at: z.string().nullable(),
});
export type DisputeView = z.infer<typeof Dispute>;

/** What dispute events say: the whole dispute, its buyer, and each shop's part (evidence stays private). */
export const DisputeEventData = Dispute.omit({ evidence: true }).extend({
  buyer_id: z.string().nullable(),
  shops: z.array(z.object({ shop_id: z.string(), order_ids: z.array(z.string()), amount: MoneySchema })),
});
export type DisputeEventView = z.infer<typeof DisputeEventData>;

export const DisputeListQuery = PageQuery.extend({
  status: z.enum(DISPUTE_STATUSES).optional(),
  ...periodQuery,
}).strict();
export const DisputeCursor = CreatedPosition;

export const DisputeParams = z.strictObject({ id: z.string().min(1).max(64) });

export const EvidenceBody = z.strictObject({
  text: z.string().trim().min(1).max(20_000),
  media_ids: z.array(z.string().min(1).max(64)).max(10).optional(),
});

/** The dispute as `shopId`'s seller sees it (only their orders, their part, their evidence), or whole. */
export function presentDispute(
  dispute: DisputeRow,
  parts: readonly DisputeOrderRow[],
  evidence: readonly EvidenceRow[],
  shopId?: string,
): DisputeView {
  const mine = <Row extends { shopId: string }>(rows: readonly Row[]) =>
    shopId === undefined ? rows : rows.filter((row) => row.shopId === shopId);
  const amount =
    shopId === undefined ? dispute.amount : mine(parts).reduce((sum, part) => sum + part.amount, 0);
  return {
    id: dispute.id,
    payment_id: dispute.paymentId,
    order_ids: mine(parts).map((part) => part.orderId),
    amount: money(amount, dispute.currency),
    reason: dispute.reason,
    status: dispute.status,
    evidence_due_by: dispute.evidenceDueBy?.toISOString() ?? null,
    evidence: mine(evidence).map((row) => ({
      id: row.id,
      shop_id: row.shopId,
      text: row.text,
      media_ids: row.mediaIds,
      submitted_at: row.createdAt.toISOString(),
    })),
    created_at: dispute.createdAt.toISOString(),
    updated_at: dispute.updatedAt.toISOString(),
    closed_at: dispute.closedAt?.toISOString() ?? null,
  };
}

export function presentDisputeEvent(
  dispute: DisputeRow,
  parts: readonly DisputeOrderRow[],
): DisputeEventView {
  const { evidence: _private, ...view } = presentDispute(dispute, parts, []);
  const shopIds = [...new Set(parts.map((part) => part.shopId))];
  return {
    ...view,
    buyer_id: dispute.buyerId,
    shops: shopIds.map((shopId) => {
      const own = parts.filter((part) => part.shopId === shopId);
      return {
        shop_id: shopId,
        order_ids: own.map((part) => part.orderId),
        amount: money(
          own.reduce((sum, part) => sum + part.amount, 0),
          dispute.currency,
        ),
      };
    }),
  };
}
