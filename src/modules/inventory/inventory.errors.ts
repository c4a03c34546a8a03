import { defineErrors } from '../../platform/problems.js';

/** Inventory's error cases: reason → the API.md code it answers with. */
export const inventoryErrors = defineErrors({
  /** Reserving (or checking) stock for lines some of which are short: `errors` lists each Shortage. */
  stock_short: { code: 'insufficient_stock' },
  on_hand_below_reserved: { code: 'conflict' },
  variant_not_found: { code: 'not_found', detail: 'The variant does not exist.' },
});

/** One short line of an `insufficient_stock` answer (API.md). */
export interface Shortage {
  variant_id: string;
  requested: number;
  available: number;
}

/** The detail of an `insufficient_stock` answer, whichever module's case it is. */
export const shortageDetail = (shortages: readonly Shortage[]): string =>
  `Not enough stock for ${shortages.map((s) => s.variant_id).join(', ')}.`;
