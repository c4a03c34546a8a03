-- Where each shop's payouts go: an account at the payment provider (a Stripe Connect account, or
-- the sandbox's). `provider_account_id` is null only between recording the account and the
-- provider answering (the provider call is keyed by `id`, so a retry finds the same account).
CREATE TABLE payout_accounts (
  id text PRIMARY KEY,
  shop_id text NOT NULL UNIQUE,
  provider text NOT NULL,
  provider_account_id text,
  status text NOT NULL CHECK (status IN ('pending', 'enabled', 'restricted', 'disabled')),
  -- What the provider still needs from the seller, in its words (e.g. "external_account").
  requirements jsonb NOT NULL DEFAULT '[]',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX payout_accounts_provider_account_key
  ON payout_accounts (provider, provider_account_id);

-- The provider account a payout was sent to; payouts made before accounts existed have none.
ALTER TABLE payouts ADD COLUMN destination text;

-- The sandbox's connected accounts: enabled by its onboarding page.
CREATE TABLE sandbox_accounts (
  id text PRIMARY KEY,
  idempotency_key text NOT NULL UNIQUE,
  status text NOT NULL CHECK (status IN ('pending', 'enabled')),
  created_at timestamptz NOT NULL DEFAULT now()
);
