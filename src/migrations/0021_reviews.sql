-- One review per order item, enforced here so that concurrent attempts cannot both land.
-- product_id and shop_id are copied from the order item when the review is written: orders
-- never change them, and reads and authorisation need them without a call to orders.
CREATE TABLE reviews (
  id text PRIMARY KEY,
  order_item_id text NOT NULL,
  product_id text NOT NULL,
  shop_id text NOT NULL,
  author_id text NOT NULL,
  rating smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
  title text CHECK (length(title) BETWEEN 1 AND 200),
  body text NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
  hidden boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT reviews_one_per_order_item UNIQUE (order_item_id)
);
-- The list's keysets: newest first, and by rating then newest; hidden reviews are never listed.
CREATE INDEX reviews_product_newest_idx ON reviews (product_id, created_at DESC, id DESC) WHERE NOT hidden;
CREATE INDEX reviews_product_rating_idx ON reviews (product_id, rating, created_at DESC, id DESC) WHERE NOT hidden;

-- A seller's answer: at most one per review.
CREATE TABLE review_replies (
  review_id text PRIMARY KEY REFERENCES reviews (id),
  author_id text NOT NULL,
  body text NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
  created_at timestamptz NOT NULL DEFAULT now()
);
