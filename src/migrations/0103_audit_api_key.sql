-- The API key a change was made with (null: a signed-in session, or nobody): the actor stays the
-- key's owner, and the trail tells which of the owner's integrations acted.
ALTER TABLE audit_events ADD COLUMN api_key_id text;
