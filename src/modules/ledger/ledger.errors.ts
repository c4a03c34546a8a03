import { defineErrors } from '../../platform/problems.js';

/** The ledger's error cases: reason → the API.md code it answers with. */
export const ledgerErrors = defineErrors({
  /** A payout of more than the shop's available money (API.md: 422 validation_failed). */
  payout_exceeds_available: { code: 'validation_failed' },
});
