-- Outbound webhooks: endpoints that admins (every event) and sellers (their shop's events) register,
-- and one delivery per (endpoint, event) made from the outbox and sent by durable jobs.
CREATE TABLE webhook_endpoints (
  id text PRIMARY KEY,
  -- The shop whose events it receives; null for a marketplace (admin) endpoint.
  shop_id text,
  -- Who created it: told when it is disabled for failing (the shop's owner is, for a shop's).
  created_by text NOT NULL,
  url text NOT NULL,
  description text,
  -- Catalogued event types, or ['*'].
  events jsonb NOT NULL,
  status text NOT NULL CHECK (status IN ('enabled', 'disabled')),
  -- Kept as is: signing needs the secret itself (see README, Webhooks).
  secret text NOT NULL,
  -- The secret before the last rotation, which keeps signing until previous_secret_expires_at.
  previous_secret text,
  previous_secret_expires_at timestamptz,
  -- Since when every attempt failed (null after a success); 24 h of it disables the endpoint.
  failing_since timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((previous_secret IS NULL) = (previous_secret_expires_at IS NULL))
);
CREATE INDEX webhook_endpoints_shop ON webhook_endpoints (shop_id, created_at) WHERE shop_id IS NOT NULL;
CREATE INDEX webhook_endpoints_marketplace ON webhook_endpoints (created_at) WHERE shop_id IS NULL;

CREATE TABLE webhook_deliveries (
  id text PRIMARY KEY,
  endpoint_id text NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  event_id text NOT NULL,
  event_type text NOT NULL,
  occurred_at timestamptz NOT NULL,
  -- The event's place in the outbox: per endpoint, a delivery waits for the pending ones of its
  -- entity that come before it. Null for a test ping, which waits for nothing.
  event_seq bigint,
  -- `<entity>:<id>` of the event (e.g. `order:ord_…`); null for a test ping.
  entity text,
  -- The event's data as this endpoint receives it (a shop sees only its part of a shared dispute).
  data jsonb NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_status_code integer,
  last_error text,
  next_attempt_at timestamptz,
  -- Retries stop (failed) once this passes: 3 days after creation, or after a manual retry.
  give_up_at timestamptz NOT NULL,
  -- The job that made the attempt under way: a rerun of that job after a crash may repeat it.
  claimed_by_job text,
  created_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  -- The relay delivers events at least once: a redelivered event makes no second delivery.
  UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at DESC, id DESC);
CREATE INDEX webhook_deliveries_lane ON webhook_deliveries (endpoint_id, entity, event_seq) WHERE status = 'pending';
