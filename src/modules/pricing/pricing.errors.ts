import { defineErrors } from '../../platform/problems.js';

/** What pricing's problems answer with when checkout cannot go through as asked. */
export const pricingErrors = defineErrors({
  /** A chosen shipping option that is not the shop's, not active, or does not apply: errors at /shipping_options/<shop_id>. */
  shipping_option_invalid: { code: 'validation_failed' },
  /** Shops whose options all exclude the address: `errors` lists them as {shop_id, detail}. */
  no_shipping_to_address: { code: 'not_shippable' },
});
