import { z } from 'zod';
import type { JobRunner } from '../../platform/jobs.js';
import type { AccountService } from './account.service.js';

/** The identity module's durable jobs, by name. */
export const identityJobs = {
  /** Periodic, no payload. */
  purgeIdleSessions: 'identity.purge-idle-sessions',
  /** Periodic, no payload: tokens a day past their expiry. */
  purgeStaleAccountTokens: 'identity.purge-stale-account-tokens',
  /** Mails a reset link to the account of an email, if it has one. */
  sendPasswordReset: 'identity.send-password-reset',
  /** A shop's vacation window started or ended: its listing is worked out again. */
  refreshShopListing: 'identity.refresh-shop-listing',
} as const;

export const RefreshShopListingPayload = z.object({ shopId: z.string() });
export type RefreshShopListingPayload = z.infer<typeof RefreshShopListingPayload>;

export function registerShopJobs(
  jobs: JobRunner,
  identity: { refreshShopListing(shopId: string): Promise<void> },
): void {
  jobs.register(identityJobs.refreshShopListing, async (payload) => {
    await identity.refreshShopListing(RefreshShopListingPayload.parse(payload).shopId);
  });
}

export const PasswordResetJobPayload = z.object({ email: z.string() });

export function registerAccountJobs(jobs: JobRunner, account: AccountService): void {
  jobs.register(identityJobs.sendPasswordReset, async (payload, context) => {
    await account.sendPasswordReset(PasswordResetJobPayload.parse(payload).email, context.jobId);
  });
}
