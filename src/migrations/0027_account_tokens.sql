-- A verified email is one the user proved to receive mail at (a verification or an email-change link).
ALTER TABLE users ADD COLUMN email_verified_at timestamptz;

-- Single-use tokens mailed to a user: password resets, email verification and email changes.
-- Only the SHA-256 of a token is stored; the token itself lives only in the email.
CREATE TABLE account_tokens (
  token_hash bytea PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  purpose text NOT NULL CHECK (purpose IN ('password_reset', 'email_verification', 'email_change')),
  -- The address the token proves: the user's address when it was made (a verification for an
  -- address the user no longer has proves nothing), or the new address of an email change.
  email text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
  -- The request that made it (a password reset is made by a job, which may run twice).
  request_id text UNIQUE,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX account_tokens_user_id_idx ON account_tokens (user_id, purpose);
CREATE INDEX account_tokens_expires_at_idx ON account_tokens (expires_at);
