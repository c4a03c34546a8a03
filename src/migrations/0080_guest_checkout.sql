-- Guest checkout (issue 22). A cart belongs to a user or to whoever holds its guest token (only
-- the token's SHA-256 is kept); the user path keeps its unique user_id lookup.
ALTER TABLE carts ALTER COLUMN user_id DROP NOT NULL;
ALTER TABLE carts ADD COLUMN guest_token_hash bytea UNIQUE;
ALTER TABLE carts ADD CONSTRAINT carts_one_holder CHECK ((user_id IS NULL) <> (guest_token_hash IS NULL));

-- A guest's orders have no buyer until a user proves the address they were placed with; the
-- order token (hashed, one per checkout) reads and pays them meanwhile.
ALTER TABLE orders ALTER COLUMN buyer_id DROP NOT NULL;
ALTER TABLE orders ADD COLUMN guest_email text;
ALTER TABLE orders ADD COLUMN order_token_hash bytea;
ALTER TABLE orders ADD CONSTRAINT orders_buyer_or_guest
  CHECK (buyer_id IS NOT NULL OR (guest_email IS NOT NULL AND order_token_hash IS NOT NULL));
CREATE INDEX orders_unclaimed_guest_email_idx ON orders (lower(guest_email)) WHERE buyer_id IS NULL;

ALTER TABLE payments ALTER COLUMN buyer_id DROP NOT NULL;
ALTER TABLE payments ADD COLUMN order_token_hash bytea;
