import { z } from 'zod';
import type { JobRunner } from '../../platform/jobs.js';
import {
  CANCEL_INTENT_JOB,
  type PaymentsService,
  SEND_PAYOUT_JOB,
  SEND_REFUND_JOB,
} from './payments.service.js';

/**
 * The provider calls that follow a committed change (refunds, payouts, cancelling an intent) run
 * as durable jobs, retried with backoff; each is keyed by our id at the provider, so a rerun is
 * harmless.
 */
export function registerPaymentJobs(jobs: JobRunner, payments: PaymentsService): void {
  jobs.register(SEND_REFUND_JOB, async (payload) =>
    payments.sendRefund(z.object({ refundId: z.string() }).parse(payload).refundId),
  );
  jobs.register(SEND_PAYOUT_JOB, async (payload) =>
    payments.sendPayout(z.object({ payoutId: z.string() }).parse(payload).payoutId),
  );
  jobs.register(CANCEL_INTENT_JOB, async (payload) => {
    const { provider, reference } = z.object({ provider: z.string(), reference: z.string() }).parse(payload);
    await payments.cancelIntent(provider, reference);
  });
}
