-- Durable scheduled work (platform/jobs.ts). A job is claimed with FOR UPDATE SKIP LOCKED and a
-- lease (`locked_until`): when its worker dies, the job is claimable again once the lease ends.
-- `attempts` counts claims and fences a late finish by a worker whose lease was taken over.
-- Finished jobs are deleted; dead ones (`failed`) stay for inspection.
CREATE TABLE jobs (
  id text PRIMARY KEY,
  kind text NOT NULL,
  payload jsonb NOT NULL,
  run_at timestamptz NOT NULL,
  dedupe_key text,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'failed')),
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  locked_by text,
  locked_until timestamptz,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'running') = (locked_until IS NOT NULL)),
  CHECK ((status = 'running') = (locked_by IS NOT NULL))
);
CREATE INDEX jobs_due_idx ON jobs (run_at) WHERE status IN ('pending', 'running');
-- One live job per (kind, dedupe key): scheduling it again while it waits or runs is a no-op.
CREATE UNIQUE INDEX jobs_dedupe_key_live_idx ON jobs (kind, dedupe_key)
  WHERE dedupe_key IS NOT NULL AND status IN ('pending', 'running');

-- The outbox relay (platform/outbox.ts) claims events the same way: `locked_until` is the lease
-- of the relay delivering an event, or, after a failed delivery, the time of the next try.
ALTER TABLE outbox_events
  ADD COLUMN attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  ADD COLUMN locked_until timestamptz,
  ADD COLUMN last_error text;

-- The sinks that already took an event whose delivery failed elsewhere, so a retry skips them.
-- Rows live only while their event is unpublished.
CREATE TABLE outbox_deliveries (
  event_seq bigint NOT NULL REFERENCES outbox_events (seq) ON DELETE CASCADE,
  sink text NOT NULL,
  delivered_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (event_seq, sink)
);
