-- Recommendations: interest signals, and the neighbour lists and popularity the refresh job
-- derives from them, so serving is a lookup.

-- Every insert and every revocation takes the next number: the refresh takes in what lies beyond
-- its watermark.
CREATE SEQUENCE recommendation_change_seq;

-- One row per (order, product) for purchases, per (user, product) for views. A buyer's repeat
-- purchases of an item are several rows; the model collapses them to one interest.
CREATE TABLE recommendation_interactions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id text NOT NULL,
  product_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('purchase', 'view')),
  order_id text,
  weight double precision NOT NULL CHECK (weight > 0),
  occurred_at timestamptz NOT NULL,
  -- A purchase whose order was cancelled or refunded in full: no longer counts.
  revoked boolean NOT NULL DEFAULT false,
  change_seq bigint NOT NULL DEFAULT nextval('recommendation_change_seq'),
  CONSTRAINT recommendation_interactions_order_of_purchase CHECK ((kind = 'purchase') = (order_id IS NOT NULL)),
  CONSTRAINT recommendation_interactions_only_purchases_revoked CHECK (kind = 'purchase' OR NOT revoked)
);
CREATE UNIQUE INDEX recommendation_interactions_purchase_key
  ON recommendation_interactions (order_id, product_id) WHERE kind = 'purchase';
CREATE UNIQUE INDEX recommendation_interactions_view_key
  ON recommendation_interactions (user_id, product_id) WHERE kind = 'view';
CREATE INDEX recommendation_interactions_change_idx ON recommendation_interactions (change_seq);
CREATE INDEX recommendation_interactions_user_idx ON recommendation_interactions (user_id);
CREATE INDEX recommendation_interactions_product_idx ON recommendation_interactions (product_id);

-- Each product's neighbours by one signal, best first.
CREATE TABLE recommendation_neighbours (
  product_id text NOT NULL,
  strategy text NOT NULL CHECK (strategy IN ('co_purchase', 'content')),
  rank integer NOT NULL CHECK (rank >= 0),
  neighbour_id text NOT NULL,
  score double precision NOT NULL CHECK (score > 0),
  PRIMARY KEY (product_id, strategy, rank),
  CONSTRAINT recommendation_neighbours_not_self CHECK (neighbour_id <> product_id)
);

-- Σ over interested users of their strongest interest in the product.
CREATE TABLE recommendation_popularity (
  product_id text PRIMARY KEY,
  score double precision NOT NULL CHECK (score > 0)
);
CREATE INDEX recommendation_popularity_rank_idx ON recommendation_popularity (score DESC, product_id);

-- How far the stored lists have taken in interactions and product changes: one row.
CREATE TABLE recommendation_refresh (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  interaction_seq bigint NOT NULL DEFAULT 0,
  content_changed_at timestamptz,
  refreshed_at timestamptz
);
INSERT INTO recommendation_refresh DEFAULT VALUES;
