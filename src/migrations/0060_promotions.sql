-- Promotions: percentage, fixed-amount and free-shipping discounts, by code or automatic, funded by
-- the platform (admins) or by one shop (its seller; then limited to that shop).
CREATE TABLE promotions (
  id text PRIMARY KEY,
  -- As the owner typed it; matched case-insensitively (the index below).
  code text CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$'),
  automatic boolean NOT NULL DEFAULT false,
  type text NOT NULL CHECK (type IN ('percentage', 'fixed', 'free_shipping')),
  percent_bps integer CHECK (percent_bps BETWEEN 1 AND 10000),
  amount bigint CHECK (amount > 0),
  -- Scope: every condition given must hold (a shop, any of the categories with their descendants,
  -- any of the products); none given: the whole marketplace.
  shop_id text REFERENCES shops (id),
  category_ids text[] NOT NULL DEFAULT '{}',
  product_ids text[] NOT NULL DEFAULT '{}',
  min_subtotal bigint CHECK (min_subtotal > 0),
  starts_at timestamptz NOT NULL DEFAULT now(),
  ends_at timestamptz,
  usage_limit integer CHECK (usage_limit > 0),
  per_customer_limit integer CHECK (per_customer_limit > 0),
  -- Reserved by checkout with one conditional update, so it never passes usage_limit.
  used_count integer NOT NULL DEFAULT 0 CHECK (used_count >= 0),
  funded_by text NOT NULL CHECK (funded_by IN ('platform', 'shop')),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT promotions_code_or_automatic CHECK ((code IS NULL) = automatic),
  CONSTRAINT promotions_value_of_type CHECK (
    (type = 'percentage' AND percent_bps IS NOT NULL AND amount IS NULL)
    OR (type = 'fixed' AND amount IS NOT NULL AND percent_bps IS NULL)
    OR (type = 'free_shipping' AND amount IS NULL AND percent_bps IS NULL)),
  CONSTRAINT promotions_shop_funded_in_shop CHECK (funded_by = 'platform' OR shop_id IS NOT NULL),
  CONSTRAINT promotions_period CHECK (ends_at IS NULL OR ends_at > starts_at)
);
-- A code names one active promotion, whatever its case.
CREATE UNIQUE INDEX promotions_active_code_key ON promotions (lower(code)) WHERE status = 'active' AND code IS NOT NULL;
-- Checkout reads the active automatic promotions on every cart.
CREATE INDEX promotions_automatic_idx ON promotions (id) WHERE status = 'active' AND automatic;
CREATE INDEX promotions_shop_idx ON promotions (shop_id, id);

-- Uses per customer (a user id, or `email:<address>` for a guest), reserved like used_count.
CREATE TABLE promotion_customer_uses (
  promotion_id text NOT NULL REFERENCES promotions (id),
  customer text NOT NULL,
  used_count integer NOT NULL CHECK (used_count >= 0),
  PRIMARY KEY (promotion_id, customer)
);

-- The one code a cart holds.
ALTER TABLE carts ADD COLUMN promotion_code text;
