-- Units a checkout holds before its transaction opens: group commit reserves many checkouts' units
-- of one hot variant in one short statement (stock_levels.reserved counts them at once), and each
-- checkout's own transaction turns its holds into its orders' reservations by deleting them. A hold
-- left behind (its checkout failed, or its process died) is released when it expires, so
-- stock_levels.reserved is always what open orders and live holds have between them.
CREATE TABLE stock_holds (
  checkout_id text NOT NULL,
  variant_id text NOT NULL REFERENCES stock_levels (variant_id),
  quantity integer NOT NULL CHECK (quantity > 0),
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (checkout_id, variant_id)
);
CREATE INDEX stock_holds_expiry_idx ON stock_holds (expires_at);
