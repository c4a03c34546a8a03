import { z } from 'zod';
import type { JobRunner } from '../../platform/jobs.js';
import type { PaymentsService } from './payments.service.js';

/** The payments module's durable jobs, by name, and the payload each is scheduled with. */
export const paymentJobs = {
  sendRefund: 'payments.send-refund',
  sendPayout: 'payments.send-payout',
  cancelIntent: 'payments.cancel-intent',
  /** Periodic (the worker runs it): payments stuck in processing are re-read from their provider. */
  reconcile: 'payments.reconcile',
} as const;
export const SendRefundPayload = z.object({ refundId: z.string() });
export type SendRefundPayload = z.infer<typeof SendRefundPayload>;
export const SendPayoutPayload = z.object({ payoutId: z.string() });
export type SendPayoutPayload = z.infer<typeof SendPayoutPayload>;
export const CancelIntentPayload = z.object({ provider: z.string(), reference: z.string() });
export type CancelIntentPayload = z.infer<typeof CancelIntentPayload>;

/**
 * The provider calls that follow a committed change (refunds, payouts, cancelling an intent) run
 * as durable jobs, retried with backoff; each is keyed by our id at the provider, so a rerun is
 * harmless.
 */
export function registerPaymentJobs(jobs: JobRunner, payments: PaymentsService): void {
  jobs.register(paymentJobs.sendRefund, async (payload) =>
    payments.sendRefund(SendRefundPayload.parse(payload).refundId),
  );
  jobs.register(paymentJobs.sendPayout, async (payload) =>
    payments.sendPayout(SendPayoutPayload.parse(payload).payoutId),
  );
  jobs.register(paymentJobs.cancelIntent, async (payload) => {
    const { provider, reference } = CancelIntentPayload.parse(payload);
    await payments.cancelIntent(provider, reference);
  });
}
