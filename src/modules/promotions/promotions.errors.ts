import { defineErrors } from '../../platform/problems.js';

/** The promotions module's error cases: reason → the API.md code it answers with. */
export const promotionsErrors = defineErrors({
  /** Also another owner's promotion: nobody learns which ids exist. */
  promotion_not_found: { code: 'not_found', detail: 'The promotion does not exist.' },
  /** Another active promotion has the same code, whatever its case. */
  promotion_code_taken: { code: 'conflict', detail: 'An active promotion has this code already.' },
  promotion_invalid: { code: 'validation_failed' },
});
