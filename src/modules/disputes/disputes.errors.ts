import { defineErrors } from '../../platform/problems.js';

/** The disputes module's error cases: reason → the API.md code it answers with. */
export const disputesErrors = defineErrors({
  dispute_not_found: { code: 'not_found', detail: 'The dispute does not exist.' },
  /** The dispute was decided: nothing more changes it, evidence included. */
  dispute_closed: { code: 'invalid_state' },
  /** A media id that is not an image the caller uploaded. */
  evidence_media_unknown: { code: 'validation_failed' },
  /**
   * A provider told of a dispute this server cannot apply yet (a second open dispute of a payment,
   * or a closing of a dispute it has not heard of without what it needs to open it): answered 409
   * so the provider delivers it again later, once the earlier news has arrived.
   */
  dispute_report_early: { code: 'conflict' },
});
