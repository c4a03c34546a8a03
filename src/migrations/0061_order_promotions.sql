-- Each line's discount, snapshotted at checkout (the tax was charged on the line total less it).
ALTER TABLE order_items
  ADD COLUMN discount_amount bigint NOT NULL DEFAULT 0
    CHECK (discount_amount >= 0 AND discount_amount <= line_total_amount);

-- What each promotion took off the order (its lines' discounts and any shipping it waived),
-- snapshotted at checkout: [{id, code, amount, funded_by}].
ALTER TABLE orders ADD COLUMN promotions jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(promotions) = 'array');

-- The uses a checkout reserved (one per promotion, not per order), given back once: released_at is
-- set by one conditional update, so a cancel racing the expiry cannot give a use back twice.
CREATE TABLE checkout_promotion_uses (
  checkout_id text NOT NULL,
  promotion_id text NOT NULL REFERENCES promotions (id),
  customer text NOT NULL,
  released_at timestamptz,
  PRIMARY KEY (checkout_id, promotion_id)
);
