import { defineErrors } from '../../platform/problems.js';

/** Why a code does not apply to the cart: each a `reason` of 422 promotion_not_applicable. */
export const CODE_REFUSALS = {
  promotion_unknown: 'no promotion has this code',
  promotion_inactive: 'the promotion is not active',
  promotion_not_started: 'the promotion has not started yet',
  promotion_ended: 'the promotion has ended',
  promotion_used_up: 'the promotion has been used up',
  promotion_below_minimum: 'the cart is below the promotion’s minimum',
  promotion_no_matching_items: 'nothing in the cart is in the promotion',
  promotion_better_discount_applied: 'the items it covers already have a bigger discount',
} as const;
export type CodeRefusal = keyof typeof CODE_REFUSALS;

const notApplicable = Object.fromEntries(
  Object.entries(CODE_REFUSALS).map(([reason, detail]) => [
    reason,
    { code: 'promotion_not_applicable', detail: `This code does not apply: ${detail}.` },
  ]),
) as { [R in CodeRefusal]: { code: 'promotion_not_applicable'; detail: string } };

/** The promotions module's error cases: reason → the API.md code it answers with. */
export const promotionsErrors = defineErrors({
  /** Also another owner's promotion: nobody learns which ids exist. */
  promotion_not_found: { code: 'not_found', detail: 'The promotion does not exist.' },
  /** Another active promotion has the same code, whatever its case. */
  promotion_code_taken: { code: 'conflict', detail: 'An active promotion has this code already.' },
  promotion_invalid: { code: 'validation_failed' },
  /** A list's `?from=&to=` that ends before it starts. */
  period_invalid: { code: 'validation_failed' },
  /** The use (or the buyer's own uses) reached the limit: nothing was reserved. */
  promotion_exhausted: { code: 'promotion_exhausted', detail: 'The promotion has been used up.' },
  ...notApplicable,
});
