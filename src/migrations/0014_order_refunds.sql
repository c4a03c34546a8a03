-- Units taken back out of an order by refunds with restock_items: before shipping their
-- reservation is released, after shipping they are back on the shelf. Shipping commits the rest.
ALTER TABLE order_items
  ADD COLUMN restocked_quantity integer NOT NULL DEFAULT 0,
  ADD CONSTRAINT order_items_restocked_within_quantity CHECK (restocked_quantity BETWEEN 0 AND quantity);
