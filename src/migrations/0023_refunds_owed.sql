-- Refunds the provider refused: the money stays at the provider and is owed to the buyer
-- (platform account refunds_owed, entry kind refund_failure).
ALTER TABLE ledger_accounts DROP CONSTRAINT ledger_accounts_name_check;
ALTER TABLE ledger_accounts DROP CONSTRAINT ledger_accounts_owner;
ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_name_check
  CHECK (name IN ('provider_clearing', 'commission', 'payouts', 'refunds_owed', 'pending', 'available', 'paid_out'));
ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_owner
  CHECK ((shop_id IS NULL) = (name IN ('provider_clearing', 'commission', 'payouts', 'refunds_owed')));
ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_kind_check;
ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_kind_check
  CHECK (kind IN ('payment', 'delivery', 'refund', 'refund_failure', 'payout', 'payout_reversal'));
