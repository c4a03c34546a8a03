-- Returns: a buyer asks to send back items of a shipped or delivered order; the seller approves or
-- rejects, receives them and the order is refunded; a rejected return may be escalated to an admin.
CREATE TABLE returns (
  id text PRIMARY KEY,
  order_id text NOT NULL,
  order_number text NOT NULL,
  buyer_id text NOT NULL,
  shop_id text NOT NULL,
  status text NOT NULL CHECK (status IN ('requested', 'approved', 'rejected', 'received', 'refunded',
                                         'escalated', 'denied')),
  reason text NOT NULL CHECK (reason IN ('damaged', 'not_as_described', 'wrong_item', 'changed_mind', 'other')),
  note text,
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  -- What the refund will be, fixed when the return is asked for: the items' paid value, and the
  -- order's shipping when it comes back too.
  items_amount bigint NOT NULL CHECK (items_amount >= 0),
  shipping_amount bigint NOT NULL DEFAULT 0 CHECK (shipping_amount >= 0),
  refund_id text UNIQUE,
  funded_by text CHECK (funded_by IN ('shop', 'platform')),
  restock boolean,
  -- Unanswered by then, the request is approved automatically (BAZAAR_RETURN_RESPONSE_DAYS).
  respond_by timestamptz NOT NULL,
  -- [{status, at, note, actor}], oldest first: the return's timeline.
  history jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(history) = 'array'),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT returns_refunded_has_refund CHECK ((status = 'refunded') = (refund_id IS NOT NULL))
);
CREATE INDEX returns_order_idx ON returns (order_id, created_at, id);
CREATE INDEX returns_shop_idx ON returns (shop_id, created_at DESC, id DESC);
CREATE INDEX returns_status_idx ON returns (status, created_at DESC, id DESC);

CREATE TABLE return_items (
  return_id text NOT NULL REFERENCES returns (id) ON DELETE CASCADE,
  order_item_id text NOT NULL,
  -- The item's title when the return was asked for (the order's item, as the buyer saw it).
  title text NOT NULL,
  quantity integer NOT NULL CHECK (quantity > 0),
  -- The paid value of these units (price, discount and tax).
  amount bigint NOT NULL CHECK (amount >= 0),
  PRIMARY KEY (return_id, order_item_id)
);
CREATE INDEX return_items_order_item_idx ON return_items (order_item_id);
