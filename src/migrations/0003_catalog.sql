-- Catalog: categories, products, variants and their images. Stock is inventory's (stock_levels).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE categories (
  id text PRIMARY KEY,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 120),
  parent_id text REFERENCES categories (id),
  -- Bumped on every change, so cached product content naming the category knows it is stale.
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (parent_id <> id)
);
CREATE INDEX categories_parent_idx ON categories (parent_id);

-- The catalog's own view of identity's shops, written by identity's shop listener in the same
-- transaction as the shop change: `listed` is false while the owner is suspended.
CREATE TABLE catalog_shops (
  shop_id text PRIMARY KEY,
  name text NOT NULL,
  listed boolean NOT NULL DEFAULT true,
  version integer NOT NULL DEFAULT 1
);

CREATE TABLE products (
  id text PRIMARY KEY,
  shop_id text NOT NULL REFERENCES catalog_shops (shop_id),
  category_id text REFERENCES categories (id),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  description text NOT NULL CHECK (length(description) <= 20000),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
  -- An admin took the product down: its seller may not put it back on sale.
  taken_down boolean NOT NULL DEFAULT false CHECK (NOT taken_down OR status = 'archived'),
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  -- The lowest variant price, kept by the service whenever a variant price changes.
  price_from_minor bigint NOT NULL CHECK (price_from_minor > 0),
  variant_count integer NOT NULL CHECK (variant_count BETWEEN 1 AND 100),
  sales_count bigint NOT NULL DEFAULT 0 CHECK (sales_count >= 0),
  -- Visible review aggregates, kept by the reviews module through the catalog service.
  rating_count integer NOT NULL DEFAULT 0 CHECK (rating_count >= 0),
  rating_sum bigint NOT NULL DEFAULT 0 CHECK (rating_sum BETWEEN rating_count AND 5 * rating_count),
  rating_1 integer NOT NULL DEFAULT 0 CHECK (rating_1 >= 0),
  rating_2 integer NOT NULL DEFAULT 0 CHECK (rating_2 >= 0),
  rating_3 integer NOT NULL DEFAULT 0 CHECK (rating_3 >= 0),
  rating_4 integer NOT NULL DEFAULT 0 CHECK (rating_4 >= 0),
  rating_5 integer NOT NULL DEFAULT 0 CHECK (rating_5 >= 0),
  -- Bumped on every content change: cached content is keyed by it, so it is never served stale.
  version integer NOT NULL DEFAULT 1,
  search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', description), 'B')
  ) STORED,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (id, shop_id),
  CHECK (rating_count = rating_1 + rating_2 + rating_3 + rating_4 + rating_5),
  CHECK (rating_sum = rating_1 + 2 * rating_2 + 3 * rating_3 + 4 * rating_4 + 5 * rating_5)
);
-- One index per keyset sort over what buyers may see, newest and price also per category.
CREATE INDEX products_newest_idx ON products (created_at DESC, id DESC) WHERE status = 'active';
CREATE INDEX products_price_idx ON products (price_from_minor, id) WHERE status = 'active';
CREATE INDEX products_best_selling_idx ON products (sales_count DESC, id DESC) WHERE status = 'active';
CREATE INDEX products_category_newest_idx ON products (category_id, created_at DESC, id DESC)
  WHERE status = 'active';
CREATE INDEX products_category_price_idx ON products (category_id, price_from_minor, id) WHERE status = 'active';
CREATE INDEX products_shop_idx ON products (shop_id, created_at DESC, id DESC);
CREATE INDEX products_search_idx ON products USING gin (search_vector);

-- Marketplace-wide totals of visible ratings: m of the Bayesian score is sum / count.
CREATE TABLE catalog_rating_totals (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  rating_count bigint NOT NULL DEFAULT 0 CHECK (rating_count >= 0),
  rating_sum bigint NOT NULL DEFAULT 0 CHECK (rating_sum >= 0)
);
INSERT INTO catalog_rating_totals DEFAULT VALUES;

CREATE TABLE variants (
  id text PRIMARY KEY,
  product_id text NOT NULL,
  -- The product's shop, repeated so that a SKU is unique per shop.
  shop_id text NOT NULL,
  sku text NOT NULL CHECK (length(sku) BETWEEN 1 AND 64),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  options jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(options) = 'object'),
  price_minor bigint NOT NULL CHECK (price_minor > 0),
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  position integer NOT NULL CHECK (position >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (product_id, shop_id) REFERENCES products (id, shop_id),
  UNIQUE (shop_id, sku),
  UNIQUE (product_id, position)
);

CREATE TABLE product_images (
  product_id text NOT NULL REFERENCES products (id),
  position integer NOT NULL CHECK (position >= 0),
  url text NOT NULL CHECK (length(url) BETWEEN 1 AND 2048),
  PRIMARY KEY (product_id, position)
);

-- Every word of every title and description, for typo tolerance: a query word that full-text
-- search does not know is replaced by its most similar known word (trigram similarity).
CREATE TABLE catalog_words (
  word text COLLATE "C" PRIMARY KEY
);
CREATE INDEX catalog_words_trgm_idx ON catalog_words USING gin (word gin_trgm_ops);
