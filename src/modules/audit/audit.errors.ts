import { defineErrors } from '../../platform/problems.js';

/** The audit module's error cases: reason → the API.md code it answers with. */
export const auditErrors = defineErrors({
  /** `?to=` is before `?from=`: no event could match, which is a mistake worth naming. */
  audit_period_invalid: { code: 'validation_failed' },
});
