import { defineErrors } from '../../platform/problems.js';

/** The returns module's error cases: reason → the API.md code it answers with. */
export const returnsErrors = defineErrors({
  /** Also another buyer's return, or one of another shop: nobody learns which ids exist. */
  return_not_found: { code: 'not_found', detail: 'The return does not exist.' },
  /** Also another buyer's order, or one of another shop. */
  order_not_found: { code: 'not_found', detail: 'The order does not exist.' },
  /** The order is not shipped or delivered (or is already refunded in full). */
  order_not_returnable: { code: 'invalid_state' },
  /** The return's status does not allow the action (returns.state.ts). */
  return_transition_refused: { code: 'invalid_state' },
  /** Readers who may not act: the buyer approving, the seller escalating. */
  not_return_seller: { code: 'forbidden' },
  not_return_buyer: { code: 'forbidden' },
  return_window_closed: { code: 'validation_failed' },
  return_item_unknown: { code: 'validation_failed' },
  /** More units than were shipped, less those returned or refunded already. */
  return_quantity_exceeded: { code: 'validation_failed' },
  /** The refund it leads to would take refunds past what was captured. */
  return_exceeds_refundable: { code: 'validation_failed' },
  /** A list's `?from=&to=` that ends before it starts. */
  period_invalid: { code: 'validation_failed' },
});
