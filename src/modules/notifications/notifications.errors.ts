import { defineErrors } from '../../platform/problems.js';

/** The notifications module's error cases: reason → the API.md code it answers with. */
export const notificationErrors = defineErrors({
  /** One of the ids is not a notification of the caller's. */
  notification_not_found: { code: 'not_found', detail: 'No such notification.' },
  /** The dev mailbox is off (BAZAAR_DEV_MAILBOX), or the caller is not on this machine. */
  mailbox_off: { code: 'not_found', detail: 'The dev mailbox is not served here.' },
});
