-- Back-office lists page newest first by keyset (created_at, id); these indexes keep a page one
-- index range scan at a million rows.
CREATE INDEX users_created ON users (created_at DESC, id DESC);
CREATE INDEX orders_created ON orders (created_at DESC, id DESC);
CREATE INDEX orders_status_created ON orders (status, created_at DESC, id DESC);
