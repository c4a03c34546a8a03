import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { PAYOUT_TRANSITIONS, payoutStatusesAllowing } from './payments.state.js';
import { payoutAccountStateOf } from './stripe.js';

describe('the payout lifecycle', () => {
  it('pays or fails a pending payout; fails a paid one (a reversal); never leaves failed', () => {
    expect(PAYOUT_TRANSITIONS).toEqual({
      pending: { paid: 'paid', failed: 'failed' },
      paid: { failed: 'failed' },
      failed: {},
    });
    expect(payoutStatusesAllowing('paid')).toEqual(['pending']);
    expect(payoutStatusesAllowing('failed')).toEqual(['pending', 'paid']);
  });
});

describe("a Stripe connected account's standing", () => {
  const account = (fields: Partial<Stripe.Account>): Stripe.Account =>
    ({ id: 'acct_1', object: 'account', ...fields }) as Stripe.Account;
  const requirements = (fields: Partial<Stripe.Account.Requirements>) =>
    ({ currently_due: [], past_due: [], disabled_reason: null, ...fields }) as Stripe.Account.Requirements;

  it('is pending before onboarding, restricted when Stripe needs more, enabled when it can be paid', () => {
    expect(
      payoutAccountStateOf(
        account({ details_submitted: false, requirements: requirements({ currently_due: ['tos'] }) }),
      ),
    ).toEqual({ status: 'pending', requirements: ['tos'] });
    expect(
      payoutAccountStateOf(
        account({
          details_submitted: true,
          payouts_enabled: false,
          requirements: requirements({ past_due: ['id'], currently_due: ['id', 'bank'] }),
        }),
      ),
    ).toEqual({ status: 'restricted', requirements: ['id', 'bank'] });
    expect(
      payoutAccountStateOf(
        account({
          details_submitted: true,
          payouts_enabled: true,
          capabilities: { transfers: 'active' },
          requirements: requirements({}),
        }),
      ),
    ).toEqual({ status: 'enabled', requirements: [] });
    // Payouts on, but transfers not active: it cannot receive our money yet.
    expect(
      payoutAccountStateOf(
        account({ details_submitted: true, payouts_enabled: true, capabilities: { transfers: 'pending' } }),
      ).status,
    ).toBe('restricted');
  });

  it('is disabled when Stripe rejected it', () => {
    expect(
      payoutAccountStateOf(
        account({
          details_submitted: true,
          requirements: requirements({ disabled_reason: 'rejected.fraud' }),
        }),
      ).status,
    ).toBe('disabled');
  });
});
