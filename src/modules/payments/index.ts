/**
 * Payments: one payment per checkout and its confirm attempts with a payment provider (the
 * built-in sandbox, or Stripe), provider webhooks applied exactly once, refunds and payouts.
 * Owns the tables payments, refunds, payouts, payout_accounts (where each shop is paid: an account
 * at the provider), payment_webhook_events and payment_settings, and
 * the sandbox provider's sandbox_* tables. A settled payment settles its orders through the
 * PaymentSettlement given at construction (orders' OrderSettlement), which answers the refunds due
 * and never calls payments back; news of card disputes goes to the DisputeReports given at
 * construction (the disputes module); money is booked through the ledger module.
 */

export { paymentsErrors } from './payments.errors.js';
export { paymentEvents } from './payments.events.js';
export { paymentJobs, registerPaymentJobs } from './payments.jobs.js';
export type { DisputeEvidence, DisputeReport, PaymentProvider, ProviderName } from './payments.provider.js';
export { createPaymentProviders } from './payments.providers.js';
export { paymentsRoutes } from './payments.routes.js';
export { Payment, type PaymentView, presentPayment, Refund, type RefundView } from './payments.schemas.js';
export {
  type DisputedPayment,
  type DisputeReports,
  type OrderMoney,
  type OrderRefund,
  type PaymentSettlement,
  type PaymentsDeps,
  PaymentsService,
  type SettledPayment,
} from './payments.service.js';
export { SandboxProvider, type WebhookDelivery, type WebhookTransport } from './sandbox.js';
export { sandboxOnboardingRoutes } from './sandbox.routes.js';
export { signWebhook, verifyWebhookSignature } from './webhook-signature.js';
