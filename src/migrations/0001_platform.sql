-- Transactional outbox: events are written in the same transaction as the change they describe,
-- then relayed at least once. `seq` orders delivery; `id` is the event id consumers dedupe on.
CREATE TABLE outbox_events (
  seq bigserial PRIMARY KEY,
  id text NOT NULL UNIQUE,
  type text NOT NULL,
  occurred_at timestamptz NOT NULL DEFAULT now(),
  data jsonb NOT NULL,
  published_at timestamptz
);
CREATE INDEX outbox_events_unpublished_idx ON outbox_events (seq) WHERE published_at IS NULL;
