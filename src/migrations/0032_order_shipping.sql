-- Orders gain shipping (the option snapshotted at checkout), the discount and tax totals the
-- pricing function carries (0 until promotions and tax), parcels, and the status partially_shipped.
ALTER TABLE orders
  ADD COLUMN shipping jsonb,
  ADD COLUMN shipping_total_amount bigint NOT NULL DEFAULT 0 CHECK (shipping_total_amount >= 0),
  ADD COLUMN discount_total_amount bigint NOT NULL DEFAULT 0 CHECK (discount_total_amount >= 0),
  ADD COLUMN tax_total_amount bigint NOT NULL DEFAULT 0 CHECK (tax_total_amount >= 0),
  ADD COLUMN last_shipped_at timestamptz,
  ADD CONSTRAINT orders_total_adds_up
    CHECK (total_amount = subtotal_amount + shipping_total_amount + tax_total_amount - discount_total_amount);
ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders ADD CONSTRAINT orders_status_check
  CHECK (status IN ('pending_payment', 'paid', 'partially_shipped', 'shipped', 'delivered', 'cancelled', 'refunded'));

-- Units shipped so far. Left to ship: quantity − shipped − restocked (refunds take unshipped units
-- first), never below zero; the shipment's conditional update keeps it so.
ALTER TABLE order_items
  ADD COLUMN shipped_quantity integer NOT NULL DEFAULT 0,
  ADD CONSTRAINT order_items_shipped_within_quantity CHECK (shipped_quantity BETWEEN 0 AND quantity);

CREATE TABLE shipments (
  id text PRIMARY KEY,
  order_id text NOT NULL REFERENCES orders (id),
  carrier text NOT NULL,
  tracking_number text NOT NULL,
  -- [{order_item_id, quantity}]
  items jsonb NOT NULL CHECK (jsonb_typeof(items) = 'array'),
  shipped_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX shipments_order_idx ON shipments (order_id, shipped_at, id);
