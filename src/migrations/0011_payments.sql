CREATE TABLE payments (
  id text PRIMARY KEY,
  buyer_id text NOT NULL,
  status text NOT NULL CHECK (status IN ('requires_confirmation', 'processing', 'succeeded', 'failed', 'canceled')),
  amount bigint NOT NULL CHECK (amount >= 0),
  currency text NOT NULL,
  provider text NOT NULL,
  provider_reference text,
  payment_method text,
  failure_code text,
  -- The orders this payment pays for; an order leaves the list when it is cancelled unpaid.
  order_ids text[] NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payments_buyer_idx ON payments (buyer_id, created_at DESC);
