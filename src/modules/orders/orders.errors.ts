import { AppError } from '../../platform/errors.js';
import type { Money } from '../../platform/money.js';
import { defineErrors, PROBLEM_CODES } from '../../platform/problems.js';

/** The orders module's error cases: reason → the API.md code it answers with. */
export const ordersErrors = defineErrors({
  order_not_found: { code: 'not_found', detail: 'The order does not exist.' },
  /** Checkout of an empty cart (API.md: 422 validation_failed). */
  cart_empty: { code: 'validation_failed' },
  /** Checkout of lines no longer for sale: `errors` lists them with `available` 0. */
  variant_unavailable: { code: 'invalid_state' },
  shipment_item_unknown: { code: 'validation_failed' },
  /** More units than ordered minus shipped minus taken back by refunds. */
  shipment_exceeds_remaining: { code: 'validation_failed' },
  /** Checkout's `expected_total` is not what it would charge: see PriceChanged. */
  total_changed: { code: 'price_changed' },
  not_order_buyer: { code: 'forbidden' },
  not_order_seller: { code: 'forbidden' },
  /** A refund of an order that was never paid. */
  order_not_paid: { code: 'invalid_state' },
  refund_exceeds_remaining: { code: 'validation_failed' },
  restock_item_unknown: { code: 'validation_failed' },
  restock_quantity_exceeded: { code: 'validation_failed' },
  // The order's status does not allow the event (orders.state.ts names which reason each event gives).
  order_not_payable: { code: 'invalid_state' },
  order_not_cancellable: { code: 'invalid_state' },
  order_not_expirable: { code: 'invalid_state' },
  order_not_shippable: { code: 'invalid_state' },
  order_not_deliverable: { code: 'invalid_state' },
  order_not_refundable: { code: 'invalid_state' },
  /** A list's `?from=&to=` that ends before it starts. */
  period_invalid: { code: 'validation_failed' },
});

/**
 * The buyer was shown another total than checkout would charge (a price changed in between):
 * nothing is reserved, and the problem carries the total that would be charged now.
 */
export class PriceChanged extends AppError {
  constructor(
    readonly currentTotal: Money,
    readonly expectedTotal: Money,
  ) {
    const { code } = ordersErrors.cases.total_changed;
    super(
      PROBLEM_CODES[code].status,
      code,
      PROBLEM_CODES[code].title,
      `The total is now ${currentTotal.amount} ${currentTotal.currency}, not the ${expectedTotal.amount} expected.`,
      undefined,
      {},
      'total_changed',
    );
  }

  override get extensions() {
    return { current_total: this.currentTotal };
  }
}
