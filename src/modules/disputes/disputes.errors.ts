import { defineErrors } from '../../platform/problems.js';

/** The disputes module's error cases: reason → the API.md code it answers with. */
export const disputesErrors = defineErrors({
  dispute_not_found: { code: 'not_found', detail: 'The dispute does not exist.' },
  /** The dispute was decided: nothing more changes it, evidence included. */
  dispute_closed: { code: 'invalid_state' },
  /** A media id that is not an image the caller uploaded. */
  evidence_media_unknown: { code: 'validation_failed' },
  /** A list's `?from=&to=` that ends before it starts. */
  period_invalid: { code: 'validation_failed' },
});
