-- A use of a promotion without a total limit is no longer counted on the promotion's row: every
-- checkout an automatic promotion applies to would queue on that one row's lock. Such a use is
-- only its row here (counted = false); a promotion's uses are its used_count plus its live
-- uncounted rows. A promotion that gains a limit folds its uncounted rows into used_count (in the
-- same transaction as the change), so a limited promotion's row counts every use it ever grants.
ALTER TABLE checkout_promotion_uses ADD COLUMN counted boolean NOT NULL DEFAULT true;

CREATE INDEX checkout_promotion_uses_uncounted_idx ON checkout_promotion_uses (promotion_id)
  WHERE NOT counted AND released_at IS NULL;
