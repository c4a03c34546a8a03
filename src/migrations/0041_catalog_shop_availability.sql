-- Why a shop's products are not for sale, so that carts can say it: null exactly while `listed`.
-- Until now only a suspended owner unlisted a shop.
ALTER TABLE catalog_shops
  ADD COLUMN unlisted_reason text
    CHECK (unlisted_reason IN ('shop_not_active', 'shop_on_vacation', 'seller_suspended'));
UPDATE catalog_shops SET unlisted_reason = 'seller_suspended' WHERE NOT listed;
ALTER TABLE catalog_shops
  ADD CONSTRAINT catalog_shops_unlisted_reason CHECK (listed = (unlisted_reason IS NULL));
