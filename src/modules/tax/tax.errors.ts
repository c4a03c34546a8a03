import { defineErrors } from '../../platform/problems.js';

/** The tax module's error cases: reason → the API.md code it answers with. */
export const taxErrors = defineErrors({
  tax_rate_not_found: { code: 'not_found', detail: 'No such tax rate.' },
  /** Another rate has the same country, region and category: "the most specific" would be undecided. */
  tax_rate_exists: {
    code: 'conflict',
    detail: 'A rate for this country, region and category exists already.',
  },
  report_period_invalid: { code: 'validation_failed' },
});
