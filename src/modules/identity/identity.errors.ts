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
  /** The shop's status does not allow the action (shops.state.ts). */
  shop_transition_refused: { code: 'invalid_state' },
  /** Closing needs no open orders and a zero balance. */
  shop_not_closable: { code: 'invalid_state' },
  /** Too many failed password checks for this account, this client, or both (login-throttle.ts). */
  login_attempts_exceeded: { code: 'rate_limited' },
  /** Too many sign-ups from this client this hour (registration-throttle.ts). */
  registrations_exceeded: { code: 'rate_limited' },
  /** Too many reset requests for this email, or from this client, this hour. */
  password_resets_exceeded: { code: 'rate_limited' },
  /** Too many verification emails asked for by this user this hour. */
  verification_emails_exceeded: { code: 'rate_limited' },
  /** A reset, verification or email-change token that is unknown, used, expired or for an old address. */
  token_invalid: {
    code: 'invalid_token',
    detail: 'This link is not valid: it was used already, it expired, or it was never issued.',
  },
  new_email_unchanged: { code: 'validation_failed' },
  /** BAZAAR_REQUIRE_VERIFIED_SELLERS: a shop needs a verified email. */
  email_unverified: { code: 'email_unverified', detail: 'Verify your email address before opening a shop.' },
  /** Every password hashing slot and queue place is taken (passwords.ts); retry after Retry-After. */
  hash_queue_full: { code: 'service_unavailable' },
});

/** A reason of identity's cases, for errors built outside defineErrors (they carry Retry-After). */
export type IdentityReason = keyof typeof identityErrors.cases;

/** Two-factor sign-in's error cases (two-factor.service.ts). */
export const twoFactorErrors = defineErrors({
  /** The password was right; the account needs a TOTP or recovery code too (counted as a failed login). */
  otp_required: {
    code: 'mfa_required',
    detail: 'Enter a code from your authenticator app or a recovery code.',
  },
  /** Only after a right password: wrong, already used, or replayed. */
  otp_rejected: { code: 'invalid_credentials', detail: 'The two-factor code is wrong or was already used.' },
  two_factor_code_wrong: { code: 'validation_failed' },
  two_factor_already_enabled: {
    code: 'conflict',
    detail: 'Two-factor sign-in is already on; disable it before setting it up again.',
  },
  two_factor_not_set_up: {
    code: 'conflict',
    detail: 'Set up two-factor sign-in first (POST /v1/me/2fa/setup).',
  },
  two_factor_not_enabled: { code: 'conflict', detail: 'Two-factor sign-in is not on.' },
});
