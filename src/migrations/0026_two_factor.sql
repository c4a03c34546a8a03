-- Two-factor sign-in (TOTP, RFC 6238): one row per user who has set it up or is setting it up.
CREATE TABLE two_factor (
  user_id text PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  -- The base32 secret answered by setup, waiting for a code from it to become the secret in use.
  pending_secret text,
  -- The secret in use: two-factor sign-in is on exactly while it is set.
  secret text,
  enabled_at timestamptz,
  -- The last TOTP time step accepted: codes of it and earlier steps are refused, so none is replayed.
  last_used_step bigint,
  CHECK ((secret IS NULL) = (enabled_at IS NULL))
);

-- Single-use recovery codes: only the SHA-256 of each (they are random, 80 bits) is stored.
CREATE TABLE two_factor_recovery_codes (
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash bytea NOT NULL,
  used_at timestamptz,
  PRIMARY KEY (user_id, code_hash)
);
