import { defineErrors } from '../../platform/problems.js';

/** The cart's error cases: reason → the API.md code it answers with. */
export const cartErrors = defineErrors({
  cart_item_not_found: { code: 'not_found', detail: 'The cart item does not exist.' },
  line_quantity_over_limit: { code: 'validation_failed' },
  variant_not_for_sale: { code: 'validation_failed' },
  /** The line's resulting quantity is above the variant's stock: `errors` lists the Shortage. */
  quantity_over_stock: { code: 'insufficient_stock' },
});
