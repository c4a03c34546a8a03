-- Stock per variant. `reserved` is held by open orders; what buyers can still get is
-- on_hand - reserved. The constraints make overselling impossible whatever the code does.
CREATE TABLE stock_levels (
  variant_id text PRIMARY KEY,
  on_hand integer NOT NULL CHECK (on_hand >= 0),
  reserved integer NOT NULL DEFAULT 0 CHECK (reserved >= 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT stock_levels_reserved_within_on_hand CHECK (reserved <= on_hand)
);

-- Why stock changed, for audit: every change to a stock level writes one movement.
CREATE TABLE stock_movements (
  id bigserial PRIMARY KEY,
  variant_id text NOT NULL REFERENCES stock_levels (variant_id),
  kind text NOT NULL CHECK (kind IN ('initial', 'adjustment', 'reservation', 'release', 'commit', 'restock')),
  on_hand_delta integer NOT NULL,
  reserved_delta integer NOT NULL,
  reference text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stock_movements_variant_idx ON stock_movements (variant_id, id);
