import { AppError } from '../../platform/errors.js';
import type { Money } from '../../platform/money.js';

/**
 * The buyer was shown another total than checkout would charge (a price changed in between):
 * nothing is reserved, and the problem carries the total that would be charged now.
 */
export class PriceChanged extends AppError {
  constructor(
    readonly currentTotal: Money,
    readonly expectedTotal: Money,
  ) {
    super(
      409,
      'price_changed',
      'Price changed',
      `The total is now ${currentTotal.amount} ${currentTotal.currency}, not the ${expectedTotal.amount} expected.`,
    );
  }

  override get extensions() {
    return { current_total: this.currentTotal };
  }
}
