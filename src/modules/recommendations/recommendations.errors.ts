import { defineErrors } from '../../platform/problems.js';

/** The recommendations module's error cases: reason → the API.md code it answers with. */
export const recommendationsErrors = defineErrors({
  /** The product is unknown, or not visible to buyers (the same reason the catalog gives). */
  product_not_found: { code: 'not_found', detail: 'The product does not exist.' },
});
