import { defineErrors } from '../../platform/problems.js';

/** The analytics module's error cases: reason → the API.md code it answers with. */
export const analyticsErrors = defineErrors({
  /** `?to=` is before `?from=`: a span that ends before it starts is a mistake worth naming. */
  analytics_period_invalid: { code: 'validation_failed' },
  /** More periods than one answer carries (see MAX_PERIODS): ask for a coarser interval. */
  analytics_period_too_long: { code: 'validation_failed' },
});
