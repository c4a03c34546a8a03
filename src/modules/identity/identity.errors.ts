import { defineErrors } from '../../platform/problems.js';

/** Identity's error cases: reason → the API.md code it answers with. */
export const identityErrors = defineErrors({
  email_taken: { code: 'conflict', detail: 'This email is already registered.' },
  shop_already_open: { code: 'conflict', detail: 'You already have a shop.' },
  self_suspension: { code: 'conflict', detail: 'An admin cannot suspend their own account.' },
  /** One reason for an unknown email, a wrong password and a suspended account: it tells nothing. */
  credentials_rejected: { code: 'invalid_credentials', detail: 'The email or password is wrong.' },
  password_rejected: { code: 'validation_failed' },
  current_password_wrong: { code: 'validation_failed' },
  user_not_found: { code: 'not_found', detail: 'The user does not exist.' },
  shop_not_found: { code: 'not_found', detail: 'The shop does not exist.' },
});
