-- API keys: long-lived bearer secrets (`bzk_<id>_<secret>`) with which an integration acts as the
-- key's owner within the key's scopes. Only the SHA-256 of the secret is stored. A revoked key's row
-- stays (its audit events name it); every request reads the row by its primary key, so a
-- revocation holds on every process at the very next request.
CREATE TABLE api_keys (
  id text PRIMARY KEY,
  owner_id text NOT NULL,
  -- Which page made it and lists it: a seller's (shop) or an admin's; only admin keys hold `admin`.
  kind text NOT NULL CHECK (kind IN ('shop', 'admin')),
  -- The owner's shop when the key was made, so the shop's audit trail shows the key's making.
  shop_id text,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  scopes text[] NOT NULL CHECK (
    cardinality(scopes) >= 1
    AND scopes <@ ARRAY['products:read', 'products:write', 'orders:read', 'orders:write',
                        'payouts:read', 'webhooks:write', 'admin']::text[]
    AND (kind = 'admin' OR NOT ('admin' = ANY (scopes)))
  ),
  secret_hash bytea NOT NULL,
  expires_at timestamptz,
  last_used_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
-- The owner's page lists live keys, newest first.
CREATE INDEX api_keys_owner ON api_keys (owner_id, kind, created_at DESC) WHERE revoked_at IS NULL;
