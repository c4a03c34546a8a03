-- The audit trail: who changed what, from where. Rows are appended in the same transaction as the
-- change they describe, and never changed afterwards: the triggers below refuse UPDATE, DELETE and
-- TRUNCATE, so not even a bug (or an operator with the application's credentials) rewrites history.
CREATE TABLE audit_events (
  id text PRIMARY KEY,
  -- The signed-in user who acted (null: someone not signed in, e.g. a failed login), with the name
  -- they had then: the trail reads the same after the user renames or is erased.
  actor_id text,
  actor_name text,
  action text NOT NULL CHECK (action ~ '^[a-z_]+\.[a-z_]+$'),
  target_type text NOT NULL,
  target_id text NOT NULL,
  -- The shop the change belongs to (its seller sees it in the shop's trail), if any.
  shop_id text,
  -- {field: [before, after]} of the fields that changed.
  changes jsonb NOT NULL DEFAULT '{}'::jsonb,
  request_id text,
  ip text,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Newest first, overall and by each filter the back office offers.
CREATE INDEX audit_events_created ON audit_events (created_at DESC, id DESC);
CREATE INDEX audit_events_actor ON audit_events (actor_id, created_at DESC, id DESC);
CREATE INDEX audit_events_target ON audit_events (target_id, created_at DESC, id DESC);
CREATE INDEX audit_events_action ON audit_events (action, created_at DESC, id DESC);
CREATE INDEX audit_events_shop ON audit_events (shop_id, created_at DESC, id DESC) WHERE shop_id IS NOT NULL;

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_events_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
