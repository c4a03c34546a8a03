-- Payments with a provider (modules/payments): confirm attempts, refunds, payouts, the webhook
-- events already applied, and the built-in sandbox provider's own records.

-- `attempt` numbers the confirms: a provider event applies only to the attempt it is about, so a
-- late failure of an earlier attempt cannot fail a later one. An order cancelled while a charge is
-- in flight stays in `order_ids` (the charge is for it) and is listed in `withdrawn_order_ids`: on
-- success it is refunded, on failure it leaves the payment.
ALTER TABLE payments
  ADD COLUMN attempt integer NOT NULL DEFAULT 0 CHECK (attempt >= 0),
  ADD COLUMN withdrawn_order_ids text[] NOT NULL DEFAULT '{}',
  ADD COLUMN withdrawn_amount bigint NOT NULL DEFAULT 0 CHECK (withdrawn_amount >= 0),
  ADD COLUMN processing_since timestamptz,
  ADD CONSTRAINT payments_withdrawn_within_amount CHECK (withdrawn_amount <= amount),
  ADD CONSTRAINT payments_processing_since CHECK ((status = 'processing') = (processing_since IS NOT NULL));
CREATE INDEX payments_processing_idx ON payments (processing_since) WHERE status = 'processing';

CREATE TABLE refunds (
  id text PRIMARY KEY,
  order_id text NOT NULL,
  payment_id text NOT NULL REFERENCES payments (id),
  shop_id text NOT NULL,
  amount bigint NOT NULL CHECK (amount > 0),
  currency text NOT NULL,
  reason text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  provider text NOT NULL,
  provider_reference text,
  failure_code text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refunds_order_idx ON refunds (order_id, created_at, id);

CREATE TABLE payouts (
  id text PRIMARY KEY,
  shop_id text NOT NULL,
  amount bigint NOT NULL CHECK (amount > 0),
  currency text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'paid', 'failed')),
  provider text NOT NULL,
  provider_reference text,
  failure_code text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payouts_shop_idx ON payouts (shop_id, created_at DESC, id DESC);

-- Provider events already applied: a redelivery finds its id here and changes nothing.
CREATE TABLE payment_webhook_events (
  provider text NOT NULL,
  event_id text NOT NULL,
  type text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, event_id)
);

-- Values generated once and shared by every process (the sandbox's webhook secret).
CREATE TABLE payment_settings (
  name text PRIMARY KEY,
  value text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The sandbox provider's own books, as a payment service provider keeps them: one intent per
-- confirm attempt, at most one charge per intent, refunds bounded by the charge, payouts, and the
-- events it owes our webhook endpoint (delivered by durable jobs, the exact bytes kept).
CREATE TABLE sandbox_intents (
  id text PRIMARY KEY,
  idempotency_key text NOT NULL UNIQUE,
  payment_id text NOT NULL,
  attempt integer NOT NULL,
  amount bigint NOT NULL CHECK (amount > 0),
  currency text NOT NULL,
  status text NOT NULL CHECK (status IN ('requires_confirmation', 'processing', 'succeeded', 'failed', 'canceled')),
  payment_method text,
  failure_code text,
  refunded_amount bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT sandbox_intents_refund_within_charge CHECK (refunded_amount BETWEEN 0 AND amount)
);

CREATE TABLE sandbox_charges (
  id text PRIMARY KEY,
  intent_id text NOT NULL UNIQUE REFERENCES sandbox_intents (id),
  amount bigint NOT NULL,
  payment_method text NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('succeeded', 'failed', 'processing')),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sandbox_refunds (
  id text PRIMARY KEY,
  idempotency_key text NOT NULL UNIQUE,
  intent_id text NOT NULL REFERENCES sandbox_intents (id),
  amount bigint NOT NULL CHECK (amount > 0),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sandbox_payouts (
  id text PRIMARY KEY,
  idempotency_key text NOT NULL UNIQUE,
  amount bigint NOT NULL CHECK (amount > 0),
  currency text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'paid')),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sandbox_events (
  id text PRIMARY KEY,
  type text NOT NULL,
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz
);
