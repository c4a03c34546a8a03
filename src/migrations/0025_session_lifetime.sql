-- Sessions end BAZAAR_SESSION_MAX_DAYS after the login that made them (created_at), however
-- active: the purge finds them by this index, as it finds idle ones by last_used_at's.
CREATE INDEX sessions_created_at_idx ON sessions (created_at);
