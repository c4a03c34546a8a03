CREATE SEQUENCE order_number_seq START 100001;

CREATE TABLE orders (
  id text PRIMARY KEY,
  number bigint NOT NULL UNIQUE DEFAULT nextval('order_number_seq'),
  checkout_id text NOT NULL,
  buyer_id text NOT NULL,
  shop_id text NOT NULL,
  shop_name text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending_payment', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded')),
  currency text NOT NULL,
  subtotal_amount bigint NOT NULL CHECK (subtotal_amount >= 0),
  total_amount bigint NOT NULL CHECK (total_amount >= 0),
  refunded_amount bigint NOT NULL DEFAULT 0,
  shipping_address jsonb NOT NULL,
  carrier text,
  tracking_number text,
  payment_id text NOT NULL,
  expired boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  paid_at timestamptz,
  shipped_at timestamptz,
  delivered_at timestamptz,
  cancelled_at timestamptz,
  CONSTRAINT orders_refunded_within_total CHECK (refunded_amount BETWEEN 0 AND total_amount),
  CONSTRAINT orders_shipment_complete CHECK ((carrier IS NULL) = (tracking_number IS NULL))
);
CREATE INDEX orders_buyer_idx ON orders (buyer_id, created_at DESC, id DESC);
CREATE INDEX orders_shop_idx ON orders (shop_id, created_at DESC, id DESC);
CREATE INDEX orders_checkout_idx ON orders (checkout_id);
CREATE INDEX orders_payment_idx ON orders (payment_id);

CREATE TABLE order_items (
  id text PRIMARY KEY,
  order_id text NOT NULL REFERENCES orders (id),
  variant_id text NOT NULL,
  product_id text NOT NULL,
  title text NOT NULL,
  sku text NOT NULL,
  quantity integer NOT NULL CHECK (quantity > 0),
  unit_price_amount bigint NOT NULL CHECK (unit_price_amount > 0),
  line_total_amount bigint NOT NULL,
  CONSTRAINT order_items_line_total CHECK (line_total_amount = unit_price_amount * quantity)
);
CREATE INDEX order_items_order_idx ON order_items (order_id);
