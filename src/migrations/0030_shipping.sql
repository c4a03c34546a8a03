-- Shipping: buyers' address books and sellers' per-shop shipping options.
CREATE TABLE addresses (
  id text PRIMARY KEY,
  user_id text NOT NULL,
  name text NOT NULL,
  line1 text NOT NULL,
  line2 text,
  city text NOT NULL,
  region text,
  postal_code text NOT NULL,
  country text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  phone text,
  is_default boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX addresses_user_idx ON addresses (user_id, created_at, id);
-- At most one default address per user: the database backs what the service keeps.
CREATE UNIQUE INDEX addresses_one_default_idx ON addresses (user_id) WHERE is_default;

CREATE TABLE shipping_options (
  id text PRIMARY KEY,
  shop_id text NOT NULL,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  -- ISO 3166-1 alpha-2 codes, or the single '*' for everywhere.
  countries text[] NOT NULL CHECK (cardinality(countries) >= 1),
  -- {type: flat, amount} | {type: per_item, first, additional} | {type: weight, tiers: [{up_to_grams, amount}]}
  rate jsonb NOT NULL CHECK (jsonb_typeof(rate) = 'object'),
  free_over_amount bigint CHECK (free_over_amount >= 0),
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  min_days integer NOT NULL CHECK (min_days >= 0),
  max_days integer NOT NULL,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT shipping_options_days CHECK (max_days >= min_days)
);
CREATE INDEX shipping_options_shop_idx ON shipping_options (shop_id, created_at, id);
