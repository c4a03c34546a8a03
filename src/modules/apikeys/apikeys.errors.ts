import { defineErrors } from '../../platform/problems.js';

/** The API keys module's error cases: reason → the API.md code it answers with. */
export const apiKeysErrors = defineErrors({
  /** Also another owner's key, a revoked one, or a seller's key asked for on the admin page. */
  api_key_not_found: { code: 'not_found', detail: 'The API key does not exist.' },
  /** `admin` on a seller's key: only admins make keys that act as an admin. */
  api_key_scope_not_allowed: { code: 'validation_failed' },
  /** An expiry that is not in the future. */
  api_key_expiry_past: { code: 'validation_failed' },
});
