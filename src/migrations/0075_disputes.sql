-- Card disputes (issue 19). A dispute comes from the payment provider about one payment; while it
-- is open it holds part of each of the payment's orders (dispute_orders, largest remainder over what
-- each order has left), and the ledger holds the sellers' share of it in dispute_hold.

-- Orders: the part of the order's money under a card dispute, open or lost. Refunds and disputes
-- together never take back more than the order's total (a won dispute gives its part back).
ALTER TABLE orders ADD COLUMN disputed_amount bigint NOT NULL DEFAULT 0;
ALTER TABLE orders ADD CONSTRAINT orders_taken_back_within_total
  CHECK (disputed_amount >= 0 AND refunded_amount + disputed_amount <= total_amount);

-- Payments: disputes from Stripe name the PaymentIntent, which is the payment's provider reference.
CREATE INDEX payments_provider_reference_idx ON payments (provider, provider_reference)
  WHERE provider_reference IS NOT NULL;

-- Disputes (modules/disputes). `amount` is what the provider says is disputed; `held_amount` what it
-- holds of the payment's orders (never more than they have left: captured less refunded and lost).
CREATE TABLE disputes (
  id text PRIMARY KEY,
  payment_id text NOT NULL,
  buyer_id text,
  provider text NOT NULL,
  provider_reference text NOT NULL,
  amount bigint NOT NULL CHECK (amount > 0),
  held_amount bigint NOT NULL CHECK (held_amount >= 0),
  currency text NOT NULL,
  reason text NOT NULL,
  status text NOT NULL CHECK (status IN ('open', 'won', 'lost')),
  evidence_due_by timestamptz,
  closed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT disputes_provider_reference UNIQUE (provider, provider_reference),
  CONSTRAINT disputes_closed_when_decided CHECK ((status = 'open') = (closed_at IS NULL))
);
-- At most one open dispute per payment.
CREATE UNIQUE INDEX disputes_one_open_per_payment ON disputes (payment_id) WHERE status = 'open';
CREATE INDEX disputes_newest_idx ON disputes (created_at DESC, id DESC);

-- What a dispute holds of each order of its payment.
CREATE TABLE dispute_orders (
  dispute_id text NOT NULL REFERENCES disputes (id),
  order_id text NOT NULL,
  shop_id text NOT NULL,
  amount bigint NOT NULL CHECK (amount >= 0),
  PRIMARY KEY (dispute_id, order_id)
);
CREATE INDEX dispute_orders_shop_idx ON dispute_orders (shop_id, dispute_id);

-- Evidence sellers sent to the provider, one row per submission.
CREATE TABLE dispute_evidence (
  id text PRIMARY KEY,
  dispute_id text NOT NULL REFERENCES disputes (id),
  shop_id text NOT NULL,
  text text NOT NULL,
  media_ids text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dispute_evidence_dispute_idx ON dispute_evidence (dispute_id, created_at);

-- The sandbox provider's disputes (modules/payments, sandbox): at most one per charge.
CREATE TABLE sandbox_disputes (
  id text PRIMARY KEY,
  intent_id text NOT NULL UNIQUE REFERENCES sandbox_intents (id),
  amount bigint NOT NULL CHECK (amount > 0),
  reason text NOT NULL,
  status text NOT NULL CHECK (status IN ('open', 'won', 'lost')),
  evidence text,
  evidence_due_by timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
