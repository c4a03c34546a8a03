-- Tax the marketplace collects and owes to tax authorities (platform account tax_payable): never
-- the seller's money.
ALTER TABLE ledger_accounts DROP CONSTRAINT ledger_accounts_name_check;
ALTER TABLE ledger_accounts DROP CONSTRAINT ledger_accounts_owner;
ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_name_check
  CHECK (name IN ('provider_clearing', 'commission', 'payouts', 'refunds_owed', 'tax_payable', 'pending', 'available',
                  'paid_out'));
ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_owner
  CHECK ((shop_id IS NULL) = (name IN ('provider_clearing', 'commission', 'payouts', 'refunds_owed', 'tax_payable')));
