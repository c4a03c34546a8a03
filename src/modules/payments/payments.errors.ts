import { defineErrors } from '../../platform/problems.js';

/** The payments module's error cases: reason → the API.md code it answers with. */
export const paymentsErrors = defineErrors({
  /** `?to=` is before `?from=` in an admin list: no row could match, a mistake worth naming. */
  period_invalid: { code: 'validation_failed' },
  payment_not_found: { code: 'not_found', detail: 'The payment does not exist.' },
  webhook_provider_unknown: { code: 'not_found', detail: 'The webhook endpoint does not exist.' },
  payment_method_unknown: { code: 'validation_failed' },
  // The payment's status does not allow the event (payments.state.ts names which reason each event gives).
  payment_not_confirmable: { code: 'invalid_state' },
  payment_not_processing: { code: 'invalid_state' },
  payment_not_cancellable: { code: 'invalid_state' },
  // A webhook without a valid, current signature (API.md: 400 invalid_signature).
  signature_missing: { code: 'invalid_signature' },
  signature_malformed: { code: 'invalid_signature' },
  signature_stale: { code: 'invalid_signature' },
  signature_mismatch: { code: 'invalid_signature' },
  /** Payouts need an enabled payout account (checked before the amount). */
  payout_account_required: {
    code: 'payout_account_required',
    detail:
      'Set up your payout account (POST /v1/shop/payout-account) and complete it before requesting payouts.',
  },
  payout_account_not_found: { code: 'not_found', detail: 'The shop has no payout account yet.' },
  /** The provider takes no more evidence for the dispute (decided, or evidence already submitted). */
  dispute_evidence_refused: {
    code: 'invalid_state',
    detail: 'The payment provider takes no more evidence for this dispute.',
  },
  /**
   * A correctly signed event this server cannot apply yet (a second open dispute of a payment, or the
   * closing of a dispute not heard of, without what opening it needs): answered 409, so the provider
   * delivers it again later, once the news before it has arrived.
   */
  event_early: { code: 'conflict' },
  /** Correctly signed, but not an event of the provider's. */
  event_malformed: { code: 'invalid_signature' },
});
