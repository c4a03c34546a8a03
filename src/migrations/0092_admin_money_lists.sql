-- The back office's payments, refunds and payouts lists page newest first by keyset
-- (created_at, id), optionally of one status: each page is one index range scan at a million rows.
CREATE INDEX payments_created ON payments (created_at DESC, id DESC);
CREATE INDEX payments_status_created ON payments (status, created_at DESC, id DESC);
CREATE INDEX refunds_created ON refunds (created_at DESC, id DESC);
CREATE INDEX refunds_status_created ON refunds (status, created_at DESC, id DESC);
CREATE INDEX payouts_created ON payouts (created_at DESC, id DESC);
CREATE INDEX payouts_status_created ON payouts (status, created_at DESC, id DESC);

-- `?q=` of the users and shops lists is a substring match (ILIKE '%q%'), which no B-tree serves;
-- trigram GIN indexes do (pg_trgm loads in the embedded database too, see db.ts and 0003).
CREATE INDEX users_email_trgm ON users USING gin (email gin_trgm_ops);
CREATE INDEX users_name_trgm ON users USING gin (name gin_trgm_ops);
CREATE INDEX shops_name_trgm ON shops USING gin (name gin_trgm_ops);
