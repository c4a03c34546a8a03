-- The admin's (platform-funded) and each shop's promotions lists page newest first by
-- (created_at, id), with `?status=&from=&to=` filters: one index range per owner keeps a page cheap.
CREATE INDEX promotions_owner_created_idx ON promotions (funded_by, created_at DESC, id DESC);
CREATE INDEX promotions_shop_created_idx ON promotions (shop_id, created_at DESC, id DESC);
