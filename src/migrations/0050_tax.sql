-- Tax rates by place and product category; the most specific match wins (tax.compute.ts).
CREATE TABLE tax_rates (
  id text PRIMARY KEY,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  country text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  region text CHECK (region ~ '^[A-Z0-9]{1,3}$'),
  category text CHECK (category ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
  rate_bps integer NOT NULL CHECK (rate_bps BETWEEN 0 AND 10000),
  applies_to_shipping boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- One rate per place and category: two would leave "the most specific" undecided.
CREATE UNIQUE INDEX tax_rates_place_key ON tax_rates (country, coalesce(region, ''), coalesce(category, ''));

-- A product's tax category; null: the place's general rate.
ALTER TABLE products ADD COLUMN tax_category text CHECK (tax_category ~ '^[a-z0-9][a-z0-9_-]{0,39}$');

-- The tax each line was charged and its rate, and the shipping's share of the order's tax:
-- snapshotted at checkout, so a later rate change never alters a placed order.
ALTER TABLE order_items
  ADD COLUMN tax_amount bigint NOT NULL DEFAULT 0 CHECK (tax_amount >= 0),
  ADD COLUMN tax_rate_bps integer NOT NULL DEFAULT 0 CHECK (tax_rate_bps BETWEEN 0 AND 10000);
ALTER TABLE orders
  ADD COLUMN shipping_tax_amount bigint NOT NULL DEFAULT 0
    CHECK (shipping_tax_amount >= 0 AND shipping_tax_amount <= tax_total_amount);
