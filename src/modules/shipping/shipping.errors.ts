import { defineErrors } from '../../platform/problems.js';

/** The shipping module's error cases: reason → the API.md code it answers with. */
export const shippingErrors = defineErrors({
  /** Also another user's address: nobody learns which ids exist. */
  address_not_found: { code: 'not_found', detail: 'The address does not exist.' },
  address_book_full: { code: 'validation_failed' },
  /** Also another shop's option. */
  shipping_option_not_found: { code: 'not_found', detail: 'The shipping option does not exist.' },
  shipping_options_full: { code: 'validation_failed' },
  shipping_option_days: { code: 'validation_failed' },
});
