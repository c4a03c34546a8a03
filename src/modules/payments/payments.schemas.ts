import { z } from 'zod';
import { MoneySchema, money, moneyInput } from '../../platform/money.js';
import { CreatedPosition, PageQuery } from '../../platform/pagination.js';
import { periodQuery } from '../../platform/period.js';
import { PAYOUT_ACCOUNT_STATUSES } from './payments.provider.js';
import type { PaymentRow, PayoutAccountRow, PayoutRow, RefundRow } from './payments.repo.js';
import { PAYMENT_STATUSES } from './payments.state.js';

export const Payment = z.object({
  id: z.string(),
  status: z.enum(PAYMENT_STATUSES),
  amount: MoneySchema,
  provider: z.string(),
  orders: z.array(z.string()),
  failure_code: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type PaymentView = z.infer<typeof Payment>;

export const ConfirmBody = z.strictObject({ payment_method: z.string().min(1).max(100) });

export const presentPayment = (payment: PaymentRow): PaymentView => ({
  id: payment.id,
  status: payment.status,
  amount: money(payment.amount, payment.currency),
  provider: payment.provider,
  orders: payment.orderIds,
  failure_code: payment.failureCode,
  created_at: payment.createdAt.toISOString(),
  updated_at: payment.updatedAt.toISOString(),
});

export const Refund = z.object({
  id: z.string(),
  order_id: z.string(),
  amount: MoneySchema,
  reason: z.string(),
  status: z.enum(['pending', 'succeeded', 'failed']),
  created_at: z.string(),
});
export type RefundView = z.infer<typeof Refund>;

export const presentRefund = (refund: RefundRow): RefundView => ({
  id: refund.id,
  order_id: refund.orderId,
  amount: money(refund.amount, refund.currency),
  reason: refund.reason,
  status: refund.status,
  created_at: refund.createdAt.toISOString(),
});

export const Payout = z.object({
  id: z.string(),
  amount: MoneySchema,
  status: z.enum(['pending', 'paid', 'failed']),
  /** Why the provider did not pay it, or took it back (null unless `failed`). */
  failure_code: z.string().nullable(),
  created_at: z.string(),
});
export type PayoutView = z.infer<typeof Payout>;

export const presentPayout = (payout: PayoutRow): PayoutView => ({
  id: payout.id,
  amount: money(payout.amount, payout.currency),
  status: payout.status,
  failure_code: payout.failureCode,
  created_at: payout.createdAt.toISOString(),
});

export const PayoutAccount = z.object({
  id: z.string(),
  provider: z.string(),
  status: z.enum(PAYOUT_ACCOUNT_STATUSES),
  /** Where the seller completes the account; null once it is enabled. */
  onboarding_url: z.string().nullable(),
  requirements: z.array(z.string()),
  created_at: z.string(),
});
export type PayoutAccountView = z.infer<typeof PayoutAccount>;

export const presentPayoutAccount = (
  account: PayoutAccountRow,
  onboardingUrl: string | null,
): PayoutAccountView => ({
  id: account.id,
  provider: account.provider,
  status: account.status,
  onboarding_url: onboardingUrl,
  requirements: account.requirements,
  created_at: account.createdAt.toISOString(),
});

export const payoutBody = (currency: string) => z.strictObject({ amount: moneyInput(currency) });

export const PayoutListQuery = PageQuery.strict();
export const PayoutCursor = CreatedPosition;

// Back-office lists: every payment, refund and payout, with who they belong to.

export const AdminPayment = Payment.extend({ buyer_id: z.string().nullable() });
export const presentAdminPayment = (payment: PaymentRow): z.infer<typeof AdminPayment> => ({
  ...presentPayment(payment),
  buyer_id: payment.buyerId,
});

export const AdminRefund = Refund.extend({ payment_id: z.string(), shop_id: z.string() });
export const presentAdminRefund = (refund: RefundRow): z.infer<typeof AdminRefund> => ({
  ...presentRefund(refund),
  payment_id: refund.paymentId,
  shop_id: refund.shopId,
});

export const AdminPayout = Payout.extend({ shop_id: z.string() });
export const presentAdminPayout = (payout: PayoutRow): z.infer<typeof AdminPayout> => ({
  ...presentPayout(payout),
  shop_id: payout.shopId,
});

const adminListQuery = <Status extends z.ZodType>(status: Status) =>
  PageQuery.extend({ status: status.optional(), ...periodQuery }).strict();

export const AdminPaymentListQuery = adminListQuery(Payment.shape.status);
export const AdminRefundListQuery = adminListQuery(Refund.shape.status);
export const AdminPayoutListQuery = adminListQuery(Payout.shape.status);

export const WebhookParams = z.strictObject({ provider: z.string().min(1).max(32) });
export const WebhookAnswer = z.object({
  received: z.literal(true),
  outcome: z
    .enum(['applied', 'duplicate', 'ignored'])
    .describe('ignored: an unknown payment, or a type not acted on'),
});
export type WebhookOutcome = z.infer<typeof WebhookAnswer>['outcome'];
