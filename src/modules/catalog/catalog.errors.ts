import { defineErrors } from '../../platform/problems.js';

/** The catalog's error cases: reason → the API.md code it answers with. */
export const catalogErrors = defineErrors({
  /** Unknown, or not visible to the caller (archived, or its shop unlisted). */
  product_not_found: { code: 'not_found', detail: 'The product does not exist.' },
  variant_not_found: { code: 'not_found', detail: 'The variant does not exist.' },
  category_not_found: { code: 'not_found', detail: 'The category does not exist.' },
  shop_required: { code: 'forbidden', detail: 'Open a shop first.' },
  /** Another shop's product the caller may read but not change. */
  not_product_shop: { code: 'forbidden', detail: 'Only the shop selling this product may change it.' },
  product_taken_down: {
    code: 'invalid_state',
    detail: 'An admin took this product down; it cannot be put back on sale.',
  },
  too_many_variants: { code: 'conflict' },
  sku_taken: { code: 'conflict', detail: 'Your shop has a variant with this SKU already.' },
  slug_taken: { code: 'conflict', detail: 'A category with this slug exists already.' },
  sku_repeated: { code: 'validation_failed', detail: 'The request is not valid.' },
  category_unknown: { code: 'validation_failed' },
  parent_category_unknown: { code: 'validation_failed' },
  category_cycle: { code: 'validation_failed' },
  /** A `/media/…` image URL this server never issued. */
  image_not_issued: { code: 'validation_failed', detail: 'The request is not valid.' },
  cursor_of_other_listing: { code: 'validation_failed' },
});
